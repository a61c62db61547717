// upstream::token_keeper against the simulator: single flight, renewal on 1001 and on expiry,
// 429 and 400 handling, persistence across a restart, user tokens.
#include "upstream_fixture.hpp"

using namespace reel;
using namespace reel::upstream;
using namespace reel::upstream::testing;
using reel::core::errc;
using reel::core::token_state;
using reel::fake_nemo::endpoint;

namespace {

constexpr std::int64_t day_ms = 24LL * 3600 * 1000;

// Runs `n` credits calls at once; returns how many succeeded.
int concurrent_credits(fixture& f, int n) {
  std::vector<std::optional<core::result<credits_info>>> out(static_cast<std::size_t>(n));
  for (auto& o : out) spawn(f.ioc, f.api->credits(), o);
  f.ioc.restart();
  f.ioc.run();
  int ok = 0;
  for (auto& o : out) {
    REQUIRE(o.has_value());
    if (o->has_value())
      ++ok;
    else
      MESSAGE("failed: " << o->error().message);
  }
  return ok;
}

int token_requests(fixture& f) {
  return f.sim().get_counters().calls(endpoint::anonymous_token);
}

}  // namespace

TEST_CASE("10 concurrent callers on a fresh keeper share exactly one token request") {
  fixture f;
  f.sim().update_knobs(
      [](fake_nemo::knobs& k) { k.endpoint_delay[endpoint::anonymous_token] = 200ms; });
  CHECK(f.keeper->status().state == token_state::missing);
  CHECK(concurrent_credits(f, 10) == 10);
  CHECK(token_requests(f) == 1);
  CHECK(f.sim().get_counters().calls(endpoint::credits) == 10);
  CHECK(f.keeper->status().state == token_state::valid);
}

TEST_CASE("a token expiring while 5 requests are in flight is renewed once; all 5 succeed") {
  fixture f;
  REQUIRE(f.run(f.api->credits()).has_value());  // the token has made one call
  // It dies after its third call: two of the five pass, three come back 1001.
  f.sim().update_knobs([](fake_nemo::knobs& k) {
    k.token_valid_calls = 3;
    k.endpoint_delay[endpoint::credits] = 100ms;
    k.endpoint_delay[endpoint::anonymous_token] = 100ms;
  });
  CHECK(concurrent_credits(f, 5) == 5);
  CHECK(token_requests(f) == 2);
  CHECK(f.sim().get_counters().calls(endpoint::credits) == 1 + 5 + 3);
}

TEST_CASE("a token past its expiry on the clock is renewed once for 5 concurrent callers") {
  fixture f;
  REQUIRE(f.run(f.api->credits()).has_value());
  const auto expiry = f.keeper->status().expires_at_ms;
  REQUIRE(expiry.has_value());
  f.clock_ms = *expiry + 1;
  f.sim().advance_clock(std::chrono::hours(24 * 8));  // the service forgets it as well
  CHECK(f.keeper->status().state == token_state::expired);
  f.sim().update_knobs(
      [](fake_nemo::knobs& k) { k.endpoint_delay[endpoint::anonymous_token] = 100ms; });
  CHECK(concurrent_credits(f, 5) == 5);
  CHECK(token_requests(f) == 2);
  CHECK(f.keeper->status().state == token_state::valid);
  CHECK(*f.keeper->status().expires_at_ms > f.clock_ms);
}

TEST_CASE("inside the renewal margin calls keep the valid token while one renewal runs") {
  fixture f;
  REQUIRE(f.run(f.api->credits()).has_value());
  f.clock_ms = *f.keeper->status().expires_at_ms - 60'000;  // inside the 1 h margin
  SUBCASE("the service issues a new token: it replaces the old one") {
    f.sim().update_knobs([](fake_nemo::knobs& k) { k.rate_limit_tokens = false; });
    REQUIRE(f.run(f.api->credits()).has_value());
    CHECK(token_requests(f) == 2);
    CHECK(f.keeper->status().expires_at_ms > f.clock_ms + 3600'000);
    const auto fresh = f.sim().token_of(f.keeper->client_id());
    REQUIRE(f.run(f.api->credits()).has_value());
    CHECK(f.sim().get_counters().token_calls(fresh) == 1);
  }
  SUBCASE("the service says 429 twice: the old token stays in use, no more attempts") {
    for (int i = 0; i < 3; ++i) REQUIRE(f.run(f.api->credits()).has_value());
    CHECK(token_requests(f) == 3);  // the first token, then one attempt and its one retry
    CHECK(f.keeper->status().state == token_state::valid);
  }
}

TEST_CASE("HTTP 429 on the token call waits, then retries once") {
  fixture f;
  SUBCASE("the retry succeeds") {
    f.sim().fail_next(endpoint::anonymous_token, 1, 429);
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(f.run(f.api->credits()).has_value());
    CHECK(std::chrono::steady_clock::now() - started >= 100ms);
    CHECK(token_requests(f) == 2);
  }
  SUBCASE("the retry is refused too: rate_limited, and no third request") {
    f.sim().fail_next(endpoint::anonymous_token, 2, 429);
    auto r = f.run(f.api->credits());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::rate_limited);
    CHECK(token_requests(f) == 2);
    CHECK(f.sim().get_counters().calls(endpoint::credits) == 0);
  }
}

TEST_CASE("HTTP 400 on the token call makes a new client id and retries") {
  fixture f;
  f.sim().fail_next(endpoint::anonymous_token, 1, 400);
  REQUIRE(f.run(f.api->credits()).has_value());
  std::vector<std::string> ids;
  for (const auto& r : f.sim().requests())
    if (r.ep == endpoint::anonymous_token)
      ids.push_back(fake_nemo::find_header(r.headers, "X-Client-Id"));
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] != ids[1]);
  CHECK(ids[1] == f.keeper->client_id());
  CHECK(f.settings.get("upstream.client_id") == ids[1]);
  CHECK(ids[1].size() == 36);  // a UUID
  CHECK(ids[1][14] == '4');    // version 4
}

TEST_CASE("the token, its expiry and the client id survive a restart and are reused") {
  fixture f;
  REQUIRE(f.run(f.api->credits()).has_value());
  const auto id = f.keeper->client_id();
  const auto expiry = f.keeper->status().expires_at_ms;
  f.reconnect();  // a new client, keeper and API over the same store
  CHECK(f.keeper->status().state == token_state::valid);
  CHECK(f.keeper->status().expires_at_ms == expiry);
  REQUIRE(f.run(f.api->credits()).has_value());
  CHECK(token_requests(f) == 1);
  CHECK(f.keeper->client_id() == id);
  // A token from another base URL is not offered to this one.
  bool found = false;
  for (const auto& [k, v] : f.settings.all())
    if (k.rfind("upstream.token@", 0) == 0) found = k == "upstream.token@" + f.base_url();
  CHECK(found);
}

TEST_CASE("a user token is used as is; a 1001 on it is reported, never renewed") {
  const std::string mine = "nmv_user_supplied_token_0123456789abcdef";
  fixture f({.keeper = [&](keeper_options& k) { k.user_token = mine; }});
  f.sim().add_token(mine, 42);
  CHECK(f.keeper->status().state == token_state::user_supplied);
  auto c = f.run(f.api->credits());
  REQUIRE(c.has_value());
  CHECK(c->available == 42);
  f.sim().expire_token(mine);
  auto r = f.run(f.api->credits());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::token_invalid);
  CHECK(r.error().upstream_code == 1001);
  CHECK(token_requests(f) == 0);
  CHECK(f.sim().get_counters().calls(endpoint::credits) == 2);
  CHECK(f.keeper->status().state == token_state::user_supplied);
  CHECK_FALSE(f.keeper->status().expires_at_ms.has_value());
  CHECK_FALSE(f.keeper->context().anonymous_token);
}

TEST_CASE("keeper options come from the [upstream] config section") {
  core::config cfg;
  cfg.upstream.token = "t0k3n-from-config";
  cfg.upstream.token_renew_margin_s = 120;
  cfg.upstream.rate_limit_wait_s = 7;
  const auto o = keeper_options::from_config(cfg);
  CHECK(o.user_token == "t0k3n-from-config");
  CHECK(o.renew_margin == 120s);
  CHECK(o.rate_limit_wait == 7s);
  const auto c = client_options::from_config(cfg);
  CHECK(c.base_url == "https://mega-api-prod.nemovideo.ai");
  CHECK(c.skill_source == "reel");
  CHECK(c.pool_size == 4);
  CHECK(c.sse_idle_timeout == 660s);
  CHECK(core::find_config_key("upstream.token")->env_alias == "NEMO_TOKEN");
}
