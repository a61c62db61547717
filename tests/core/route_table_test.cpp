#include "core/route_table.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

TEST_CASE("routes tell found, 404 and 405 apart and capture parameters") {
  route_table t;
  auto health = t.add("GET", "/v1/health");
  auto get_session = t.add("GET", "/v1/sessions/{id}");
  t.add("DELETE", "/v1/sessions/{id}");
  auto media = t.add("POST", "/v1/sessions/{id}/media");

  auto m = t.match("GET", "/v1/health");
  CHECK(m.outcome == route_match::kind::found);
  CHECK(m.index == health);
  CHECK(t.match("HEAD", "/v1/health").outcome == route_match::kind::found);

  m = t.match("GET", "/v1/sessions/s_1%20x");
  REQUIRE(m.outcome == route_match::kind::found);
  CHECK(m.index == get_session);
  CHECK(m.params["id"] == "s_1 x");
  CHECK(m.name == "/v1/sessions/{id}");

  m = t.match("POST", "/v1/sessions/abc");
  CHECK(m.outcome == route_match::kind::method_not_allowed);
  CHECK(m.allow == "GET, DELETE");

  CHECK(t.match("POST", "/v1/sessions/abc/media").index == media);
  CHECK(t.match("GET", "/v1/nothing").outcome == route_match::kind::not_found);
  CHECK(t.match("GET", "/v1/sessions/").outcome == route_match::kind::not_found);
  CHECK(t.match("GET", "/v1/sessions/%zz").outcome == route_match::kind::not_found);
}

TEST_CASE("targets split into path and query; query parameters decode") {
  auto [path, query] = split_target("/v1/renders?state=failed&limit=5");
  CHECK(path == "/v1/renders");
  CHECK(query_param(query, "state") == "failed");
  CHECK(query_param(query, "limit") == "5");
  CHECK_FALSE(query_param(query, "x"));
  CHECK(percent_decode("a%2Fb") == "a/b");
  CHECK_FALSE(percent_decode("a%2"));
  CHECK_FALSE(percent_decode("a%00"));
}
