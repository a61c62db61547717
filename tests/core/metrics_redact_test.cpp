#include "core/metrics.hpp"
#include "core/redact.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

TEST_CASE("metrics render in the Prometheus text format") {
  metrics m;
  m.describe("reel_http_requests_total", "counter", "Requests.");
  m.counter("reel_http_requests_total", {{"route", "/v1/health"}, {"status", "200"}}) += 2;
  m.gauge("reel_ws_clients") = 3;
  auto& h = m.histogram("lat", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  auto text = m.render();
  CHECK(text.find("# TYPE reel_http_requests_total counter\n") != std::string::npos);
  CHECK(text.find("reel_http_requests_total{route=\"/v1/health\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("reel_ws_clients 3\n") != std::string::npos);
  CHECK(text.find("lat_bucket{le=\"0.1\"} 1\n") != std::string::npos);
  CHECK(text.find("lat_bucket{le=\"1\"} 2\n") != std::string::npos);
  CHECK(text.find("lat_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("lat_count 3\n") != std::string::npos);
}

TEST_CASE("handles stay valid as families grow") {
  metrics m;
  double& a = m.counter("a");
  for (int i = 0; i < 100; ++i) m.counter("c" + std::to_string(i)) += 1;
  a += 5;
  CHECK(m.render().find("a 5\n") != std::string::npos);
}

TEST_CASE("the redactor hides secrets and bearer credentials") {
  redactor r;
  r.add_secret("tok_0123456789abcdef");
  r.add_secret("short");  // too short to hide safely: ignored
  CHECK(r.redact("token=tok_0123456789abcdef;") == "token=[redacted];");
  CHECK(r.redact("Authorization: Bearer abc.def-ghi") == "Authorization: Bearer [redacted]");
  CHECK(r.redact("authorization: bearer XYZ and more") ==
        "authorization: bearer [redacted] and more");
  CHECK(r.redact("a short story") == "a short story");
  CHECK(r.redact("bearer") == "bearer");
  CHECK(r.needs_redaction("x tok_0123456789abcdef x"));
  r.remove_secret("tok_0123456789abcdef");
  CHECK_FALSE(r.needs_redaction("x tok_0123456789abcdef x"));
}
