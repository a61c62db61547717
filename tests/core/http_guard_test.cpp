#include "core/http_guard.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

TEST_CASE("Host must be a loopback name or address, with our port when a port is given") {
  struct row {
    const char* host;
    bool ok;
  };
  const row rows[] = {
      {"127.0.0.1:7878", true},
      {"localhost:7878", true},
      {"LOCALHOST:7878", true},
      {"[::1]:7878", true},
      {"127.0.0.1", true},
      {"localhost", true},
      {"127.1.2.3:7878", true},
      {"127.0.0.1:7879", false},
      {"evil.com:7878", false},
      {"evil.com", false},
      {"", false},
      {"10.0.0.1:7878", false},
      {"127.0.0.1.evil.com:7878", false},
      {"localhost.evil.com", false},
      {"[::2]:7878", false},
      {"127.0.0.1:", false},
      {"[::1", false},
      {"128.0.0.1:7878", false},
      {"127.0.0.1:7878x", false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.host);
    CHECK(host_allowed(r.host, 7878) == r.ok);
  }
}

TEST_CASE("an Origin passes only when listed exactly") {
  std::vector<std::string> allowed{"http://localhost:3000"};
  CHECK(origin_allowed("http://localhost:3000", allowed));
  CHECK_FALSE(origin_allowed("http://localhost:3001", allowed));
  CHECK_FALSE(origin_allowed("https://evil.example", allowed));
  CHECK_FALSE(origin_allowed("null", {"null"}));
  CHECK_FALSE(origin_allowed("http://localhost:3000", {}));
}

TEST_CASE("bearer tokens are read case-insensitively and compared by content") {
  CHECK(bearer_token("Bearer abc") == "abc");
  CHECK(bearer_token("bearer  abc ") == "abc");
  CHECK(bearer_token("Basic abc").empty());
  CHECK(bearer_token("Bearer").empty());
  CHECK(constant_time_equal("secret-key", "secret-key"));
  CHECK_FALSE(constant_time_equal("secret-kez", "secret-key"));
  CHECK_FALSE(constant_time_equal("secret", "secret-key"));
  CHECK_FALSE(constant_time_equal("secret-key-longer", "secret-key"));
  CHECK_FALSE(constant_time_equal("", "secret-key"));
}
