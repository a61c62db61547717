#include "core/turn_machine.hpp"

#include "core/upstream_errors.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace reel::core;
using nlohmann::json;

namespace {

constexpr std::int64_t s = 1000;
constexpr std::int64_t min = 60 * s;

agent_item partial(std::string t) {
  agent_item it;
  it.kind = agent_item_kind::text;
  it.text = std::move(t);
  it.partial = true;
  return it;
}
agent_item final_text(std::string t) {
  agent_item it;
  it.kind = agent_item_kind::text;
  it.text = std::move(t);
  return it;
}
agent_item tool(std::string name) {
  agent_item it;
  it.kind = agent_item_kind::tool_call;
  it.name = std::move(name);
  it.id = "call_1";
  return it;
}
agent_item tool_result(std::string name) {
  agent_item it;
  it.kind = agent_item_kind::tool_result;
  it.name = std::move(name);
  return it;
}
agent_item beat() {
  agent_item it;
  it.kind = agent_item_kind::heartbeat;
  return it;
}
agent_item error_item(int code) {
  agent_item it;
  it.kind = agent_item_kind::error;
  it.code = std::to_string(code);
  it.upstream_code = code;
  it.text = "secret upstream words";
  return it;
}

json empty_draft() {
  return json::parse(R"({"v":1,"t":[],"d":0})");
}
json titled_draft() {
  return json::parse(R"({"v":1,"d":3000,"t":[{"id":"trk_t","tt":7,"sg":[
      {"id":"seg_t","s":0,"d":3000,"txt":"Summer Sale"}]}]})");
}
result<json> state_of(json draft, std::string summary = "Timeline (1 track): ...") {
  return json_value(json{{"draft", std::move(draft)}, {"summary", std::move(summary)}});
}

// Collects every event a turn emitted, in order.
struct recorder {
  std::vector<turn_event> events;
  turn_actions last;
  void take(turn_actions a) {
    for (auto& e : a.events) events.push_back(e);
    last = std::move(a);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& e : events) n.push_back(e.name);
    return n;
  }
  // The deltas of chat.text joined.
  std::string streamed() const {
    std::string t;
    for (const auto& e : events)
      if (e.name == "chat.text" && !e.data["final"].get<bool>()) t += e.data["text"];
    return t;
  }
  const turn_event* find(const std::string& name) const {
    for (const auto& e : events)
      if (e.name == name) return &e;
    return nullptr;
  }
  const json& final_data() const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->name == "chat.text" && it->data["final"].get<bool>()) return it->data;
    throw std::runtime_error("no final chat.text");
  }
};

turn_machine make(turn_limits l = {}) {
  return turn_machine("t_1", "add a title", l);
}

}  // namespace

TEST_CASE("a turn starts with chat.started and a timer at the working interval") {
  auto m = make();
  recorder r;
  r.take(m.started(1000));
  REQUIRE(r.names() == std::vector<std::string>{"chat.started"});
  CHECK(r.events[0].data == json{{"turn", "t_1"}, {"route", "chat"}, {"text", "add a title"}});
  CHECK(r.last.timer_at == 1000 + 2 * min);
  CHECK(m.current_phase() == turn_machine::phase::streaming);
}

TEST_CASE("streamed text goes out a sentence at a time and the final text is the whole reply") {
  auto m = make();
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.item(partial("Hallo! Ich füge"), 1));
  CHECK(r.streamed() == "Hallo! ");
  r.take(m.item(partial(" den Titel hinzu.\n好的，"), 2));
  CHECK(r.streamed() == "Hallo! Ich füge den Titel hinzu.\n");
  r.take(m.item(partial("标题已添加。完成"), 3));
  CHECK(r.streamed() == "Hallo! Ich füge den Titel hinzu.\n好的，标题已添加。");
  const std::string whole = "Hallo! Ich füge den Titel hinzu.\n好的，标题已添加。完成";
  r.take(m.item(final_text(whole), 4));
  CHECK(r.streamed() == whole);
  r.take(m.stream_end(5));
  // Text and no tool call: nothing to fetch, the turn is done at once.
  CHECK_FALSE(r.last.fetch_state);
  CHECK(r.last.done);
  CHECK(r.final_data()["text"] == whole);
  CHECK(r.names().back() == "chat.done");
  CHECK(r.events.back().data["changed"] == false);
  CHECK(m.done());
}

TEST_CASE("every split of a stream gives the same final text and the same deltas joined") {
  const std::string whole = "Der Titel „Sommer“ ist da. 标题已添加！Next: music?\nDone.";
  for (std::size_t cut = 1; cut < whole.size(); ++cut) {
    auto m = make();
    recorder r;
    r.take(m.started(0));
    r.take(m.item(partial(whole.substr(0, cut)), 1));
    r.take(m.item(partial(whole.substr(cut)), 2));
    r.take(m.item(final_text(whole), 3));
    r.take(m.stream_end(4));
    REQUIRE(r.streamed() == whole);
    REQUIRE(r.final_data()["text"] == whole);
  }
}

TEST_CASE("GUI talk never reaches the user: the sentence is translated and the action offered") {
  auto m = make();
  recorder r;
  r.take(m.started(0));
  r.take(m.item(partial("The title is added. Click the Exp"), 1));
  r.take(m.item(partial("ort button to download it."), 2));
  r.take(m.stream_end(3));
  CHECK(r.streamed().find("Click") == std::string::npos);
  CHECK(r.streamed().starts_with("The title is added. "));
  const auto& fin = r.final_data();
  CHECK(fin["text"].get<std::string>().find("Click") == std::string::npos);
  CHECK(fin["actions"] == json::array({"export"}));
}

TEST_CASE("an aggregate final event (runs cut by a tool call) replaces the runs") {
  auto m = make();
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.item(partial("I added the ti"), 1));
  r.take(m.item(tool("update_draft"), 2));
  r.take(m.item(tool_result("update_draft"), 3));
  r.take(m.item(partial("tle for you."), 4));
  r.take(m.item(final_text("I added the title for you."), 5));
  r.take(m.stream_end(6));
  CHECK(r.streamed() == "I added the title for you.");
  // A tool was called: the state is fetched to report the change.
  REQUIRE(r.last.fetch_state);
  r.take(m.state_fetched(state_of(titled_draft()), 7));
  CHECK(r.final_data()["text"] == "I added the title for you.");
  auto names = r.names();
  CHECK(names == std::vector<std::string>{"chat.started", "chat.text", "chat.tool", "chat.text",
                                          "timeline.changed", "chat.text", "chat.done"});
  CHECK(r.find("chat.tool")->data == json{{"turn", "t_1"}, {"name", "update_draft"}});
  CHECK(r.events.back().data["changed"] == true);
}

TEST_CASE("distinct messages are joined with a blank line") {
  auto m = make();
  recorder r;
  r.take(m.started(0));
  r.take(m.item(final_text("Working on it."), 1));
  r.take(m.item(tool("update_draft"), 2));
  r.take(m.item(final_text("Done."), 3));
  r.take(m.stream_end(4));
  r.take(m.state_fetched(state_of(empty_draft()), 5));
  CHECK(r.streamed() == "Working on it.\n\nDone.");
  CHECK(r.final_data()["text"] == "Working on it.\n\nDone.");
}

TEST_CASE("a silent turn fetches the state and reports the change in words") {
  auto m = make();
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.item(beat(), 1));
  r.take(m.heartbeat(2));
  r.take(m.stream_end(3));
  REQUIRE(r.last.fetch_state);
  CHECK_FALSE(r.last.done);
  CHECK_FALSE(r.last.timer_at);
  r.take(m.state_fetched(
      state_of(titled_draft(), "Timeline (1 track): 1. Title: \"Summer Sale\" (0-3s)"), 4));
  REQUIRE(r.last.done);
  const auto* changed = r.find("timeline.changed");
  REQUIRE(changed);
  CHECK(changed->data["sentence"].get<std::string>().find("Added title \"Summer Sale\" (0-3s)") !=
        std::string::npos);
  CHECK(changed->data["changes"][0]["kind"] == "added");
  CHECK(changed->data["summary"] == "Timeline (1 track): 1. Title: \"Summer Sale\" (0-3s)");
  CHECK(r.final_data()["text"] == changed->data["sentence"]);
  CHECK(r.final_data()["generated"] == true);
  CHECK(r.events.back().name == "chat.done");
  CHECK(r.events.back().data["summary"] == changed->data["summary"]);
}

TEST_CASE("a silent turn that changed nothing says so") {
  auto m = make();
  m.baseline(titled_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.stream_end(1));
  r.take(m.state_fetched(state_of(titled_draft()), 2));
  CHECK_FALSE(r.find("timeline.changed"));
  CHECK(r.final_data()["text"] ==
        "The agent finished without a reply, and the timeline did not change.");
  CHECK(r.events.back().name == "chat.done");
}

TEST_CASE("without a baseline a silent turn tells the summary instead") {
  auto m = make();
  recorder r;
  r.take(m.started(0));
  r.take(m.stream_end(1));
  r.take(m.state_fetched(state_of(titled_draft(), "Timeline (1 track): x"), 2));
  CHECK(r.final_data()["text"] == "The agent finished without a reply. Timeline (1 track): x");
}

TEST_CASE("chat.working comes every interval without output, and output resets it") {
  auto m = make();
  recorder r;
  r.take(m.started(0));
  CHECK(r.last.timer_at == 2 * min);
  r.take(m.timer(2 * min));
  REQUIRE(r.names().back() == "chat.working");
  CHECK(r.events.back().data["elapsed_s"] == 120.0);
  CHECK(r.last.timer_at == 4 * min);
  r.take(m.item(partial("Still on it. "), 3 * min));
  CHECK(r.last.timer_at == 5 * min);
  r.take(m.timer(4 * min));  // early: nothing
  CHECK(r.names().back() == "chat.text");
  r.take(m.timer(5 * min));
  CHECK(r.names().back() == "chat.working");
  CHECK(r.events.back().data["elapsed_s"] == 300.0);
}

TEST_CASE("ten minutes of heartbeats alone is a stalled turn") {
  auto m = make();
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  for (std::int64_t t = 30 * s; t < 10 * min; t += 30 * s) {
    r.take(m.heartbeat(t));
    if (*r.last.timer_at <= t) r.take(m.timer(t));
  }
  const auto names = r.names();
  CHECK(std::count(names.begin(), names.end(), "chat.working") == 4);
  r.take(m.timer(10 * min));
  REQUIRE(r.last.stop_stream);
  REQUIRE(r.last.fetch_state);
  r.take(m.stream_error(make_error(errc::cancelled, "stopped"), 10 * min + 1));  // ignored
  CHECK(r.last.events.empty());
  r.take(m.state_fetched(state_of(empty_draft()), 10 * min + 2));
  REQUIRE(r.events.back().name == "chat.error");
  const auto& err = r.events.back().data["error"];
  CHECK(err["code"] == "timeout");
  CHECK(err["message"].get<std::string>().find("10 minutes") != std::string::npos);
  CHECK(err["message"].get<std::string>().find("not sent again") != std::string::npos);
  CHECK(m.done());
}

TEST_CASE("a turn lasts at most the limit even while the agent keeps talking") {
  turn_limits l;
  l.limit_ms = 15 * min;
  auto m = make(l);
  recorder r;
  r.take(m.started(0));
  for (std::int64_t t = min; t < 15 * min; t += min) r.take(m.item(tool("step"), t));
  CHECK(r.last.timer_at == 15 * min);
  r.take(m.timer(15 * min));
  REQUIRE(r.last.stop_stream);
  r.take(m.state_fetched(state_of(empty_draft()), 15 * min));
  CHECK(r.events.back().data["error"]["message"].get<std::string>().find("15 minutes") !=
        std::string::npos);
}

TEST_CASE("a stream dropped mid-turn ends with an error and fetches the state, never resending") {
  auto m = make();
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.item(partial("Adding the title. Now"), 1));
  r.take(m.stream_error(make_error(errc::upstream_unavailable, "The stream broke off."), 2));
  CHECK(r.streamed() == "Adding the title. Now");  // what arrived is not lost
  REQUIRE(r.last.fetch_state);
  CHECK_FALSE(r.last.stop_stream);
  r.take(m.state_fetched(state_of(titled_draft()), 3));
  CHECK(r.find("timeline.changed"));
  CHECK(r.final_data()["text"] == "Adding the title. Now");
  REQUIRE(r.events.back().name == "chat.error");
  CHECK(r.events.back().data["error"]["code"] == "upstream_unavailable");
  CHECK(r.events.back().data["error"]["message"].get<std::string>().find("not sent again") !=
        std::string::npos);
  CHECK(m.failure()->code == errc::upstream_unavailable);
  r.take(m.stream_end(4));
  CHECK(r.last.events.empty());
  CHECK_FALSE(m.may_retry());
}

TEST_CASE("an out-of-credits error event becomes out_of_credits with the mapper's link") {
  upstream_context ctx;
  ctx.client_id = "c-42";
  turn_machine m("t_2", "make a video", {},
                 [ctx](const agent_item& it) { return map_upstream_code(*it.upstream_code, ctx); });
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.item(error_item(2001), 1));
  r.take(m.stream_end(2));
  r.take(m.state_fetched(state_of(empty_draft()), 3));
  const auto& err = r.events.back().data["error"];
  CHECK(r.events.back().name == "chat.error");
  CHECK(err["code"] == "out_of_credits");
  CHECK(err["upstream_code"] == 2001);
  CHECK(err["hint"].get<std::string>().find("bind=c-42") != std::string::npos);
  // The upstream's own words are never echoed.
  CHECK(r.events.back().data.dump().find("secret") == std::string::npos);
  CHECK_FALSE(r.find("chat.text"));
}

TEST_CASE("the error event wins over the generic failure that follows it") {
  auto m = make();
  recorder r;
  r.take(m.started(0));
  r.take(m.item(error_item(2001), 1));
  r.take(m.stream_error(make_error(errc::upstream_unavailable, "cut"), 2));
  r.take(m.state_fetched(state_of(empty_draft()), 3));
  CHECK(r.events.back().data["error"]["code"] == "out_of_credits");
}

TEST_CASE("a refusal before the agent did anything may be retried once on a new session") {
  auto m = make();
  m.baseline(titled_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.item(error_item(1002), 1));
  CHECK(m.may_retry());
  m.restart_stream();
  r.take(m.item(final_text("Hi."), 2));
  CHECK_FALSE(m.may_retry());
  r.take(m.stream_end(3));
  CHECK(r.events.back().name == "chat.done");
}

TEST_CASE("a failed state fetch still ends the turn") {
  auto m = make();
  m.baseline(empty_draft());
  recorder r;
  r.take(m.started(0));
  r.take(m.stream_end(1));
  r.take(m.state_fetched(make_error(errc::upstream_unavailable, "no answer"), 2));
  CHECK(r.final_data()["text"].get<std::string>().find("could not be read: no answer") !=
        std::string::npos);
  CHECK(r.events.back().name == "chat.done");
  CHECK(r.last.done);
}

TEST_CASE("inputs out of order or after the end do nothing") {
  auto m = make();
  recorder r;
  r.take(m.item(final_text("early"), 0));
  CHECK(r.events.empty());
  r.take(m.state_fetched(state_of(empty_draft()), 0));
  CHECK(r.events.empty());
  r.take(m.started(0));
  r.take(m.started(0));
  CHECK(r.events.size() == 1);
  r.take(m.item(final_text("Hello."), 1));
  r.take(m.stream_end(2));
  REQUIRE(m.done());
  const auto n = r.events.size();
  r.take(m.timer(10 * min));
  r.take(m.item(final_text("late"), 10 * min));
  r.take(m.stream_error(make_error(errc::timeout, "x"), 10 * min));
  CHECK(r.events.size() == n);
}
