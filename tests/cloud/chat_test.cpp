// The nemovideo backend's chat turn in-process against the simulator: the stream decoded into
// items in order, whatever the framing knobs; its errors (2001, 1002, 1001) mapped; a turn never
// sent twice. Also health()/upstream_status() without I/O and the metadata mapping.
#include "upstream/nemo_backend.hpp"
#include "upstream/upstream_fixture.hpp"

using namespace reel;
using namespace reel::upstream;
using namespace reel::upstream::testing;
using core::agent_item;
using core::agent_item_kind;
using core::errc;
using fake_nemo::endpoint;
using fake_nemo::knobs;
using fake_nemo::turn_script;

namespace {

struct turn {
  core::result<void> result = core::result<void>{};
  std::vector<agent_item> items;

  std::string text() const {  // the final texts, joined
    std::string out;
    for (const auto& i : items)
      if (i.kind == agent_item_kind::text && !i.partial) out += i.text;
    return out;
  }
  int count(agent_item_kind k) const {
    int n = 0;
    for (const auto& i : items) n += i.kind == k;
    return n;
  }
};

struct chat_fixture : fixture {
  std::optional<nemo_backend> backend;
  explicit chat_fixture(fixture_options o = {}) : fixture(std::move(o)) {
    backend.emplace(*api, nemo_backend::options{});
  }

  store::session_row row_for(const std::string& sid) {
    store::session_row r;
    r.id = "s_test";
    r.backend = "nemovideo";
    r.upstream_session_id = sid;
    return r;
  }

  turn chat(const std::string& sid, const std::string& text) {
    auto items = std::make_shared<std::vector<agent_item>>();
    auto r = run(
        backend->chat(row_for(sid), text, [items](const agent_item& i) { items->push_back(i); }));
    return turn{r, *items};
  }
};

}  // namespace

TEST_CASE("an unscripted turn: heartbeats, partial text, the tool call and its answer, the text") {
  chat_fixture f;
  const auto sid = f.session();
  auto t = f.chat(sid, "add a title 'Hello'");
  REQUIRE_MESSAGE(t.result.has_value(), (t.result ? "" : t.result.error().message));
  CHECK(t.count(agent_item_kind::heartbeat) >= 2);
  CHECK(t.count(agent_item_kind::tool_call) == 1);
  CHECK(t.count(agent_item_kind::tool_result) == 1);
  CHECK(t.count(agent_item_kind::error) == 0);
  CHECK(t.text().find("Hello") != std::string::npos);
  // Items arrive in stream order: the call before its answer, the final text last.
  std::size_t call = 0, answer = 0;
  for (std::size_t i = 0; i < t.items.size(); ++i) {
    if (t.items[i].kind == agent_item_kind::tool_call) call = i;
    if (t.items[i].kind == agent_item_kind::tool_result) answer = i;
  }
  CHECK(call < answer);
  CHECK(t.items.back().kind == agent_item_kind::text);
  CHECK(f.sim().get_counters().calls(endpoint::run_sse) == 1);
}

TEST_CASE("knobs sse_dribble and sse_seed: the same items, whatever the byte split") {
  chat_fixture plain;
  auto a = plain.chat(plain.session(), "add a title 'Split'");
  REQUIRE(a.result.has_value());
  for (std::uint32_t seed : {1u, 7u, 99u}) {
    chat_fixture f;
    f.sim().update_knobs([seed](knobs& k) {
      k.sse_dribble = true;
      k.sse_seed = seed;
    });
    auto b = f.chat(f.session(), "add a title 'Split'");
    REQUIRE(b.result.has_value());
    CHECK(b.text() == a.text());
    CHECK(b.count(agent_item_kind::tool_call) == 1);
    CHECK(b.count(agent_item_kind::text) == a.count(agent_item_kind::text));
  }
}

TEST_CASE("knobs silent_every, sse_heartbeats and sse_gap") {
  chat_fixture f;
  f.sim().update_knobs([](knobs& k) {
    k.silent_every = 1;
    k.sse_gap = std::chrono::milliseconds(5);
  });
  const auto sid = f.session();
  auto t = f.chat(sid, "add background music");
  REQUIRE(t.result.has_value());
  CHECK(t.count(agent_item_kind::text) == 0);  // the state tells what changed
  CHECK(t.count(agent_item_kind::heartbeat) >= 1);

  f.sim().update_knobs([](knobs& k) {
    k.silent_every = 0;
    k.sse_heartbeats = false;
  });
  auto quiet = f.chat(sid, "add a title 'X'");
  REQUIRE(quiet.result.has_value());
  CHECK(quiet.count(agent_item_kind::heartbeat) == 0);
  CHECK_FALSE(quiet.text().empty());
}

TEST_CASE("knob sse_drop_after_events: a cut stream fails unavailable and is never sent again") {
  chat_fixture f;
  f.sim().update_knobs([](knobs& k) { k.sse_drop_after_events = 3; });
  const auto sid = f.session();
  auto t = f.chat(sid, "add a title 'Cut'");
  REQUIRE_FALSE(t.result.has_value());
  CHECK(t.result.error().code == errc::upstream_unavailable);
  CHECK_FALSE(t.items.empty());  // what arrived before the cut was handed out
  CHECK(f.sim().get_counters().calls(endpoint::run_sse) == 1);
}

TEST_CASE("row 2001: out_of_credits, with the registration link for anonymous users") {
  chat_fixture f;
  const auto sid = f.session();
  REQUIRE(f.sim().set_credits(f.sim().token_of(f.keeper->client_id()), 0));
  auto t = f.chat(sid, "make a video");
  REQUIRE_FALSE(t.result.has_value());
  const auto& e = t.result.error();
  CHECK(e.code == errc::out_of_credits);
  CHECK(e.upstream_code == 2001);
  REQUIRE(e.hint);
  CHECK(e.hint->find("?bind=" + f.keeper->client_id()) != std::string::npos);

  // The same as an error event inside the stream (knob sse_errors_in_stream).
  f.sim().update_knobs([](knobs& k) { k.sse_errors_in_stream = true; });
  auto in_stream = f.chat(sid, "make a video");
  REQUIRE_FALSE(in_stream.result.has_value());
  CHECK(in_stream.result.error().code == errc::out_of_credits);
  CHECK(in_stream.result.error().hint->find("?bind=") != std::string::npos);
  CHECK(in_stream.count(agent_item_kind::error) == 1);
}

TEST_CASE("row 2001 for a registered user: top up, no registration link") {
  chat_fixture f(
      {.keeper = [](keeper_options& k) { k.user_token = "nmv_registered_user_token_0001"; }});
  f.sim().add_token("nmv_registered_user_token_0001", 0);
  const auto sid = f.session();
  auto t = f.chat(sid, "make a video");
  REQUIRE_FALSE(t.result.has_value());
  CHECK(t.result.error().code == errc::out_of_credits);
  CHECK(t.result.error().hint->find("bind=") == std::string::npos);
  CHECK(t.result.error().hint->find("Top up") != std::string::npos);
}

TEST_CASE("knob turn_cost and starting_credits: a turn is charged when its stream ends") {
  chat_fixture f;
  f.sim().update_knobs([](knobs& k) {
    k.starting_credits = 10;
    k.turn_cost = 3;
  });
  const auto sid = f.session();
  REQUIRE(f.chat(sid, "add a title 'A'").result.has_value());
  auto c = f.run(f.backend->credits());
  REQUIRE(c.has_value());
  CHECK(c->available == 7);
  CHECK(f.backend->upstream_status()["credits"]["available"] == 7);
}

TEST_CASE("rows 1002 and 1001 inside the stream: session_lost; token_invalid then renewed") {
  chat_fixture f;
  f.sim().update_knobs([](knobs& k) { k.sse_errors_in_stream = true; });
  const auto sid = f.session();
  f.sim().lose_session(sid);
  auto lost = f.chat(sid, "hi");
  REQUIRE_FALSE(lost.result.has_value());
  CHECK(lost.result.error().code == errc::session_lost);

  const auto sid2 = f.session();
  f.sim().expire_all_tokens();
  auto refused = f.chat(sid2, "hi");
  REQUIRE_FALSE(refused.result.has_value());
  CHECK(refused.result.error().code == errc::token_invalid);
  CHECK(f.sim().get_counters().calls(endpoint::run_sse) == 2);  // not sent again
  // The next call gets a new token at once.
  auto next = f.chat(sid2, "add a title 'B'");
  CHECK(next.result.has_value());
  CHECK(f.sim().get_counters().calls(endpoint::anonymous_token) == 2);
}

TEST_CASE("scripted turns: an error event with an unknown code, malformed data, comments") {
  chat_fixture f;
  const auto sid = f.session();
  f.sim().queue_turn(sid, turn_script{}.comment().raw("data: {not json\n\n").say("fine", 2));
  auto ok = f.chat(sid, "x");
  REQUIRE(ok.result.has_value());
  CHECK(ok.count(agent_item_kind::malformed) == 1);
  CHECK(ok.text() == "fine");

  f.sim().queue_turn(sid, turn_script{}.say("working on it", 1).error("E_MODEL", "model exploded"));
  auto bad = f.chat(sid, "y");
  REQUIRE_FALSE(bad.result.has_value());
  CHECK(bad.result.error().code == errc::upstream_error);
  CHECK(bad.result.error().message.find("exploded") == std::string::npos);  // not echoed
  CHECK(bad.text() == "working on it");
}

TEST_CASE("a session without an upstream id is session_lost, without any call") {
  chat_fixture f;
  store::session_row r;
  r.id = "s_x";
  r.backend = "nemovideo";
  const int before = f.sim().get_counters().total;
  auto t = f.run(f.backend->chat(r, "hi", {}));
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().code == errc::session_lost);
  auto st = f.run(f.backend->state(r));
  CHECK(st.error().code == errc::session_lost);
  CHECK(f.sim().get_counters().total == before);
}

TEST_CASE("health() and upstream_status() make no call; the token's state, never its value") {
  chat_fixture f;
  auto h = f.backend->health();
  CHECK(h["name"] == "nemovideo");
  CHECK(h["health"] == "ok");
  CHECK(f.backend->upstream_status()["token"]["state"] == "missing");
  CHECK(f.sim().get_counters().total == 0);
  f.session();
  auto st = f.backend->upstream_status();
  CHECK(st["token"]["state"] == "valid");
  CHECK(st["token"]["source"] == "anonymous");
  CHECK(st["token"]["expires_at"].is_string());
  const auto token = f.sim().token_of(f.keeper->client_id());
  CHECK(st.dump().find(token) == std::string::npos);
  CHECK(f.backend->health().dump().find(token) == std::string::npos);

  nemo_backend broken(core::make_error(core::errc::bad_request, "bad CA file"), {});
  CHECK(broken.health()["health"] == "unavailable");
  CHECK(f.run(broken.credits()).error().code == errc::bad_request);
}

TEST_CASE("the cloud's media info becomes metadata: duration in seconds, size, kept verbatim") {
  auto m = media_meta_from_cloud(
      {{"media_id", "m1"}, {"duration", 12500}, {"size", 1024}, {"type", "video"}, {"x", 1}});
  CHECK(m["duration_s"] == 12.5);
  CHECK(m["size"] == 1024);
  CHECK(m["type"] == "video");
  CHECK(m["cloud"]["x"] == 1);
  CHECK(media_meta_from_cloud({{"duration", 3.5}})["duration_s"] == 3.5);
  CHECK(media_meta_from_cloud({{"duration_ms", "2000"}})["duration_s"] == 2.0);
  CHECK(media_meta_from_cloud(nullptr) == nlohmann::json::object());
}
