#include "core/error.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

TEST_CASE("every error code maps to its HTTP status and wire name, one row each") {
  struct row {
    errc code;
    const char* name;
    int status;
  };
  const row rows[] = {
      {errc::bad_request, "bad_request", 400},
      {errc::unauthorized, "unauthorized", 401},
      {errc::forbidden, "forbidden", 403},
      {errc::not_found, "not_found", 404},
      {errc::method_not_allowed, "method_not_allowed", 405},
      {errc::conflict, "conflict", 409},
      {errc::payload_too_large, "payload_too_large", 413},
      {errc::unsupported_media, "unsupported_media", 415},
      {errc::rate_limited, "rate_limited", 429},
      {errc::token_invalid, "token_invalid", 502},
      {errc::session_lost, "session_lost", 502},
      {errc::out_of_credits, "out_of_credits", 402},
      {errc::plan_blocked, "plan_blocked", 402},
      {errc::upstream_unavailable, "upstream_unavailable", 503},
      {errc::upstream_error, "upstream_error", 502},
      {errc::timeout, "timeout", 504},
      {errc::cancelled, "cancelled", 409},
      {errc::internal, "internal", 500},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK(http_status(r.code) == r.status);
    CHECK(to_string(r.code) == r.name);
    CHECK(errc_from_string(r.name) == r.code);
  }
  CHECK_FALSE(errc_from_string("no_such_code"));
}

TEST_CASE("the error envelope has every field, nulls for absent ones, and parses back") {
  error e = make_error(errc::out_of_credits, "You have no credits left.");
  e.upstream_code = 2001;
  e.hint = "Register: https://example.invalid/?bind=abc";
  auto j = to_json(e);
  CHECK(j["error"]["code"] == "out_of_credits");
  CHECK(j["error"]["upstream_code"] == 2001);
  CHECK(j["error"]["retry_after_s"].is_null());
  auto back = error_from_json(j);
  REQUIRE(back);
  CHECK(back->code == errc::out_of_credits);
  CHECK(back->hint == e.hint);
  CHECK(back->upstream_code == 2001);
  CHECK_FALSE(back->retry_after_s);
  CHECK_FALSE(error_from_json(nlohmann::json{{"error", {{"code", "nope"}, {"message", "x"}}}}));
  CHECK_FALSE(error_from_json(nlohmann::json::array()));
}

TEST_CASE("result<T>::value() throws the error it holds") {
  result<int> r = make_error(errc::conflict, "busy");
  CHECK_THROWS_AS(r.value(), error_exception);
  try {
    (void)r.value();
  } catch (const error_exception& ex) {
    CHECK(ex.err().code == errc::conflict);
  }
}
