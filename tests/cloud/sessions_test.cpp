// Sessions on the nemovideo backend through a real reeld: create, list, read, forget, survive a
// restart, state with the summary, credits, /v1/status's token part, and 1002 replaced once.
#include "cloud_fixture.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;

TEST_CASE(
    "a fresh daemon is ready without touching the network; status says the token is missing") {
  cloud_fixture f;
  CHECK(f.sim().get_counters().total == 0);
  auto st = f.get("/v1/status");
  REQUIRE(st.status == 200);
  auto j = st.json();
  CHECK(j["upstream"]["token"]["state"] == "missing");
  CHECK(j["upstream"]["token"]["source"].is_null());
  CHECK(j["upstream"]["credits"].is_null());
  bool listed = false;
  for (const auto& b : j["backends"])
    if (b["name"] == "nemovideo") {
      listed = true;
      CHECK(b["health"] == "ok");
    }
  CHECK(listed);
  CHECK(f.sim().get_counters().total == 0);
}

TEST_CASE("POST /v1/sessions makes the upstream session; list, read and delete it") {
  cloud_fixture f;
  auto ws = f.subscribe("status");
  auto s = f.new_session("fr");
  CHECK(s["backend"] == "nemovideo");
  CHECK(s["language"] == "fr");
  const auto sid = s["upstream_session_id"].get<std::string>();
  CHECK_FALSE(sid.empty());
  CHECK(f.sim().session_ids() == std::vector<std::string>{sid});
  CHECK(f.calls(endpoint::anonymous_token) == 1);
  CHECK(f.calls(endpoint::create_session) == 1);
  // The cloud saw the language asked for.
  bool saw_language = false;
  for (const auto& r : f.sim().requests())
    if (r.ep == endpoint::create_session) saw_language = true;
  CHECK(saw_language);

  auto created = cloud_fixture::events(*ws, "session.created");
  REQUIRE_FALSE(created.empty());
  CHECK(created.back()["data"]["id"] == s["id"]);

  const std::string id = s["id"];
  auto one = f.get("/v1/sessions/" + id);
  CHECK(one.status == 200);
  CHECK(one.json()["upstream_session_id"] == sid);
  auto list = f.get("/v1/sessions");
  REQUIRE(list.status == 200);
  REQUIRE(list.json()["sessions"].size() == 1);
  CHECK(list.json()["sessions"][0]["id"] == id);

  CHECK(f.call("DELETE", "/v1/sessions/" + id).status == 204);
  CHECK(f.get("/v1/sessions/" + id).status == 404);
  CHECK(f.call("DELETE", "/v1/sessions/" + id).status == 404);
  CHECK(f.get("/v1/sessions/" + id + "/state").status == 404);
}

TEST_CASE("POST /v1/sessions refuses unknown backends, unknown fields and wrong types") {
  cloud_fixture f;
  auto r = f.post("/v1/sessions", {{"backend", "mars"}});
  CHECK(r.status == 400);
  CHECK(r.json()["error"]["message"].get<std::string>().find("nemovideo") != std::string::npos);
  CHECK(f.post("/v1/sessions", {{"backend", "nemovideo"}, {"lang", "en"}}).status == 400);
  CHECK(f.post("/v1/sessions", {{"backend", "nemovideo"}, {"language", 5}}).status == 400);
  CHECK(f.call("POST", "/v1/sessions", "[1]").status == 400);
  CHECK(f.sim().get_counters().total == 0);
}

TEST_CASE("sessions survive a restart: the stored upstream id is used, no new session is made") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string id = s["id"];
  f.restart();
  auto st = f.get("/v1/sessions/" + id + "/state");
  REQUIRE_MESSAGE(st.status == 200, st.body);
  CHECK(f.calls(endpoint::create_session) == 1);
  // The persisted anonymous token is reused too.
  CHECK(f.calls(endpoint::anonymous_token) == 1);
  CHECK(f.sim().get_counters().session_calls(s["upstream_session_id"]) >= 2);
}

TEST_CASE("GET state: the draft as the cloud has it, the summary line and the media") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string id = s["id"];
  auto st = f.get("/v1/sessions/" + id + "/state");
  REQUIRE(st.status == 200);
  auto j = st.json();
  auto cloud = f.sim().session_state(s["upstream_session_id"]);
  REQUIRE(cloud);
  CHECK(j["draft"] == (*cloud)["draft"]);
  CHECK(j["draft"].contains("x_future"));
  CHECK(j["summary"] == "Timeline is empty");
  CHECK(j["media"] == json::array());
}

TEST_CASE("1002: a lost session is replaced once, stored, announced, and the call retried") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string id = s["id"];
  const std::string old_sid = s["upstream_session_id"];
  auto ws = f.subscribe("session:" + id);
  f.sim().lose_session(old_sid);

  auto st = f.get("/v1/sessions/" + id + "/state");
  REQUIRE_MESSAGE(st.status == 200, st.body);
  CHECK(f.calls(endpoint::create_session) == 2);
  auto now = f.get("/v1/sessions/" + id).json();
  CHECK(now["upstream_session_id"] != old_sid);
  auto evs = cloud_fixture::events(*ws, "session.replaced");
  REQUIRE_FALSE(evs.empty());
  CHECK(evs.back()["event"] == "session.replaced");
  CHECK(evs.back()["data"]["message"].get<std::string>().find("timeline") != std::string::npos);

  // Kept across a restart.
  f.restart();
  CHECK(f.get("/v1/sessions/" + id).json()["upstream_session_id"] == now["upstream_session_id"]);
}

TEST_CASE("1002 on upload: replaced and the upload sent again, once") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string id = s["id"];
  f.sim().lose_all_sessions();
  auto path = f.write_file("a.mp4", mp4_head() + std::string(1000, 'x'));
  auto r = f.post("/v1/sessions/" + id + "/media", {{"paths", {path}}});
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(f.calls(endpoint::upload) == 2);
  CHECK(f.calls(endpoint::create_session) == 2);
}

TEST_CASE("GET /v1/credits and /v1/status: balance, token state and expiry, never the token") {
  cloud_fixture f;
  auto ws = f.subscribe("status");
  auto c = f.get("/v1/credits?backend=nemovideo");
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(c.json() == json{{"available", 100}, {"frozen", 0}, {"total", 100}, {"metered", true}});
  auto changed = cloud_fixture::events(*ws, "credits.changed");
  REQUIRE_FALSE(changed.empty());
  CHECK(changed.back()["data"]["available"] == 100);

  auto st = f.get("/v1/status");
  REQUIRE(st.status == 200);
  auto up = st.json()["upstream"];
  CHECK(up["token"]["state"] == "valid");
  CHECK(up["token"]["source"] == "anonymous");
  CHECK(up["token"]["expires_at"].is_string());
  CHECK(up["credits"] ==
        json{{"available", 100}, {"frozen", 0}, {"total", 100}, {"metered", true}});
  const auto token = f.current_token();
  REQUIRE_FALSE(token.empty());
  CHECK(st.body.find(token) == std::string::npos);

  CHECK(f.get("/v1/credits?backend=nope").status == 400);
}

TEST_CASE("a token of the user's own: status says user_supplied from env; 1001 is reported") {
  cloud_options o;
  o.env = {"NEMO_TOKEN=nmv_user_token_for_tests_0123456789abcdef"};
  cloud_fixture f(o);
  f.sim().add_token("nmv_user_token_for_tests_0123456789abcdef", 42);
  auto c = f.get("/v1/credits?backend=nemovideo");
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(c.json()["available"] == 42);
  CHECK(f.calls(endpoint::anonymous_token) == 0);
  auto tok = f.get("/v1/status").json()["upstream"]["token"];
  CHECK(tok["state"] == "user_supplied");
  CHECK(tok["source"] == "env");

  f.sim().expire_token("nmv_user_token_for_tests_0123456789abcdef");
  auto r = f.post("/v1/sessions", {{"backend", "nemovideo"}});
  CHECK(r.status == reel::core::http_status(reel::core::errc::token_invalid));
  CHECK(r.json()["error"]["code"] == "token_invalid");
  CHECK(r.json()["error"]["upstream_code"] == 1001);
  CHECK(f.calls(endpoint::anonymous_token) == 0);  // never renewed
  CHECK(f.log().find("nmv_user_token_for_tests") == std::string::npos);
}
