// upstream::nemo_api against the simulator: the typed calls, every row of the contract's error
// table, lenient shapes, run_sse never re-sent, and no token in any log line or error.
#include "upstream_fixture.hpp"

#include <fstream>

using namespace reel;
using namespace reel::upstream;
using namespace reel::upstream::testing;
using namespace std::string_literals;
using reel::core::errc;
using reel::fake_nemo::endpoint;

namespace {

const std::string mp4_head =
    "\0\0\0\x20"
    "ftypisom\0\0\x02\0isomiso2avc1mp41"s;

std::string write_file(fixture& f, const std::string& name, const std::string& bytes) {
  const auto path = f.dir.file(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string current_token(fixture& f) {
  return f.sim().token_of(f.keeper->client_id());
}

int calls(fixture& f, endpoint ep) {
  return f.sim().get_counters().calls(ep);
}

const nlohmann::json empty_draft = {{"t", nlohmann::json::array()}};
const nlohmann::json mp4_output = {{"format", "mp4"}, {"quality", "high"}};

}  // namespace

TEST_CASE("typed calls: session, credits, state with the draft verbatim, uploads, renders") {
  fixture f;
  auto s = f.run(f.api->create_session("en"));
  REQUIRE(s.has_value());
  CHECK_FALSE(s->session_id.empty());
  CHECK_FALSE(s->task_id.empty());
  const auto sid = s->session_id;

  auto c = f.run(f.api->credits());
  REQUIRE(c.has_value());
  CHECK(c->available == 100);
  CHECK(c->frozen == 0);
  CHECK(c->total == 100);

  auto up =
      f.run(f.api->upload_file(sid, write_file(f, "clip.mp4", mp4_head + "data"), "city.mp4"));
  REQUIRE_MESSAGE(up.has_value(), (up ? "" : up.error().message));
  REQUIRE(up->uploaded.size() == 1);
  CHECK(up->uploaded[0]["name"] == "city.mp4");
  auto urls = f.run(f.api->upload_urls(sid, {"https://example.com/a.png"}));
  REQUIRE(urls.has_value());
  CHECK(urls->uploaded.size() == 1);

  auto st = f.run(f.api->state(sid));
  REQUIRE(st.has_value());
  CHECK(st->video_infos.size() == 2);
  CHECK(st->generated_media.is_array());
  // The draft comes back as the service has it, unknown keys included.
  CHECK(st->draft == *f.sim().session_state(sid)->find("draft"));
  CHECK(st->draft.contains("x_future"));

  nlohmann::json draft = st->draft;
  auto sub = f.run(f.api->render_submit("render_a", sid, draft, mp4_output));
  REQUIRE(sub.has_value());
  CHECK(sub->id == "render_a");
  CHECK(sub->status == "pending");
  CHECK(f.sim().render("render_a")->draft == draft);
  auto again = f.run(f.api->render_submit("render_a", sid, draft, mp4_output));
  REQUIRE_MESSAGE(again.has_value(), (again ? "" : again.error().message));
  CHECK(again->already_submitted);
  CHECK(again->id == "render_a");

  std::string status;
  for (int i = 0; i < 6 && status != "completed"; ++i) {
    auto r = f.run(f.api->render_status("render_a"));
    REQUIRE(r.has_value());
    status = r->status;
    if (status == "completed") CHECK(r->output_url.find("/files/") != std::string::npos);
  }
  CHECK(status == "completed");

  REQUIRE(f.run(f.api->render_submit("render_b", sid, draft, mp4_output)).has_value());
  auto cancelled = f.run(f.api->render_cancel("render_b"));
  REQUIRE(cancelled.has_value());
  CHECK(cancelled->status == "cancelled");
}

TEST_CASE("bare bodies (no envelope) and every output URL placement are understood") {
  fixture f;
  f.sim().update_knobs([](fake_nemo::knobs& k) {
    k.envelope = false;
    k.render_pending_polls = 0;
    k.render_processing_polls = 0;
  });
  const auto sid = f.session();
  auto c = f.run(f.api->credits());
  REQUIRE(c.has_value());
  CHECK(c->available == 100);
  int n = 0;
  for (auto placement : {fake_nemo::url_placement::output_url, fake_nemo::url_placement::top_level,
                         fake_nemo::url_placement::data_flat}) {
    f.sim().update_knobs([&](fake_nemo::knobs& k) {
      k.render_url = placement;
      k.envelope = placement != fake_nemo::url_placement::top_level;
    });
    const auto id = "render_" + std::to_string(++n);
    REQUIRE(f.run(f.api->render_submit(id, sid, empty_draft, mp4_output)).has_value());
    auto r = f.run(f.api->render_status(id));
    REQUIRE(r.has_value());
    CHECK(r->status == "completed");
    CHECK(r->output_url.find("/files/") != std::string::npos);
  }
}

TEST_CASE("error table: 1001 renews the anonymous token and retries once") {
  fixture f;
  REQUIRE(f.run(f.api->credits()).has_value());
  f.sim().expire_all_tokens();
  REQUIRE(f.run(f.api->credits()).has_value());
  CHECK(calls(f, endpoint::anonymous_token) == 2);
  CHECK(calls(f, endpoint::credits) == 3);
  SUBCASE("refused again after the renewal: token_invalid, no third try") {
    // A gateway's 401 leaves the old token alive: let the service issue another one anyway.
    f.sim().update_knobs([](fake_nemo::knobs& k) { k.rate_limit_tokens = false; });
    f.sim().fail_next(endpoint::credits, 2, 401);
    auto r = f.run(f.api->credits());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::token_invalid);
    CHECK(calls(f, endpoint::anonymous_token) == 3);
    CHECK(calls(f, endpoint::credits) == 5);
  }
}

TEST_CASE("error table: 1002 is session_lost (with HTTP 200 or 404)") {
  for (bool http_status : {false, true}) {
    CAPTURE(http_status);
    fixture f;
    f.sim().update_knobs([&](fake_nemo::knobs& k) { k.business_http_status = http_status; });
    const auto sid = f.session();
    f.sim().lose_session(sid);
    auto r = f.run(f.api->state(sid));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::session_lost);
    CHECK(r.error().upstream_code == 1002);
    CHECK(calls(f, endpoint::state) == 1);
  }
}

TEST_CASE("error table: 2001 is out_of_credits with the registration link for the client id") {
  fixture f;
  const auto sid = f.session();
  REQUIRE(f.sim().set_credits(current_token(f), 0));
  auto r = f.run(f.api->run_sse(sid, "make a video", [](std::string_view) { return true; }));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::out_of_credits);
  CHECK(r.error().upstream_code == 2001);
  REQUIRE(r.error().hint.has_value());
  CHECK(r.error().hint->find("bind=" + f.keeper->client_id()) != std::string::npos);
}

TEST_CASE("error table: 4001 unsupported_media and 4002 payload_too_large on upload") {
  fixture f;
  const auto sid = f.session();
  auto bad = f.run(f.api->upload_file(sid, write_file(f, "notes.txt", "hello"), ""));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == errc::unsupported_media);
  CHECK(bad.error().upstream_code == 4001);
  f.sim().update_knobs([](fake_nemo::knobs& k) { k.max_upload_bytes = 64; });
  auto big =
      f.run(f.api->upload_file(sid, write_file(f, "a.mp4", mp4_head + std::string(500, 'x')), ""));
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code == errc::payload_too_large);
  CHECK(big.error().upstream_code == 4002);
  auto missing = f.run(f.api->upload_file(sid, f.dir.file("nope.mp4"), ""));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == errc::bad_request);
}

TEST_CASE("error table: HTTP 400, 402 and 5xx on ordinary calls") {
  fixture f;
  const auto sid = f.session();
  auto bad_id = f.run(f.api->render_submit("bad id!", sid, empty_draft, mp4_output));
  REQUIRE_FALSE(bad_id.has_value());
  CHECK(bad_id.error().upstream_code == 400);
  f.sim().update_knobs([](fake_nemo::knobs& k) { k.plan_blocked = true; });
  auto blocked = f.run(f.api->render_submit("render_x", sid, empty_draft, mp4_output));
  REQUIRE_FALSE(blocked.has_value());
  CHECK(blocked.error().code == errc::plan_blocked);
  f.sim().fail_next(endpoint::credits, 1, 502);
  auto gateway = f.run(f.api->credits());
  REQUIRE_FALSE(gateway.has_value());
  CHECK(gateway.error().code == errc::upstream_unavailable);
}

TEST_CASE("error table: HTTP 429 waits, retries once, then is rate_limited") {
  fixture f;
  REQUIRE(f.run(f.api->credits()).has_value());
  f.sim().fail_next(endpoint::credits, 1, 429);
  REQUIRE(f.run(f.api->credits()).has_value());
  CHECK(calls(f, endpoint::credits) == 3);
  f.sim().fail_next(endpoint::credits, 2, 429);
  auto r = f.run(f.api->credits());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::rate_limited);
  CHECK(calls(f, endpoint::credits) == 5);
}

TEST_CASE("run_sse is never sent twice: not after 1001, a gateway error or a cut stream") {
  fixture f;
  const auto sid = f.session();
  auto ignore = [](std::string_view) { return true; };
  SUBCASE("1001: reported, and the next call gets a fresh token") {
    f.sim().expire_all_tokens();
    auto r = f.run(f.api->run_sse(sid, "hi", ignore));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::token_invalid);
    CHECK(calls(f, endpoint::run_sse) == 1);
    REQUIRE(f.run(f.api->credits()).has_value());
    CHECK(calls(f, endpoint::anonymous_token) == 2);
  }
  SUBCASE("502") {
    f.sim().fail_next(endpoint::run_sse, 1, 502);
    auto r = f.run(f.api->run_sse(sid, "hi", ignore));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::upstream_unavailable);
    CHECK(calls(f, endpoint::run_sse) == 1);
  }
  SUBCASE("cut mid-stream") {
    f.sim().update_knobs([](fake_nemo::knobs& k) { k.sse_drop_after_events = 1; });
    std::string got;
    auto r = f.run(f.api->run_sse(sid, "add a title 'X'", [&](std::string_view c) {
      got += c;
      return true;
    }));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::upstream_unavailable);
    CHECK_FALSE(got.empty());
    CHECK(calls(f, endpoint::run_sse) == 1);
  }
  SUBCASE("the reader stops the stream") {
    auto r = f.run(f.api->run_sse(sid, "hi", [](std::string_view) { return false; }));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::cancelled);
    CHECK(calls(f, endpoint::run_sse) == 1);
  }
}

TEST_CASE("a whole chat turn arrives through run_sse, dribbled or not") {
  for (bool dribble : {false, true}) {
    CAPTURE(dribble);
    fixture f;
    f.sim().update_knobs([&](fake_nemo::knobs& k) { k.sse_dribble = dribble; });
    const auto sid = f.session();
    std::string body;
    auto r = f.run(f.api->run_sse(sid, "add a title 'Urban Dreams'", [&](std::string_view c) {
      body += c;
      return true;
    }));
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
    CHECK(body.find("Urban Dreams") != std::string::npos);
    CHECK(body.find("update_draft") != std::string::npos);
  }
}

TEST_CASE("no token appears in any log line or error message") {
  log_capture logs;
  const std::string mine = "nmv_users_own_secret_token_9876543210abcdef";
  std::vector<std::string> tokens{mine};
  std::vector<std::string> messages;
  {
    fixture f;
    const auto sid = f.session();
    tokens.push_back(current_token(f));
    f.sim().expire_all_tokens();
    REQUIRE(f.run(f.api->credits()).has_value());  // 1001, renewal, retry
    tokens.push_back(current_token(f));
    f.sim().fail_next(endpoint::credits, 1, 429);
    REQUIRE(f.run(f.api->credits()).has_value());
    f.sim().drop_next(endpoint::state, 1, 5);
    auto cut = f.run(f.api->state(sid));
    REQUIRE_FALSE(cut.has_value());
    messages.push_back(cut.error().message);
    f.sim().expire_all_tokens();
    auto refused = f.run(f.api->run_sse(sid, "hi", [](std::string_view) { return true; }));
    REQUIRE_FALSE(refused.has_value());
    messages.push_back(refused.error().message);
  }
  {
    fixture f({.keeper = [&](keeper_options& k) { k.user_token = mine; }});
    f.sim().add_token(mine, 1);
    REQUIRE(f.run(f.api->credits()).has_value());
    f.sim().expire_token(mine);
    auto r = f.run(f.api->credits());
    REQUIRE_FALSE(r.has_value());
    messages.push_back(r.error().message + r.error().hint.value_or(""));
  }
  const auto text = logs.str();
  CHECK(text.find("upstream:") != std::string::npos);  // the capture did see the client's lines
  for (const auto& t : tokens) {
    REQUIRE(t.size() > 20);
    CHECK(text.find(t) == std::string::npos);
    for (const auto& m : messages) CHECK(m.find(t) == std::string::npos);
  }
}
