// Chat turns through a real reeld against the simulator (HTTPS): a dribbled stream reaches
// three WebSocket clients identically, silent turns, dropped streams, 2001 mid-chat, chat.working,
// conflict, and the SSE answer of POST /v1/sessions/{id}/messages.
#include "cloud/cloud_fixture.hpp"
#include "fake_nemo/turn_script.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
using reel::fake_nemo::turn_script;

namespace {

// Reads messages until the turn's chat.done or chat.error; returns the turn's events.
std::vector<json> turn_events(raw_ws& ws, const std::string& turn, int wait_ms = 10000) {
  std::vector<json> out;
  for (;;) {
    auto m = ws.read_json(wait_ms);
    if (m.is_null()) return out;  // timed out: the caller's checks say what was missing
    if (m.value("type", "") != "event" || !m["data"].is_object()) continue;
    if (m["data"].value("turn", "") != turn) continue;
    out.push_back(m);
    const auto name = m.value("event", "");
    if (name == "chat.done" || name == "chat.error") return out;
  }
}

std::vector<std::string> names(const std::vector<json>& evs) {
  std::vector<std::string> n;
  for (const auto& e : evs) n.push_back(e["event"]);
  return n;
}

std::string streamed(const std::vector<json>& evs) {
  std::string t;
  for (const auto& e : evs)
    if (e["event"] == "chat.text" && !e["data"]["final"].get<bool>()) t += e["data"]["text"];
  return t;
}

const json* find(const std::vector<json>& evs, const std::string& name) {
  for (const auto& e : evs)
    if (e["event"] == name) return &e;
  return nullptr;
}

// Sends a message over `ws` (op send) and returns the result's data.
json ws_send(raw_ws& ws, const std::string& session, const std::string& text, int id = 2) {
  ws.send_text(json{{"id", id}, {"op", "send"}, {"session", session}, {"text", text}}.dump());
  for (;;) {
    auto m = ws.read_json(10000);
    REQUIRE_FALSE(m.is_null());
    if (m.value("type", "") == "result" && m.value("id", 0) == id) {
      REQUIRE_MESSAGE(m.value("ok", false), m.dump());
      return m["data"];
    }
  }
}

struct chat_session {
  std::string id;        // reeld's
  std::string upstream;  // the simulator's
};

chat_session new_chat(cloud_fixture& f) {
  auto s = f.new_session();
  return {s["id"], s["upstream_session_id"]};
}

}  // namespace

TEST_CASE("a dribbled stream (1-7 byte writes, CRLF and LF, Chinese and German) reaches 3 "
          "WebSocket clients identically and the final text is what the simulator sent") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().update_knobs([](auto& k) {
    k.sse_dribble = true;
    k.sse_gap = std::chrono::milliseconds(15);
  });
  const std::string reply =
      "Ich habe den Titel „Sommerschlussverkauf“ hinzugefügt. 我已经添加了标题，时长三秒。"
      "Größe und Farbe bleiben gleich.\r\n接下来可以加背景音乐！Fertig.";
  f.sim().queue_turn(s.upstream, turn_script().comment().say(reply, 12));

  auto a = f.subscribe("session:" + s.id);
  auto b = f.subscribe("session:" + s.id);
  auto sent = ws_send(*a, s.id, "schreib etwas Nettes 写点什么");
  CHECK(sent["route"] == "chat");
  const std::string turn = sent["turn"];

  // The third client joins mid-turn and catches up with since.
  std::vector<json> seen_by_a;
  std::int64_t started_seq = 0;
  for (;;) {
    auto m = a->read_json(10000);
    REQUIRE_FALSE(m.is_null());
    if (m.value("type", "") != "event" || m["data"].value("turn", "") != turn) continue;
    seen_by_a.push_back(m);
    if (m["event"] == "chat.started") started_seq = m["seq"];
    if (m["event"] == "chat.text") break;
  }
  auto c = std::make_unique<raw_ws>(f.port(), f.key());
  REQUIRE(c->read_json()["type"] == "hello");
  c->send_text(json{{"id", 1}, {"op", "subscribe"}, {"topic", "session:" + s.id},
                    {"since", started_seq - 1}}
                   .dump());

  auto rest_a = turn_events(*a, turn);
  seen_by_a.insert(seen_by_a.end(), rest_a.begin(), rest_a.end());
  auto seen_by_b = turn_events(*b, turn);
  auto seen_by_c = turn_events(*c, turn);

  REQUIRE(names(seen_by_a).back() == "chat.done");
  CHECK(seen_by_a == seen_by_b);
  CHECK(seen_by_a == seen_by_c);
  CHECK(names(seen_by_a).front() == "chat.started");
  const auto& fin = seen_by_a[seen_by_a.size() - 2];
  REQUIRE(fin["event"] == "chat.text");
  CHECK(fin["data"]["final"] == true);
  CHECK(fin["data"]["text"] == reply);
  CHECK(streamed(seen_by_a) == reply);
  CHECK(f.calls(endpoint::run_sse) == 1);
}

TEST_CASE("a silent turn yields timeline.changed naming the change and a final text") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().queue_turn(s.upstream, turn_script::silent());
  auto ws = f.subscribe("session:" + s.id);
  auto sent = ws_send(*ws, s.id, "add a title 'Summer Sale'");
  auto evs = turn_events(*ws, sent["turn"]);
  REQUIRE(names(evs) ==
          std::vector<std::string>{"chat.started", "timeline.changed", "chat.text", "chat.done"});
  const auto& changed = find(evs, "timeline.changed")->at("data");
  CHECK(changed["sentence"].get<std::string>().find("Added title \"Summer Sale\" (0-3s)") !=
        std::string::npos);
  CHECK(find(evs, "chat.text")->at("data")["text"] == changed["sentence"]);
  CHECK(find(evs, "chat.done")->at("data")["summary"].get<std::string>().find("Summer Sale") !=
        std::string::npos);
  CHECK(f.calls(endpoint::state) == 2);  // before and after the turn
}

TEST_CASE("a stream dropped mid-event ends the turn with an error and no second run_sse") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().queue_turn(s.upstream, turn_script()
                                     .say("Ich füge den Titel hinzu. ", 2)
                                     .drop()
                                     .final_text("This never arrives."));
  auto ws = f.subscribe("session:" + s.id);
  auto sent = ws_send(*ws, s.id, "add a title 'Summer Sale'");
  auto evs = turn_events(*ws, sent["turn"]);
  REQUIRE(names(evs).back() == "chat.error");
  const auto& err = evs.back()["data"]["error"];
  CHECK(err["code"] == "upstream_unavailable");
  CHECK(err["message"].get<std::string>().find("not sent again") != std::string::npos);
  CHECK(streamed(evs) == "Ich füge den Titel hinzu. ");
  // The state was fetched to show what did happen: the simulator applied the edit.
  REQUIRE(find(evs, "timeline.changed"));
  CHECK(find(evs, "timeline.changed")->at("data")["sentence"].get<std::string>().find(
            "Summer Sale") != std::string::npos);
  std::this_thread::sleep_for(300ms);
  CHECK(f.calls(endpoint::run_sse) == 1);
}

TEST_CASE("a 2001 mid-chat becomes out_of_credits with the registration link") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().queue_turn(s.upstream, turn_script()
                                     .say("Starting the video. ", 2)
                                     .error("2001", "insufficient credits"));
  auto ws = f.subscribe("session:" + s.id);
  auto sent = ws_send(*ws, s.id, "make a video");
  auto evs = turn_events(*ws, sent["turn"]);
  REQUIRE(names(evs).back() == "chat.error");
  const auto& err = evs.back()["data"]["error"];
  CHECK(err["code"] == "out_of_credits");
  CHECK(err["upstream_code"] == 2001);
  const auto hint = err["hint"].get<std::string>();
  CHECK(hint.find("http") != std::string::npos);
  CHECK(hint.find("bind=" + f.client_id()) != std::string::npos);
  CHECK(evs.back().dump().find("insufficient credits") == std::string::npos);
  CHECK(f.calls(endpoint::run_sse) == 1);
}

TEST_CASE("a quiet agent gets chat.working lines at the configured interval") {
  cloud_options o;
  o.args = {"--set", "chat.working_interval_s=1"};
  cloud_fixture f(o);
  auto s = new_chat(f);
  f.sim().queue_turn(s.upstream, turn_script()
                                     .comment()
                                     .pause(1300ms)
                                     .comment()
                                     .pause(1300ms)
                                     .say("Done.", 1));
  auto ws = f.subscribe("session:" + s.id);
  auto sent = ws_send(*ws, s.id, "make a video");
  auto evs = turn_events(*ws, sent["turn"]);
  auto n = names(evs);
  CHECK(std::count(n.begin(), n.end(), "chat.working") == 2);
  CHECK(find(evs, "chat.working")->at("data")["elapsed_s"].get<double>() >= 1.0);
  CHECK(n.back() == "chat.done");
}

TEST_CASE("a second message while a turn runs is refused with 409 and never reaches the cloud") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().queue_turn(s.upstream, turn_script().comment().pause(800ms).say("One.", 1));
  auto ws = f.subscribe("session:" + s.id);
  auto first = f.post("/v1/sessions/" + s.id + "/messages", {{"text", "make a video"}});
  REQUIRE(first.status == 202);
  CHECK(first.json()["route"] == "chat");
  auto second = f.post("/v1/sessions/" + s.id + "/messages", {{"text", "make it blue"}});
  CHECK(second.status == 409);
  CHECK(second.json()["error"]["code"] == "conflict");
  auto evs = turn_events(*ws, first.json()["turn"]);
  CHECK(names(evs).back() == "chat.done");
  CHECK(f.calls(endpoint::run_sse) == 1);
  CHECK(f.post("/v1/sessions/s_nope/messages", {{"text", "hi"}}).status == 404);
  CHECK(f.post("/v1/sessions/" + s.id + "/messages", {{"txt", "hi"}}).status == 400);
}

TEST_CASE("with Accept: text/event-stream the turn's events come as SSE until the turn ends") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().queue_turn(s.upstream,
                     turn_script().say("Der Titel ist da. 标题已添加。", 3).call("update_draft", {}));
  raw_conn c(f.port());
  const std::string body = json{{"text", "add a title 'Sale'"}}.dump();
  c.send("POST /v1/sessions/" + s.id + "/messages HTTP/1.1\r\nHost: 127.0.0.1:" +
         std::to_string(f.port()) + "\r\nAuthorization: Bearer " + f.key() +
         "\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body);
  const std::string raw = c.read_all(std::chrono::milliseconds(3000));
  CHECK(raw.rfind("HTTP/1.1 202", 0) == 0);
  CHECK(raw.find("text/event-stream") != std::string::npos);
  const auto started = raw.find("event: chat.started");
  const auto tool = raw.find("event: chat.tool");
  const auto done = raw.find("event: chat.done");
  CHECK(started != std::string::npos);
  CHECK(tool != std::string::npos);
  CHECK(done != std::string::npos);
  CHECK(started < tool);
  CHECK(tool < done);
  CHECK(raw.find("\"name\":\"update_draft\"") != std::string::npos);
  CHECK(raw.find("Der Titel ist da. 标题已添加。") != std::string::npos);
  // The stream ended with the turn: the last chunk was written.
  CHECK(raw.find("0\r\n\r\n") != std::string::npos);
}

TEST_CASE("state and credits answer over the WebSocket and as routed messages") {
  cloud_fixture f;
  auto s = new_chat(f);
  auto ws = f.subscribe("session:" + s.id);
  ws->send_text(json{{"id", 5}, {"op", "credits"}, {"session", s.id}}.dump());
  auto r = ws->read_json();
  REQUIRE(r["ok"] == true);
  CHECK(r["data"]["available"].is_number_integer());
  ws->send_text(json{{"id", 6}, {"op", "state"}, {"session", s.id}}.dump());
  r = ws->read_json();
  REQUIRE(r["ok"] == true);
  CHECK(r["data"].contains("summary"));
  ws->send_text(json{{"id", 7}, {"op", "state"}}.dump());
  r = ws->read_json();
  CHECK(r["ok"] == false);
  CHECK(r["error"]["code"] == "bad_request");

  auto sent = ws_send(*ws, s.id, "积分", 8);
  CHECK(sent["route"] == "credits");
  auto evs = turn_events(*ws, sent["turn"]);
  REQUIRE(names(evs) == std::vector<std::string>{"chat.started", "chat.text", "chat.done"});
  CHECK(evs[1]["data"]["text"].get<std::string>().find("credits available") != std::string::npos);
  CHECK(f.calls(endpoint::run_sse) == 0);
}

TEST_CASE("a session the cloud lost is replaced before the message is sent, which is sent once") {
  cloud_fixture f;
  auto s = new_chat(f);
  f.sim().lose_session(s.upstream);
  auto ws = f.subscribe("session:" + s.id);
  auto sent = ws_send(*ws, s.id, "add a title 'Summer Sale'");
  std::vector<json> all;
  for (;;) {
    auto m = ws->read_json(10000);
    REQUIRE_FALSE(m.is_null());
    if (m.value("type", "") != "event") continue;
    all.push_back(m);
    if (m["event"] == "chat.done" || m["event"] == "chat.error") break;
  }
  CHECK(find(all, "session.replaced"));
  CHECK(all.back()["event"] == "chat.done");
  CHECK(f.calls(endpoint::run_sse) == 1);
  CHECK(f.calls(endpoint::create_session) == 2);
}
