// Export: POST /api/render/proxy/lambda, status polls, duplicates, attribution, cancel.
#include "fake_nemo/sample_media.hpp"
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;

namespace {

nlohmann::json poll(fixture& f, const std::string& token, const std::string& id) {
  return f.client.get("/api/render/proxy/lambda/" + id, auth_headers(token)).json();
}

}  // namespace

TEST_CASE("a render goes pending, processing, completed, with progress and output.url") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto created = f.render(sid, "render_1", auth_headers(token)).json();
  CHECK(created["code"] == 0);
  CHECK(created["data"]["status"] == "pending");
  CHECK(poll(f, token, "render_1")["data"]["status"] == "pending");
  auto p = poll(f, token, "render_1")["data"];
  CHECK(p["status"] == "processing");
  const int first = p["progress"];
  p = poll(f, token, "render_1")["data"];
  CHECK(p["status"] == "processing");
  CHECK(p["progress"].get<int>() > first);
  p = poll(f, token, "render_1")["data"];
  CHECK(p["status"] == "completed");
  CHECK(p["progress"] == 100);
  const auto url = p["output"]["url"].get<std::string>();
  CHECK(url == f.srv.base_url() + "/files/render_1.mp4");
  CHECK(p["output"]["sha256"] == shared_sample_mp4().sha256);
  // The render shows up in the session's generated media; the posted draft was kept as sent.
  const auto gm = f.state(token, sid)["data"]["state"]["generated_media"];
  REQUIRE(gm.size() == 1);
  CHECK(gm[0]["url"] == url);
  const auto view = f.sim().render("render_1");
  REQUIRE(view);
  CHECK(view->draft["x_future"]["k"][0] == 1);
  CHECK(find_header(view->headers, "X-Skill-Source") == "video-create-ai");
}

TEST_CASE("a duplicate render id is HTTP 409 code 4090 and is counted per id") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  CHECK(f.render(sid, "render_dup", auth_headers(token)).status == 200);
  const auto again = f.render(sid, "render_dup", auth_headers(token));
  CHECK(again.status == 409);
  CHECK(again.json()["code"] == 4090);
  CHECK(again.json()["data"]["status"] == "pending");
  CHECK(f.sim().get_counters().posts("render_dup") == 2);
  f.sim().update_knobs([](knobs& k) { k.duplicate_render_conflict = false; });
  const auto idem = f.render(sid, "render_dup", auth_headers(token));
  CHECK(idem.status == 200);
  CHECK(idem.json()["data"]["id"] == "render_dup");
  CHECK(f.sim().get_counters().posts("render_dup") == 3);
}

TEST_CASE("a render without attribution headers is HTTP 402; plan_blocked forces it") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto r = f.render(sid, "render_402", {{"Authorization", "Bearer " + token}});
  CHECK(r.status == 402);
  CHECK(r.json()["code"] == 402);
  CHECK_FALSE(f.sim().render("render_402"));
  f.sim().update_knobs([](knobs& k) { k.plan_blocked = true; });
  CHECK(f.render(sid, "render_ok", auth_headers(token)).status == 402);
  f.sim().update_knobs([](knobs& k) {
    k.plan_blocked = false;
    k.require_attribution = false;
  });
  CHECK(f.render(sid, "render_402", {{"Authorization", "Bearer " + token}}).status == 200);
}

TEST_CASE("a render of an unknown session is 1002; a bad body is 400; an unknown id is 404") {
  fixture f;
  const auto token = f.token();
  CHECK(f.render("nope", "render_x", auth_headers(token)).json()["code"] == 1002);
  CHECK(f.client.post_json("/api/render/proxy/lambda", {{"id", "bad id!"}}, auth_headers(token))
            .status == 400);
  CHECK(f.client.get("/api/render/proxy/lambda/none", auth_headers(token)).status == 404);
}

TEST_CASE("knob: the output URL at top-level outputUrl, under data, or absent") {
  fixture f;
  f.sim().update_knobs([](knobs& k) {
    k.render_pending_polls = 0;
    k.render_processing_polls = 0;
    k.render_url = url_placement::top_level;
  });
  const auto token = f.token();
  const auto sid = f.session(token);
  f.render(sid, "r1", auth_headers(token));
  auto j = poll(f, token, "r1");
  CHECK(j["data"]["status"] == "completed");
  CHECK(j["outputUrl"] == f.srv.base_url() + "/files/r1.mp4");
  CHECK_FALSE(j["data"]["output"].contains("url"));
  f.sim().update_knobs([](knobs& k) { k.render_url = url_placement::data_flat; });
  j = poll(f, token, "r1");
  CHECK(j["data"]["outputUrl"] == f.srv.base_url() + "/files/r1.mp4");
  f.sim().update_knobs([](knobs& k) { k.render_url = url_placement::none; });
  j = poll(f, token, "r1");
  CHECK_FALSE(j.contains("outputUrl"));
  CHECK_FALSE(j["data"].contains("outputUrl"));
  CHECK_FALSE(j["data"]["output"].contains("url"));
}

TEST_CASE("knob: renders may follow the sim clock instead of polls") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.render_sim_time = std::chrono::seconds(60); });
  const auto token = f.token();
  const auto sid = f.session(token);
  f.render(sid, "timed", auth_headers(token));
  for (int i = 0; i < 5; ++i) CHECK(poll(f, token, "timed")["data"]["status"] == "pending");
  f.sim().advance_clock(std::chrono::seconds(30));
  const auto mid = poll(f, token, "timed")["data"];
  CHECK(mid["status"] == "processing");
  CHECK(mid["progress"].get<int>() >= 49);
  f.sim().advance_clock(std::chrono::seconds(31));
  CHECK(poll(f, token, "timed")["data"]["status"] == "completed");
}

TEST_CASE("knob: a render may end failed; DELETE cancels a running one") {
  fixture f;
  f.sim().update_knobs([](knobs& k) {
    k.render_pending_polls = 0;
    k.render_processing_polls = 0;
    k.render_result = render_outcome::failed;
  });
  const auto token = f.token();
  const auto sid = f.session(token);
  f.render(sid, "doomed", auth_headers(token));
  const auto failed = poll(f, token, "doomed")["data"];
  CHECK(failed["status"] == "failed");
  CHECK(failed["error"]["message"].is_string());

  f.sim().update_knobs([](knobs& k) { k.render_pending_polls = 5; });
  f.render(sid, "stop_me", auth_headers(token));
  request_spec del{"DELETE", "/api/render/proxy/lambda/stop_me", auth_headers(token), {}};
  CHECK(f.client.send(del).json()["data"]["status"] == "cancelled");
  CHECK(poll(f, token, "stop_me")["data"]["status"] == "cancelled");
}

TEST_CASE("fault: the next 5 status polls answer 502, then polling works again") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  f.render(sid, "flaky", auth_headers(token));
  f.sim().fail_next(endpoint::render_status, 5, 502);
  for (int i = 0; i < 5; ++i) {
    const auto r = f.client.get("/api/render/proxy/lambda/flaky", auth_headers(token));
    CHECK(r.status == 502);
    CHECK(r.header("Content-Type") == "text/html");
  }
  CHECK(poll(f, token, "flaky")["data"]["status"] == "pending");
  const auto c = f.sim().get_counters();
  CHECK(c.calls(endpoint::render_status) == 6);
  CHECK(c.polls("flaky") == 1);  // faults answer before the job is looked at
}
