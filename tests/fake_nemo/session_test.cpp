// Sessions, state, credits, envelopes and the route table over a real socket.
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;

TEST_CASE("creating a session answers data.session_id and data.task_id") {
  fixture f;
  const auto token = f.token();
  const auto r =
      f.client.post_json("/api/tasks/me/with-session/nemo_agent",
                         {{"task_name", "project"}, {"language", "de"}}, auth_headers(token));
  const auto j = r.json();
  CHECK(j["code"] == 0);
  CHECK(j["data"]["session_id"].is_string());
  CHECK(j["data"]["task_id"].is_string());
  CHECK(f.sim().session_ids().size() == 1);
}

TEST_CASE("the state of a new session has a short-key draft with unknown keys") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto j = f.state(token, sid);
  CHECK(j["code"] == 0);
  const auto& st = j["data"]["state"];
  CHECK(st["draft"]["t"].is_array());
  CHECK(st["draft"]["d"] == 0);
  CHECK(st["draft"]["m"]["name"] == "project");
  CHECK(st["draft"]["x_future"] == nlohmann::json{{"k", {1, 2}}});
  CHECK(st["video_infos"].is_array());
  CHECK(st["generated_media"].is_array());
}

TEST_CASE("credits answer available, frozen and total") {
  fixture f;
  const auto j = f.client.get("/api/credits/balance/simple", auth_headers(f.token())).json();
  CHECK(j["data"]["available"] == 100);
  CHECK(j["data"]["frozen"] == 0);
  CHECK(j["data"]["total"] == 100);
}

TEST_CASE("an unknown, lost or foreign session is 1002") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  CHECK(f.state(token, "no-such-session")["code"] == 1002);
  CHECK(f.state(f.token(), sid)["code"] == 1002);  // another user's session
  f.sim().lose_session(sid);
  CHECK(f.state(token, sid)["code"] == 1002);
  const auto sid2 = f.session(token);
  f.sim().lose_all_sessions();
  CHECK(f.state(token, sid2)["code"] == 1002);
}

TEST_CASE("knob: bare bodies come without the envelope, errors keep code and message") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.envelope = false; });
  const auto token = f.token();  // the helper reads bare bodies too
  REQUIRE_FALSE(token.empty());
  const auto credits = f.client.get("/api/credits/balance/simple", auth_headers(token)).json();
  CHECK_FALSE(credits.contains("code"));
  CHECK(credits["available"] == 100);
  const auto sid = f.session(token);
  const auto st = f.state(token, sid);
  CHECK(st["state"]["draft"]["x_future"]["k"][1] == 2);
  const auto err = f.state(token, "nope");
  CHECK(err["code"] == 1002);
  CHECK(err["message"].is_string());
}

TEST_CASE("unknown paths are 404 and wrong methods are 405 with Allow") {
  fixture f;
  const auto nf = f.client.get("/api/nothing");
  CHECK(nf.status == 404);
  const auto na = f.client.get("/run_sse");
  CHECK(na.status == 405);
  CHECK(na.header("Allow") == "POST");
}

TEST_CASE("several requests share one kept-alive connection") {
  fixture f;
  const auto token = f.token();
  std::vector<request_spec> rs(
      3, request_spec{"GET", "/api/credits/balance/simple", auth_headers(token), {}});
  const auto replies = f.client.send_all(rs);
  REQUIRE(replies.size() == 3);
  for (const auto& r : replies) CHECK(r.json()["code"] == 0);
}
