#include "cli/api_key.hpp"
#include "cli/test_support.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

}  // namespace

TEST_CASE("key: --key-file wins over $REEL_API_KEY and the state directory") {
  test::temp_dir dir;
  auto flag_file = dir.write("flag.key", "from-flag\n");
  auto state_file = dir.write("state/api.key", "from-state");
  auto k = load_api_key(flag_file, env_of({{"REEL_API_KEY", "from-env"}}), {state_file});
  REQUIRE(k.has_value());
  CHECK(k->value == "from-flag");
  CHECK(k->source == flag_file);
}

TEST_CASE("key: $REEL_API_KEY wins over the key files") {
  test::temp_dir dir;
  auto state_file = dir.write("state/api.key", "from-state");
  auto k = load_api_key("", env_of({{"REEL_API_KEY", "from-env"}}), {state_file});
  REQUIRE(k.has_value());
  CHECK(k->value == "from-env");
  CHECK(k->source == "$REEL_API_KEY");
}

TEST_CASE("key: the first candidate file that exists, trimmed") {
  test::temp_dir dir;
  auto second = dir.write("b/api.key", "  k-second \r\n");
  auto k = load_api_key("", env_of({}), {dir.str() + "/a/api.key", second});
  REQUIRE(k.has_value());
  CHECK(k->value == "k-second");
  CHECK(k->source == second);
}

TEST_CASE("key: none found is not a failure, and says where it looked") {
  test::temp_dir dir;
  auto k = load_api_key("", env_of({}), {dir.str() + "/a/api.key", dir.str() + "/b/api.key"});
  REQUIRE(k.has_value());
  CHECK_FALSE(k->value);
  CHECK(k->looked_at.size() == 2);
}

TEST_CASE("key: a --key-file that does not exist fails with its path") {
  auto k = load_api_key("/nonexistent/reel.key", env_of({}), {});
  REQUIRE_FALSE(k.has_value());
  CHECK(k.error().kind == failure::local);
  CHECK(k.error().code_name == "key_unreadable");
  CHECK(k.error().error.message.find("/nonexistent/reel.key") != std::string::npos);
}

TEST_CASE(
    "key candidates: $REEL_STATE_DIR > configured state_dir > reeld's default, then "
    "/var/lib/reel") {
  auto sys = std::string(system_api_key_path);
  CHECK(api_key_candidates(env_of({{"REEL_STATE_DIR", "/s"}, {"HOME", "/h"}}), "/cfg") ==
        std::vector<std::string>{"/s/api.key", sys});
  CHECK(api_key_candidates(env_of({{"HOME", "/h"}}), "/cfg") ==
        std::vector<std::string>{"/cfg/api.key", sys});
  CHECK(api_key_candidates(env_of({{"HOME", "/h"}}), std::nullopt) ==
        std::vector<std::string>{"/h/.local/state/reel/api.key", sys});
  CHECK(api_key_candidates(env_of({{"XDG_STATE_HOME", "/x"}}), std::nullopt) ==
        std::vector<std::string>{"/x/reel/api.key", sys});
  // Without HOME reeld's default is /var/lib/reel itself: listed once.
  CHECK(api_key_candidates(env_of({}), std::nullopt) == std::vector<std::string>{sys});
}

TEST_CASE("key: a key file that exists but cannot be read says permission denied") {
  test::temp_dir dir;
  ::chmod(dir.str().c_str(), 0755);
  auto path = dir.write("api.key", "secret");
  ::chmod(path.c_str(), 0600);
  // root reads everything: check as an unprivileged user in a child process instead.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(10);
    if (::geteuid() != 0) ::chmod(path.c_str(), 0);  // owner but not root: take our rights away
    auto k = load_api_key("", env_of({}), {path});
    if (k) ::_exit(11);
    if (k.error().kind != failure::local) ::_exit(12);
    if (k.error().error.message.find("permission denied reading " + path) != 0) ::_exit(13);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
