#include "cli/daemon_address.hpp"
#include "cli/daemon_config_file.hpp"
#include "cli/test_support.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace reel::cli;

namespace {

reel::core::env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<daemon_config_file> files_with_listen() {
  return {{"/home/u/.config/reel/reeld.toml", std::nullopt, std::nullopt},
          {"/etc/reel/reeld.toml", "127.0.0.1:9001", std::nullopt}};
}

}  // namespace

TEST_CASE("address: --host wins over $REEL_HOST and the config files") {
  auto a = resolve_daemon_address("127.0.0.1:9100", env_of({{"REEL_HOST", "127.0.0.1:9200"}}),
                                  files_with_listen());
  REQUIRE(a.has_value());
  CHECK(a->authority() == "127.0.0.1:9100");
  CHECK(a->source == "--host");
  CHECK(a->source_description() == "from --host");
}

TEST_CASE("address: $REEL_HOST wins over the config files") {
  auto a =
      resolve_daemon_address("", env_of({{"REEL_HOST", "localhost:9200"}}), files_with_listen());
  REQUIRE(a.has_value());
  CHECK(a->host == "localhost");
  CHECK(a->port == 9200);
  CHECK(a->source == "$REEL_HOST");
}

TEST_CASE("address: the first config file that sets api.listen wins, and is named") {
  auto a = resolve_daemon_address("", env_of({}), files_with_listen());
  REQUIRE(a.has_value());
  CHECK(a->authority() == "127.0.0.1:9001");
  CHECK(a->source == "/etc/reel/reeld.toml");
  CHECK(a->source_description() == "from api.listen in /etc/reel/reeld.toml");

  std::vector<daemon_config_file> both = {{"/u.toml", "127.0.0.1:9002", std::nullopt},
                                          {"/etc.toml", "127.0.0.1:9001", std::nullopt}};
  CHECK(resolve_daemon_address("", env_of({}), both)->source == "/u.toml");
}

TEST_CASE("address: without flag, environment or config it is 127.0.0.1:7878") {
  auto a = resolve_daemon_address("", env_of({}), {});
  REQUIRE(a.has_value());
  CHECK(a->authority() == "127.0.0.1:7878");
  CHECK(a->source == "default");
  CHECK(a->source_description() == "the default");
}

TEST_CASE("address: IPv6 keeps its brackets in the authority; wildcards become loopback") {
  auto a = resolve_daemon_address("[::1]:7000", env_of({}), {});
  REQUIRE(a.has_value());
  CHECK(a->host == "::1");
  CHECK(a->authority() == "[::1]:7000");
  CHECK(resolve_daemon_address("0.0.0.0:7000", env_of({}), {})->host == "127.0.0.1");
}

TEST_CASE("address: a malformed address is bad usage that names its source") {
  auto a = resolve_daemon_address("", env_of({{"REEL_HOST", "nonsense"}}), {});
  REQUIRE_FALSE(a.has_value());
  CHECK(a.error().kind == failure::usage);
  CHECK(exit_code(a.error().kind) == 2);
  CHECK(a.error().error.message.find("$REEL_HOST") != std::string::npos);
  CHECK(a.error().error.message.find("nonsense") != std::string::npos);
  CHECK_FALSE(resolve_daemon_address("127.0.0.1:0", env_of({}), {}).has_value());
}

TEST_CASE("config paths: $XDG_CONFIG_HOME, else ~/.config, then /etc") {
  CHECK(daemon_config_paths(env_of({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})) ==
        std::vector<std::string>{"/x/reel/reeld.toml", "/etc/reel/reeld.toml"});
  CHECK(daemon_config_paths(env_of({{"HOME", "/h"}})) ==
        std::vector<std::string>{"/h/.config/reel/reeld.toml", "/etc/reel/reeld.toml"});
}

TEST_CASE("config files: reads [api] listen and [store] state_dir; skips missing and broken ones") {
  test::temp_dir dir;
  auto good = dir.write("good.toml",
                        "[api]\nlisten = \"127.0.0.1:7999\"\nmax_connections = 3\n"
                        "[store]\nstate_dir = \"/srv/reel\"\n");
  auto bare = dir.write("bare.toml", "[log]\nlevel = \"debug\"\n");
  auto broken = dir.write("broken.toml", "[api\nlisten = \n");
  std::vector<std::string> warnings;
  auto files =
      read_daemon_config_files({dir.str() + "/missing.toml", broken, good, bare}, warnings);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == good);
  CHECK(files[0].listen == "127.0.0.1:7999");
  CHECK(files[0].state_dir == "/srv/reel");
  CHECK(files[1].path == bare);
  CHECK_FALSE(files[1].listen);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find(broken) == 0);
}
