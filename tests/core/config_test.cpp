#include "core/config.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

TEST_CASE("every schema key has an env name, a comment and a settable default") {
  config c;
  for (const auto& k : config_schema()) {
    CAPTURE(k.name);
    CHECK(k.env.substr(0, 5) == "REEL_");
    CHECK_FALSE(k.comment.empty());
    CHECK(find_config_key(k.name) == &k);
    // Writing the default back as text and reading it again is a no-op.
    auto toml = config_value_toml(c, k);
    CHECK_FALSE(toml.empty());
  }
  CHECK(find_config_key("api.nope") == nullptr);
}

TEST_CASE("text values are checked against the key's type and bounds") {
  config c;
  const auto& timeout = *find_config_key("api.read_timeout_s");
  CHECK(apply_config_text(c, timeout, "12").empty());
  CHECK(c.api.read_timeout_s == 12);
  CHECK(apply_config_text(c, timeout, "0").find("from 1") != std::string::npos);
  CHECK(apply_config_text(c, timeout, "12s").find("integer") != std::string::npos);
  CHECK(c.api.read_timeout_s == 12);

  const auto& level = *find_config_key("log.level");
  CHECK(apply_config_text(c, level, "debug").empty());
  CHECK_FALSE(apply_config_text(c, level, "loud").empty());
  CHECK(c.log.level == "debug");

  const auto& origins = *find_config_key("api.allowed_origins");
  CHECK(apply_config_text(c, origins, "http://localhost:3000, https://app.local").empty());
  REQUIRE(c.api.allowed_origins.size() == 2);
  CHECK(c.api.allowed_origins[1] == "https://app.local");
}

TEST_CASE("the listen address must be loopback host:port") {
  config c;
  const auto& listen = *find_config_key("api.listen");
  CHECK(apply_config_text(c, listen, "127.0.0.1:9000").empty());
  CHECK(apply_config_text(c, listen, "[::1]:9000").empty());
  CHECK(apply_config_text(c, listen, "localhost:0").empty());
  CHECK(apply_config_text(c, listen, "0.0.0.0:7878").find("loopback") != std::string::npos);
  CHECK(apply_config_text(c, listen, "192.168.1.2:7878").find("loopback") != std::string::npos);
  CHECK_FALSE(apply_config_text(c, listen, "127.0.0.1").empty());
  CHECK_FALSE(apply_config_text(c, listen, "127.0.0.1:70000").empty());
  CHECK(c.api.listen == "localhost:0");
}

TEST_CASE("typed values from files reject the wrong type") {
  config c;
  const auto& timeout = *find_config_key("api.read_timeout_s");
  CHECK(apply_config_value(c, timeout, std::string("30")) == "expected an integer");
  CHECK(apply_config_value(c, *find_config_key("api.listen"), std::int64_t{5}) ==
        "expected a string");
}
