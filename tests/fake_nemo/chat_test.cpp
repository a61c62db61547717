// POST /run_sse: ADK event streams, scripted and silent turns, and the stream faults.
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

#include <future>
#include <mutex>
#include <thread>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;
using namespace std::chrono_literals;

namespace {

nlohmann::json text_track(const nlohmann::json& state) {
  for (const auto& t : state["data"]["state"]["draft"]["t"]) {
    if (t["tt"] == 7) return t;
  }
  return nullptr;
}

nlohmann::json credits(fixture& f, const std::string& token) {
  return f.client.get("/api/credits/balance/simple", auth_headers(token)).json()["data"];
}

}  // namespace

TEST_CASE("a chat turn streams heartbeats, partial text, a tool call and the final text") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto r = f.chat(token, sid, "add a title 'Urban Dreams'");
  CHECK(r.status == 200);
  CHECK(r.complete);
  CHECK(r.header("Content-Type") == "text/event-stream");
  CHECK(r.header("Transfer-Encoding") == "chunked");
  const auto p = parse_sse(r.body);
  CHECK(p.comments >= 1);
  CHECK(p.empty_data >= 1);
  int partials = 0;
  bool call = false;
  bool response = false;
  for (const auto& e : p.events) {
    if (e.value("partial", false)) ++partials;
    const auto& part = e["content"]["parts"][0];
    if (part.contains("functionCall")) call = part["functionCall"]["name"] == "update_draft";
    if (part.contains("functionResponse")) response = true;
  }
  CHECK(partials >= 2);
  CHECK(call);
  CHECK(response);
  CHECK(final_text(p).find("Urban Dreams") != std::string::npos);
  // The turn edited the draft and cost one credit.
  CHECK(text_track(f.state(token, sid))["sg"][0]["txt"] == "Urban Dreams");
  CHECK(credits(f, token)["available"] == 99);
  CHECK(credits(f, token)["frozen"] == 0);
}

TEST_CASE("a queued script is what the next turn streams") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  turn_script s;
  s.say("Scripted hello", 2).error("RESOURCE_EXHAUSTED", "model overloaded");
  f.sim().queue_turn(sid, s);
  const auto p = parse_sse(f.chat(token, sid, "anything").body);
  REQUIRE(p.events.size() == 4);
  CHECK(p.comments == 0);
  CHECK(final_text(p) == "Scripted hello");
  CHECK(p.events[3]["errorCode"] == "RESOURCE_EXHAUSTED");
  CHECK(p.events[3]["errorMessage"] == "model overloaded");
  // The queue is consumed: the next turn is unscripted again.
  CHECK(final_text(parse_sse(f.chat(token, sid, "hi").body)).find("Open the media panel") !=
        std::string::npos);
}

TEST_CASE("the stream observer sees every chunk of a turn, in order, before it is written") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  turn_script s;
  s.say("Observed hello", 3);
  f.sim().queue_turn(sid, s);
  std::mutex mu;
  std::string seen;
  int calls = 0;
  f.sim().set_stream_observer([&](std::string_view bytes) {
    std::lock_guard lock(mu);
    seen.append(bytes);
    ++calls;
  });
  const auto r = f.chat(token, sid, "anything");
  f.sim().set_stream_observer({});
  std::lock_guard lock(mu);
  CHECK(calls == 4);  // three partial events and the final one, a chunk each
  CHECK(seen == r.body);
  // A plain answer is not an event stream: the observer is not called.
  f.client.get("/api/credits/balance/simple", auth_headers(token));
  CHECK(calls == 4);
}

TEST_CASE("a silent turn streams only heartbeats but changes the draft") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  f.sim().queue_turn(sid, turn_script::silent().edit("add music 'Calm' at 50%"));
  const auto p = parse_sse(f.chat(token, sid, "add a title 'Quiet'").body);
  CHECK(p.events.empty());
  CHECK(p.comments == 1);
  const auto draft = f.state(token, sid)["data"]["state"]["draft"];
  REQUIRE(draft["t"].size() == 2);  // the script's edit and the message's edit
  CHECK(text_track(f.state(token, sid))["sg"][0]["txt"] == "Quiet");
}

TEST_CASE("knob: every Nth unscripted turn is silent") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.silent_every = 2; });
  const auto token = f.token();
  const auto sid = f.session(token);
  CHECK_FALSE(parse_sse(f.chat(token, sid, "add a title 'A'").body).events.empty());
  CHECK(parse_sse(f.chat(token, sid, "add a title 'B'").body).events.empty());
  CHECK(text_track(f.state(token, sid))["sg"][0]["txt"] == "B");
}

TEST_CASE("knob: dribbled streams mix CRLF and LF and carry the same events") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.sse_dribble = true; });
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto r = f.chat(token, sid, "add a title 'Drip'");
  CHECK(r.complete);
  const auto p = parse_sse(r.body);
  CHECK(p.saw_crlf);
  CHECK(p.saw_bare_lf);
  CHECK(final_text(p).find("Drip") != std::string::npos);
}

TEST_CASE("knob: the stream is cut inside an event; the turn still happened") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.sse_drop_after_events = 1; });
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto r = f.chat(token, sid, "add a title 'Cut'");
  CHECK(r.status == 200);
  CHECK_FALSE(r.complete);
  CHECK(parse_sse(r.body).events.size() == 1);
  CHECK(r.body.back() != '\n');
  CHECK(text_track(f.state(token, sid))["sg"][0]["txt"] == "Cut");
  CHECK(credits(f, token)["frozen"] == 0);
}

TEST_CASE("a scripted drop cuts the connection mid-event") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  turn_script s;
  s.partial("half").drop().final_text("never seen");
  f.sim().queue_turn(sid, s);
  const auto r = f.chat(token, sid, "x");
  CHECK_FALSE(r.complete);
  CHECK(parse_sse(r.body).events.size() == 1);
}

TEST_CASE("credits are frozen while a turn streams and spent when it ends") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  turn_script s;
  s.comment().pause(1500ms).say("done", 1);
  f.sim().queue_turn(sid, s);
  auto turn = std::async(std::launch::async, [&] { return f.chat(token, sid, "slow one"); });
  // Poll until the turn has started (a loaded machine may take a while to connect).
  nlohmann::json during;
  for (int i = 0; i < 100; ++i) {
    during = credits(f, token);
    if (during["frozen"] == 1) break;
    std::this_thread::sleep_for(10ms);
  }
  CHECK(during["frozen"] == 1);
  CHECK(during["available"] == 99);
  CHECK(during["total"] == 100);
  CHECK(turn.get().complete);
  const auto after = credits(f, token);
  CHECK(after["frozen"] == 0);
  CHECK(after["total"] == 99);
}

TEST_CASE("out of credits is 2001, as JSON or (knob) as an SSE error event") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.turn_cost = 5; });
  const auto token = f.token();
  const auto sid = f.session(token);
  CHECK(f.sim().set_credits(token, 4));
  const auto r = f.chat(token, sid, "add a title 'X'");
  CHECK(r.json()["code"] == 2001);
  CHECK(r.json()["data"]["required"] == 5);
  f.sim().update_knobs([](knobs& k) { k.sse_errors_in_stream = true; });
  const auto p = parse_sse(f.chat(token, sid, "add a title 'X'").body);
  REQUIRE(p.events.size() == 1);
  CHECK(p.events[0]["errorCode"] == "2001");
  CHECK(f.chat(token, "missing", "hi").body.find("\"errorCode\":\"1002\"") != std::string::npos);
}

TEST_CASE("a chat turn on an unknown session is 1002") {
  fixture f;
  const auto token = f.token();
  CHECK(f.chat(token, "nope", "hi").json()["code"] == 1002);
}
