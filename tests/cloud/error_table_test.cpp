// Every row of the contract's error table and the simulator's knobs, through a real reeld:
// what the client sees (code, status, upstream_code, hint) and what the cloud saw (counters).
// 2001 and the stream's own errors are in chat_test.cpp (only a chat turn costs credits).
#include "cloud_fixture.hpp"
#include "store/database.hpp"
#include "store/settings_repo.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
using reel::fake_nemo::knobs;

namespace {

int status_of(reel::core::errc c) {
  return reel::core::http_status(c);
}

std::string state_target(const json& s) {
  return "/v1/sessions/" + s["id"].get<std::string>() + "/state";
}

}  // namespace

TEST_CASE("row 0: success, in the envelope or bare") {
  cloud_fixture f;
  f.sim().update_knobs([](knobs& k) { k.envelope = false; });
  auto s = f.new_session();
  CHECK_FALSE(s["upstream_session_id"].get<std::string>().empty());
  auto st = f.get(state_target(s));
  REQUIRE_MESSAGE(st.status == 200, st.body);
  CHECK(st.json()["draft"].contains("x_future"));
  auto c = f.get("/v1/credits?backend=nemovideo");
  REQUIRE(c.status == 200);
  CHECK(c.json()["available"] == 100);
  auto clip = f.write_file("a.mp4", mp4_head() + "x");
  CHECK(
      f.post("/v1/sessions/" + s["id"].get<std::string>() + "/media", {{"paths", {clip}}}).status ==
      201);
}

TEST_CASE("row 1001: an expired anonymous token is renewed once and the call retried") {
  cloud_fixture f;
  auto s = f.new_session();
  auto ws = f.subscribe("status");
  const auto first = f.current_token();
  f.sim().expire_all_tokens();
  auto st = f.get(state_target(s));
  REQUIRE_MESSAGE(st.status == 200, st.body);
  CHECK(f.calls(endpoint::anonymous_token) == 2);
  CHECK(f.current_token() != first);
  auto evs = cloud_fixture::events(*ws, "token.renewed");
  REQUIRE_FALSE(evs.empty());
  CHECK(evs.back()["event"] == "token.renewed");
  CHECK(evs.back()["data"]["expires_at"].is_string());
}

TEST_CASE("row 1001 with the knob business_http_status (HTTP 401) and token_valid_calls") {
  cloud_fixture f;
  f.sim().update_knobs([](knobs& k) {
    k.business_http_status = true;
    k.token_valid_calls = 3;
  });
  auto s = f.new_session();  // call 1 of the first token
  for (int i = 0; i < 4; ++i) {
    auto st = f.get(state_target(s));
    REQUIRE_MESSAGE(st.status == 200, st.body);
  }
  // Calls 2 and 3 pass; the 4th is refused, renewed, retried (call 1 of token 2), then 2.
  CHECK(f.calls(endpoint::anonymous_token) == 2);
}

TEST_CASE("row 1001 by time: the knob token_lifetime and the sim clock") {
  cloud_fixture f;
  f.sim().update_knobs([](knobs& k) { k.token_lifetime = std::chrono::hours(2); });
  auto s = f.new_session();
  // The cloud's clock moves past the expiry; reeld's does not know yet, so the cloud says 1001.
  f.sim().advance_clock(std::chrono::hours(3));
  auto st = f.get(state_target(s));
  REQUIRE_MESSAGE(st.status == 200, st.body);
  CHECK(f.calls(endpoint::anonymous_token) == 2);
}

TEST_CASE("row 1002 with business_http_status (HTTP 404): replaced once and retried") {
  cloud_fixture f;
  f.sim().update_knobs([](knobs& k) { k.business_http_status = true; });
  auto s = f.new_session();
  f.sim().lose_all_sessions();
  auto st = f.get(state_target(s));
  REQUIRE_MESSAGE(st.status == 200, st.body);
  CHECK(f.calls(endpoint::create_session) == 2);
}

TEST_CASE("rows 4001 and 4002 with business_http_status (HTTP 415 and 413)") {
  cloud_fixture f;
  f.sim().update_knobs([](knobs& k) {
    k.business_http_status = true;
    k.force_unsupported_type = true;
  });
  auto s = f.new_session();
  const auto media = "/v1/sessions/" + s["id"].get<std::string>() + "/media";
  auto clip = f.write_file("a.mp4", mp4_head() + std::string(4096, 'x'));
  auto r = f.post(media, {{"paths", {clip}}});
  CHECK(r.status == 415);
  CHECK(r.json()["error"]["upstream_code"] == 4001);
  f.sim().update_knobs([](knobs& k) {
    k.force_unsupported_type = false;
    k.max_upload_bytes = 100;
  });
  r = f.post(media, {{"paths", {clip}}});
  CHECK(r.status == 413);
  CHECK(r.json()["error"]["code"] == "payload_too_large");
  CHECK(r.json()["error"]["upstream_code"] == 4002);
}

TEST_CASE("row HTTP 400: a missing client id is made anew and the token call retried") {
  cloud_fixture f;
  f.sim().fail_next(endpoint::anonymous_token, 1, 400);
  auto s = f.new_session();
  CHECK(f.calls(endpoint::anonymous_token) == 2);
  CHECK(f.calls(endpoint::create_session) == 1);
}

TEST_CASE("row HTTP 429: wait and retry once; twice is rate_limited with retry_after_s") {
  cloud_fixture f;
  f.sim().fail_next(endpoint::create_session, 1, 429);
  auto s = f.new_session();
  CHECK(f.calls(endpoint::create_session) == 2);

  f.sim().fail_next(endpoint::create_session, 2, 429);
  auto r = f.post("/v1/sessions", {{"backend", "nemovideo"}});
  CHECK(r.status == status_of(reel::core::errc::rate_limited));
  CHECK(r.json()["error"]["code"] == "rate_limited");
  CHECK(r.json()["error"]["retry_after_s"] == 30);
  CHECK(f.calls(endpoint::create_session) == 4);
}

TEST_CASE("row HTTP 429 on the token call (knob rate_limit_tokens): waits, retries once, fails") {
  cloud_fixture f;
  f.new_session();
  // reeld forgets its token but keeps its client id, which still holds a live token upstream:
  // the cloud answers 429 to every new token request for it.
  f.daemon->stop();
  {
    auto db = reel::store::database::open(f.daemon->state_dir() + "/reel.db", 2000);
    REQUIRE(db.has_value());
    reel::store::settings_repo settings(*db);
    for (const auto& [k, v] : settings.all())
      if (k.rfind("upstream.token", 0) == 0) settings.erase(k);
  }
  f.start();
  auto r = f.post("/v1/sessions", {{"backend", "nemovideo"}});
  CHECK(r.status == status_of(reel::core::errc::rate_limited));
  CHECK(r.json()["error"]["code"] == "rate_limited");
  CHECK(r.json()["error"]["retry_after_s"].is_number());
  CHECK(f.calls(endpoint::anonymous_token) == 3);  // the first, then 429, wait, 429
  CHECK(f.calls(endpoint::create_session) == 1);

  // Without the limit the same client id gets a token at once.
  f.sim().update_knobs([](knobs& k) { k.rate_limit_tokens = false; });
  f.restart();  // a fresh keeper: the failed round's back-off is forgotten
  CHECK(f.post("/v1/sessions", {{"backend", "nemovideo"}}).status == 201);
  CHECK(f.calls(endpoint::anonymous_token) == 4);
}

TEST_CASE("row HTTP 402 is not reachable from these calls; 5xx and cut answers are unavailable") {
  cloud_fixture f;
  auto s = f.new_session();
  f.sim().fail_next(endpoint::state, 1, 502);
  auto r = f.get(state_target(s));
  CHECK(r.status == status_of(reel::core::errc::upstream_unavailable));
  CHECK(r.json()["error"]["code"] == "upstream_unavailable");
  // Health says so, without a network call of its own.
  const int before = f.sim().get_counters().total;
  auto st = f.get("/v1/status").json();
  for (const auto& b : st["backends"])
    if (b["name"] == "nemovideo") CHECK(b["health"] == "degraded");
  CHECK(f.sim().get_counters().total == before);

  f.sim().drop_next(endpoint::credits, 1, 5);
  r = f.get("/v1/credits?backend=nemovideo");
  CHECK(r.json()["error"]["code"] == "upstream_unavailable");
  // A later success clears the degraded health.
  CHECK(f.get(state_target(s)).status == 200);
  const auto later = f.get("/v1/status").json();
  for (const auto& b : later["backends"])
    if (b["name"] == "nemovideo") CHECK(b["health"] == "ok");
}

TEST_CASE("knobs delay and endpoint_delay: slow answers succeed; slower than the timeout fail") {
  cloud_options o;
  o.args = {"--set", "upstream.request_timeout_s=1"};
  cloud_fixture f(o);
  f.sim().update_knobs([](knobs& k) { k.delay = std::chrono::milliseconds(200); });
  auto s = f.new_session();
  f.sim().update_knobs([](knobs& k) {
    k.delay = std::chrono::milliseconds(0);
    k.endpoint_delay[endpoint::state] = std::chrono::milliseconds(1600);
  });
  auto r = f.get(state_target(s));
  CHECK(r.json()["error"]["code"] == "timeout");
  CHECK(r.status == status_of(reel::core::errc::timeout));
}

TEST_CASE("knob starting_credits: the balance a new anonymous user gets") {
  cloud_fixture f;
  f.sim().update_knobs([](knobs& k) { k.starting_credits = 7; });
  auto c = f.get("/v1/credits?backend=nemovideo");
  REQUIRE(c.status == 200);
  CHECK(c.json() == json{{"available", 7}, {"frozen", 0}, {"total", 7}, {"metered", true}});
}

TEST_CASE("plain HTTP to the simulator works too (base_url http://)") {
  cloud_options o;
  o.tls = false;
  cloud_fixture f(o);
  auto s = f.new_session();
  CHECK(f.get(state_target(s)).status == 200);
}

TEST_CASE("a CA file that cannot be read: the backend is listed unavailable, calls say why") {
  cloud_options o;
  o.args = {"--set", "upstream.ca_file=/nonexistent/ca.pem"};
  cloud_fixture f(o);
  bool seen = false;
  const auto status = f.get("/v1/status").json();
  for (const auto& b : status["backends"])
    if (b["name"] == "nemovideo") {
      seen = true;
      CHECK(b["health"] == "unavailable");
    }
  CHECK(seen);
  auto r = f.post("/v1/sessions", {{"backend", "nemovideo"}});
  CHECK(r.status == 400);
  CHECK(f.sim().get_counters().total == 0);
}
