// core::token_machine: the token decisions without I/O (design.md rule 3).
#include "core/token_machine.hpp"

#include <doctest/doctest.h>

using namespace reel::core;
using kind = token_action::kind;
using step_kind = renewal_step::kind;

namespace {

constexpr std::int64_t hour = 3600'000;
constexpr std::int64_t t0 = 1'700'000'000'000;

token_machine anonymous() {
  return token_machine({hour, 30'000}, "");
}

renewal_result ok(std::string token, std::int64_t expires) {
  renewal_result r;
  r.what = renewal_result::kind::ok;
  r.token = std::move(token);
  r.expires_at_ms = expires;
  return r;
}

renewal_result outcome(renewal_result::kind k, errc code = errc::upstream_unavailable) {
  renewal_result r;
  r.what = k;
  r.err = make_error(code, "x");
  return r;
}

}  // namespace

TEST_CASE("a fresh keeper starts exactly one round for every caller and shares its token") {
  auto m = anonymous();
  CHECK(m.status(t0).state == token_state::missing);
  auto a = m.acquire(t0);
  CHECK(a.what == kind::wait);
  CHECK(a.start_renewal);
  for (int i = 0; i < 9; ++i) {
    auto b = m.acquire(t0);
    CHECK(b.what == kind::wait);
    CHECK_FALSE(b.start_renewal);
    CHECK(b.round == a.round);
  }
  CHECK(m.status(t0).state == token_state::renewing);
  CHECK(m.begin_round(a.round).what == step_kind::request);
  auto s = m.on_attempt(ok("tok", t0 + 7 * 24 * hour), t0);
  CHECK(s.what == step_kind::done);
  CHECK(s.succeeded);
  auto c = m.acquire(t0, a.round);
  CHECK(c.what == kind::use);
  CHECK(c.token == "tok");
  CHECK(m.status(t0).state == token_state::valid);
  CHECK(m.status(t0).expires_at_ms == t0 + 7 * 24 * hour);
}

TEST_CASE("waiters of a failed round share its failure instead of each starting a round") {
  auto m = anonymous();
  auto a = m.acquire(t0);
  auto b = m.acquire(t0);
  auto s = m.on_attempt(outcome(renewal_result::kind::failed), t0);
  CHECK(s.what == step_kind::done);
  CHECK_FALSE(s.succeeded);
  auto woke_a = m.acquire(t0, a.round);
  auto woke_b = m.acquire(t0, b.round);
  CHECK(woke_a.what == kind::fail);
  CHECK(woke_b.what == kind::fail);
  CHECK(woke_a.err.code == errc::upstream_unavailable);
  // A later caller tries again.
  auto c = m.acquire(t0 + 1);
  CHECK(c.what == kind::wait);
  CHECK(c.start_renewal);
}

TEST_CASE("a 1001 on the current token renews once; a 1001 on an older token does not") {
  auto m = anonymous();
  m.restore("old", t0 + 100 * hour);
  auto a = m.acquire(t0);
  REQUIRE(a.what == kind::use);
  m.reject(a.generation);
  CHECK(m.status(t0).state == token_state::expired);
  auto r1 = m.acquire(t0);
  auto r2 = m.acquire(t0);
  CHECK(r1.start_renewal);
  CHECK_FALSE(r2.start_renewal);
  m.on_attempt(ok("new", t0 + 100 * hour), t0);
  // A straggler reports the old token: nothing happens, it gets the new one.
  m.reject(a.generation);
  auto u = m.acquire(t0, r2.round);
  CHECK(u.what == kind::use);
  CHECK(u.token == "new");
  CHECK_FALSE(u.start_renewal);
}

TEST_CASE("inside the margin a background round starts while callers keep the valid token") {
  auto m = anonymous();
  m.restore("tok", t0 + hour / 2);
  auto a = m.acquire(t0);
  CHECK(a.what == kind::use);
  CHECK(a.token == "tok");
  CHECK(a.start_renewal);
  auto b = m.acquire(t0);
  CHECK(b.what == kind::use);
  CHECK_FALSE(b.start_renewal);
  // Past expiry during the round: callers wait for it.
  CHECK(m.acquire(t0 + hour).what == kind::wait);
}

TEST_CASE("429 waits and retries once; a second 429 ends the round rate_limited") {
  auto m = anonymous();
  auto a = m.acquire(t0);
  auto s = m.on_attempt(outcome(renewal_result::kind::rate_limited, errc::rate_limited), t0);
  CHECK(s.what == step_kind::wait_then_request);
  CHECK(s.wait_ms == 30'000);
  s = m.on_attempt(outcome(renewal_result::kind::rate_limited, errc::rate_limited), t0 + 30'000);
  CHECK(s.what == step_kind::done);
  auto f = m.acquire(t0 + 30'000, a.round);
  CHECK(f.what == kind::fail);
  CHECK(f.err.code == errc::rate_limited);
  // Right after, callers fail fast with a retry hint instead of hammering the limit.
  auto g = m.acquire(t0 + 31'000);
  CHECK(g.what == kind::fail);
  REQUIRE(g.err.retry_after_s.has_value());
  CHECK(*g.err.retry_after_s == doctest::Approx(29.0));
  CHECK(m.acquire(t0 + 61'000).start_renewal);
}

TEST_CASE("a proactive round that is rate limited stops trying until the token expires") {
  auto m = anonymous();
  m.restore("tok", t0 + hour / 2);
  auto a = m.acquire(t0);
  REQUIRE(a.start_renewal);
  m.on_attempt(outcome(renewal_result::kind::rate_limited, errc::rate_limited), t0);
  auto s = m.on_attempt(outcome(renewal_result::kind::rate_limited, errc::rate_limited), t0);
  CHECK(s.what == step_kind::done);
  auto b = m.acquire(t0 + 1000);
  CHECK(b.what == kind::use);
  CHECK_FALSE(b.start_renewal);
  // Expired: a round again.
  CHECK(m.acquire(t0 + hour).start_renewal);
}

TEST_CASE("HTTP 400 makes a new client id once, then gives up") {
  auto m = anonymous();
  m.acquire(t0);
  CHECK(
      m.on_attempt(outcome(renewal_result::kind::missing_client_id, errc::bad_request), t0).what ==
      step_kind::new_client_id);
  auto s = m.on_attempt(outcome(renewal_result::kind::missing_client_id, errc::bad_request), t0);
  CHECK(s.what == step_kind::done);
  CHECK_FALSE(s.succeeded);
}

TEST_CASE("a user token is used as is, never renewed, and reported as user_supplied") {
  token_machine m({hour, 30'000}, "mine");
  auto a = m.acquire(t0);
  CHECK(a.what == kind::use);
  CHECK(a.token == "mine");
  m.reject(a.generation);
  auto b = m.acquire(t0 + 365LL * 24 * hour);
  CHECK(b.what == kind::use);
  CHECK_FALSE(b.start_renewal);
  CHECK(m.status(t0).state == token_state::user_supplied);
  CHECK_FALSE(m.status(t0).expires_at_ms.has_value());
  m.restore("other", t0 + hour);
  CHECK(m.acquire(t0).token == "mine");
}

TEST_CASE("token expiry is read from expires_in, expires_at (number or ISO 8601), else 7 days") {
  CHECK(token_expiry_ms({{"expires_in", 60}}, t0) == t0 + 60'000);
  CHECK(token_expiry_ms({{"expires_in", "60"}}, t0) == t0 + 60'000);
  CHECK(token_expiry_ms({{"expires_at", 1'800'000'000}}, t0) == 1'800'000'000'000);
  CHECK(token_expiry_ms({{"expires_at", 1'800'000'000'123}}, t0) == 1'800'000'000'123);
  CHECK(token_expiry_ms({{"expires_at", "2024-01-01T00:00:00Z"}}, t0) == 1'704'067'200'000);
  CHECK(token_expiry_ms({{"expires_at", "garbage"}}, t0) == t0 + 7 * 24 * hour);
  CHECK(token_expiry_ms(nullptr, t0) == t0 + 7 * 24 * hour);
  CHECK(parse_iso8601_ms("2024-01-01T01:00:00.250+01:00") == 1'704'067'200'250);
  CHECK(parse_iso8601_ms("1970-01-01 00:00:01z") == 1000);
  CHECK_FALSE(parse_iso8601_ms("2024-13-01T00:00:00Z").has_value());
  CHECK_FALSE(parse_iso8601_ms("2024-01-01T00:00:00Zjunk").has_value());
}

TEST_CASE("token states have their wire names") {
  CHECK(to_string(token_state::valid) == "valid");
  CHECK(to_string(token_state::renewing) == "renewing");
  CHECK(to_string(token_state::missing) == "missing");
  CHECK(to_string(token_state::user_supplied) == "user_supplied");
  CHECK(to_string(token_state::expired) == "expired");
}
