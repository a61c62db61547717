// POST /api/auth/anonymous-token and the bearer check on every other call, over a real socket.
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;

TEST_CASE("an anonymous token carries 100 credits and expires in 7 days") {
  fixture f;
  const auto r = f.client.post_json("/api/auth/anonymous-token", nlohmann::json::object(),
                                    {{"X-Client-Id", "c-1"}});
  CHECK(r.status == 200);
  const auto j = r.json();
  CHECK(j["code"] == 0);
  CHECK(j["message"] == "success");
  const auto token = j["data"]["token"].get<std::string>();
  CHECK(token.size() > 20);
  CHECK(j["data"]["credits"] == 100);
  CHECK(j["data"]["expires_in"] == 7 * 24 * 3600);
  CHECK(f.sim().token_of("c-1") == token);
  const auto credits = f.client.get("/api/credits/balance/simple", auth_headers(token)).json();
  CHECK(credits["data"]["available"] == 100);
}

TEST_CASE("tokens are random: two client ids get different tokens") {
  fixture f;
  CHECK(f.token("a") != f.token("b"));
}

TEST_CASE("the anonymous-token call without X-Client-Id is HTTP 400") {
  fixture f;
  const auto r = f.client.post_json("/api/auth/anonymous-token", nlohmann::json::object());
  CHECK(r.status == 400);
  CHECK(r.json()["code"] == 400);
}

TEST_CASE("a second token for the same client id is HTTP 429 until the limit is reset") {
  fixture f;
  CHECK_FALSE(f.token("same").empty());
  const auto again = f.client.post_json("/api/auth/anonymous-token", nlohmann::json::object(),
                                        {{"X-Client-Id", "same"}});
  CHECK(again.status == 429);
  f.sim().reset_rate_limit();
  CHECK_FALSE(f.token("same").empty());
}

TEST_CASE("after 7 sim days the token is expired (1001) and the client id may get a new one") {
  fixture f;
  const auto token = f.token("week");
  f.sim().advance_clock(std::chrono::hours(24 * 7 + 1));
  const auto r = f.client.get("/api/credits/balance/simple", auth_headers(token));
  CHECK(r.status == 200);
  CHECK(r.json()["code"] == 1001);
  const auto fresh = f.token("week");
  CHECK_FALSE(fresh.empty());
  CHECK(fresh != token);
}

TEST_CASE("a missing, unknown or malformed bearer token is 1001") {
  fixture f;
  CHECK(f.client.get("/api/credits/balance/simple").json()["code"] == 1001);
  CHECK(f.client.get("/api/credits/balance/simple", auth_headers("nmv_nope")).json()["code"] ==
        1001);
  CHECK(f.client.get("/api/credits/balance/simple", {{"Authorization", "Basic abc"}})
            .json()["code"] == 1001);
}

TEST_CASE("knob: a token expires after N calls, then a new token works") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.token_valid_calls = 2; });
  const auto token = f.token("n-calls");
  const auto h = auth_headers(token);
  CHECK(f.client.get("/api/credits/balance/simple", h).json()["code"] == 0);
  CHECK(f.client.get("/api/credits/balance/simple", h).json()["code"] == 0);
  CHECK(f.client.get("/api/credits/balance/simple", h).json()["code"] == 1001);
  // The expired token no longer blocks its client id.
  const auto fresh = f.token("n-calls");
  REQUIRE_FALSE(fresh.empty());
  CHECK(f.client.get("/api/credits/balance/simple", auth_headers(fresh)).json()["code"] == 0);
}

TEST_CASE("fault: expire_token and expire_all_tokens answer 1001") {
  fixture f;
  const auto a = f.token();
  const auto b = f.token();
  f.sim().expire_token(a);
  CHECK(f.client.get("/api/credits/balance/simple", auth_headers(a)).json()["code"] == 1001);
  CHECK(f.client.get("/api/credits/balance/simple", auth_headers(b)).json()["code"] == 0);
  f.sim().expire_all_tokens();
  CHECK(f.client.get("/api/credits/balance/simple", auth_headers(b)).json()["code"] == 1001);
}

TEST_CASE("fault: the next N token calls answer 429") {
  fixture f;
  f.sim().fail_next(endpoint::anonymous_token, 2, 429);
  for (int i = 0; i < 2; ++i) {
    const auto r = f.client.post_json("/api/auth/anonymous-token", nlohmann::json::object(),
                                      {{"X-Client-Id", "x"}});
    CHECK(r.status == 429);
  }
  CHECK_FALSE(f.token("x").empty());
}

TEST_CASE("a registered token (add_token) never expires and has its own balance") {
  fixture f;
  f.sim().add_token("user-token", 7);
  f.sim().advance_clock(std::chrono::hours(24 * 365));
  const auto j = f.client.get("/api/credits/balance/simple", auth_headers("user-token")).json();
  CHECK(j["code"] == 0);
  CHECK(j["data"]["available"] == 7);
}

TEST_CASE("knob: business errors may carry mapped HTTP statuses") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.business_http_status = true; });
  const auto r = f.client.get("/api/credits/balance/simple");
  CHECK(r.status == 401);
  CHECK(r.json()["code"] == 1001);
}
