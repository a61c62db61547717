#include "config/config_loader.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <sstream>

using namespace reel;

namespace {

core::env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("config/reeld.toml lists every key, each at its default") {
  const std::string text = slurp(std::string(REEL_SOURCE_DIR) + "/config/reeld.toml");
  core::config from_file;
  // Start from non-defaults, so a key missing from the file would stay different.
  for (const auto& k : core::config_schema()) {
    CAPTURE(k.name);
    auto leaf = std::string(k.name.substr(k.name.find('.') + 1));
    CHECK(text.find("\n" + leaf + " = ") != std::string::npos);
  }
  REQUIRE(config::apply_toml(from_file, text, "reeld.toml") == "");
  core::config defaults;
  CHECK(config::to_toml(from_file) == config::to_toml(defaults));
  // And the file is what --print-config writes, comments included (scripts/gen-config.sh).
  CHECK(text.find(config::to_toml(defaults)) != std::string::npos);
}

TEST_CASE("precedence: defaults < system file < user file < --config < environment < flags") {
  test::temp_dir dir;
  write(dir.path() + "/system.toml",
        "[api]\nread_timeout_s = 11\nwrite_timeout_s = 11\n"
        "ws_auth_timeout_s = 11\nws_ping_interval_s = 11\n"
        "max_connections = 11\n");
  std::filesystem::create_directories(dir.path() + "/xdg/reel");
  write(dir.path() + "/xdg/reel/reeld.toml",
        "[api]\nwrite_timeout_s = 22\nws_auth_timeout_s = 22\n"
        "ws_ping_interval_s = 22\nmax_connections = 22\n");
  write(dir.path() + "/explicit.toml",
        "[api]\nws_auth_timeout_s = 33\nws_ping_interval_s = 33\n"
        "max_connections = 33\n");
  config::load_options opts;
  opts.system_file = dir.path() + "/system.toml";
  opts.explicit_file = dir.path() + "/explicit.toml";
  opts.flags = {{"api.max_connections", "55"}};
  auto out = config::load_config(opts, env_of({{"XDG_CONFIG_HOME", dir.path() + "/xdg"},
                                               {"REEL_API_WS_PING_INTERVAL_S", "44"},
                                               {"REEL_API_MAX_CONNECTIONS", "44"},
                                               {"HOME", dir.path()}}));
  REQUIRE(out.value);
  const auto& api = out.value->cfg.api;
  CHECK(api.read_timeout_s == 11);
  CHECK(api.write_timeout_s == 22);
  CHECK(api.ws_auth_timeout_s == 33);
  CHECK(api.ws_ping_interval_s == 44);
  CHECK(api.max_connections == 55);
  CHECK(out.value->files.size() == 3);
}

TEST_CASE("a bad value names the file, the line and the key") {
  test::temp_dir dir;
  write(dir.path() + "/bad.toml", "[api]\n\n# comment\nlisten = \"0.0.0.0:80\"\n");
  config::load_options opts;
  opts.system_file = dir.path() + "/none.toml";
  opts.explicit_file = dir.path() + "/bad.toml";
  auto out = config::load_config(opts, env_of({}));
  CHECK_FALSE(out.value);
  CHECK(out.error.find(dir.path() + "/bad.toml:4: api.listen: ") == 0);
  CHECK(out.error.find("loopback") != std::string::npos);
}

TEST_CASE("unknown keys, wrong types and broken TOML are errors with a line") {
  core::config c;
  CHECK(config::apply_toml(c, "[api]\nlisen = \"x\"\n", "f.toml") ==
        "f.toml:2: api.lisen: unknown key");
  CHECK(config::apply_toml(c, "[store]\nbusy_timeout_ms = \"5\"\n", "f.toml") ==
        "f.toml:2: store.busy_timeout_ms: expected an integer");
  CHECK(config::apply_toml(c, "[api\n", "f.toml").find("f.toml:1: ") == 0);
  CHECK(config::apply_toml(c, "listen = 1\n", "f.toml")
            .find("f.toml:1: listen: expected a [section]") == 0);
}

TEST_CASE("bad environment values and a missing --config file are errors") {
  config::load_options opts;
  opts.system_file = "/nonexistent/reeld.toml";
  auto out = config::load_config(opts, env_of({{"REEL_LISTEN", "8.8.8.8:1"}}));
  CHECK_FALSE(out.value);
  CHECK(out.error.find("environment REEL_LISTEN: api.listen: ") == 0);
  opts.explicit_file = "/nonexistent/explicit.toml";
  out = config::load_config(opts, env_of({}));
  CHECK_FALSE(out.value);
  CHECK(out.error.find("/nonexistent/explicit.toml") != std::string::npos);
}

TEST_CASE("the state directory: config, then $STATE_DIRECTORY, $XDG_STATE_HOME, $HOME") {
  config::load_options opts;
  opts.system_file = "/nonexistent";
  auto dir_for = [&](std::map<std::string, std::string> env) {
    return config::load_config(opts, env_of(env)).value->state_dir;
  };
  CHECK(dir_for({{"STATE_DIRECTORY", "/var/lib/reel:/other"}, {"HOME", "/h"}}).path ==
        "/var/lib/reel");
  CHECK(dir_for({{"XDG_STATE_HOME", "/x"}, {"HOME", "/h"}}).path == "/x/reel");
  CHECK(dir_for({{"HOME", "/h"}}).path == "/h/.local/state/reel");
  CHECK(dir_for({{"HOME", "/h"}}).source == "$HOME");
  CHECK(dir_for({{"REEL_STATE_DIR", "/s"}, {"STATE_DIRECTORY", "/var/lib/reel"}}).path == "/s");
}

TEST_CASE("the effective configuration never prints the cloud token") {
  core::config c;
  REQUIRE(config::apply_toml(c, "[upstream]\ntoken = \"tok_secret_value_123\"\n", "f.toml").empty());
  auto text = config::to_toml(c);
  CHECK(text.find("tok_secret_value_123") == std::string::npos);
  CHECK(text.find("is set (not shown)") != std::string::npos);
}
