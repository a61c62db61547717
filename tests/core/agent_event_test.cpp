#include "core/agent_event.hpp"

#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <vector>

namespace reel::core {
std::ostream& operator<<(std::ostream& os, const agent_item& i) {
  static const char* const kinds[] = {"text",  "tool_call", "tool_result",
                                      "error", "heartbeat", "malformed"};
  return os << "{" << kinds[static_cast<int>(i.kind)] << " text=" << i.text
            << " partial=" << i.partial << " author=" << i.author << " name=" << i.name
            << " id=" << i.id << " code=" << i.code << "}";
}
}  // namespace reel::core

namespace {

using reel::core::agent_item;
using reel::core::agent_item_kind;
using reel::core::decode_agent_event;
using reel::core::text_assembler;

agent_item text(std::string t, bool partial = false, std::string author = "") {
  agent_item i;
  i.text = std::move(t);
  i.partial = partial;
  i.author = std::move(author);
  return i;
}
agent_item tool(agent_item_kind kind, std::string name, std::string id = "",
                std::string author = "") {
  agent_item i;
  i.kind = kind;
  i.name = std::move(name);
  i.id = std::move(id);
  i.author = std::move(author);
  return i;
}
agent_item error(std::string code, std::string message, std::optional<int> n = std::nullopt) {
  agent_item i;
  i.kind = agent_item_kind::error;
  i.code = std::move(code);
  i.text = std::move(message);
  i.upstream_code = n;
  return i;
}
agent_item heartbeat() {
  return agent_item{.kind = agent_item_kind::heartbeat};
}

TEST_CASE("agent event: an ADK partial text event") {
  const auto items = decode_agent_event(
      R"({"content":{"parts":[{"text":"Adding "}],"role":"model"},"partial":true,)"
      R"("author":"nemo_agent","invocationId":"e-1","id":"x","timestamp":1732000000.5,)"
      R"("actions":{"stateDelta":{}}})");
  CHECK(items == std::vector{text("Adding ", true, "nemo_agent")});
}

TEST_CASE("agent event: ADK function calls and responses keep name and id, not arguments") {
  const auto items = decode_agent_event(
      R"({"author":"a","content":{"parts":[{"text":"Let me edit."},)"
      R"({"functionCall":{"name":"add_track","args":{"type":"bgm"},"id":"call-1"}}]}})");
  CHECK(items == std::vector{text("Let me edit.", false, "a"),
                             tool(agent_item_kind::tool_call, "add_track", "call-1", "a")});
  const auto result = decode_agent_event(
      R"({"content":{"parts":[{"functionResponse":{"name":"add_track","response":{"ok":1},)"
      R"("id":"call-1"}}]}})");
  CHECK(result == std::vector{tool(agent_item_kind::tool_result, "add_track", "call-1")});
}

TEST_CASE("agent event: snake_case ADK parts are accepted too") {
  const auto items =
      decode_agent_event(R"({"content":{"parts":[{"function_call":{"name":"cut","id":7}}]}})");
  CHECK(items == std::vector{tool(agent_item_kind::tool_call, "cut", "7")});
}

TEST_CASE("agent event: thoughts, empty text and unknown parts are dropped") {
  const auto items = decode_agent_event(
      R"({"content":{"parts":[{"text":"thinking...","thought":true},{"text":""},)"
      R"({"inlineData":{"mimeType":"image/png"}},{"text":"Done."}]}})");
  CHECK(items == std::vector{text("Done.")});
}

TEST_CASE("agent event: an ADK event with only actions has no item") {
  CHECK(decode_agent_event(R"({"author":"a","actions":{"stateDelta":{"x":1}}})").empty());
  CHECK(decode_agent_event(R"({"content":{"role":"model"}})").empty());
  CHECK(decode_agent_event(R"({"content":{"parts":"nope"}})").empty());
}

TEST_CASE("agent event: the simple form with lenient field names") {
  CHECK(decode_agent_event(R"({"type":"text","text":"hi"})") == std::vector{text("hi")});
  CHECK(decode_agent_event(R"({"type":"text","content":"hi","partial":true})") ==
        std::vector{text("hi", true)});
  CHECK(decode_agent_event(R"({"type":"text","delta":"hi"})") == std::vector{text("hi")});
  CHECK(decode_agent_event(R"({"type":"tool_call","name":"render","id":"t1"})") ==
        std::vector{tool(agent_item_kind::tool_call, "render", "t1")});
  CHECK(decode_agent_event(R"({"type":"tool_call","tool":"render"})") ==
        std::vector{tool(agent_item_kind::tool_call, "render")});
  CHECK(decode_agent_event(R"({"type":"tool_call","tool":{"name":"render"}})") ==
        std::vector{tool(agent_item_kind::tool_call, "render")});
  CHECK(decode_agent_event(R"({"type":"tool_result","tool":"render","result":{}})") ==
        std::vector{tool(agent_item_kind::tool_result, "render")});
  CHECK(decode_agent_event(R"({"type":"heartbeat"})") == std::vector{heartbeat()});
  CHECK(decode_agent_event(R"({"type":"done"})").empty());
  CHECK(decode_agent_event(R"({"text":"bare"})") == std::vector{text("bare")});
}

TEST_CASE("agent event: errors in every accepted shape") {
  CHECK(decode_agent_event(R"({"error":"boom"})") == std::vector{error("", "boom")});
  CHECK(decode_agent_event(R"({"error":{"code":2001,"message":"out of credits"}})") ==
        std::vector{error("2001", "out of credits", 2001)});
  CHECK(decode_agent_event(R"({"errorCode":"SAFETY","errorMessage":"blocked"})") ==
        std::vector{error("SAFETY", "blocked")});
  CHECK(decode_agent_event(R"({"error_code":1002,"error_message":"session not found"})") ==
        std::vector{error("1002", "session not found", 1002)});
  CHECK(decode_agent_event(R"({"type":"error","code":"1001","message":"token expired"})") ==
        std::vector{error("1001", "token expired", 1001)});
  CHECK(decode_agent_event(R"({"code":2001,"message":"no credits","data":null})") ==
        std::vector{error("2001", "no credits", 2001)});
  CHECK(decode_agent_event(R"({"code":0,"message":"ok"})").empty());
  CHECK(decode_agent_event(R"({"error":null})").empty());
}

TEST_CASE("agent event: an error comes after the parts of the same event") {
  const auto items =
      decode_agent_event(R"({"content":{"parts":[{"text":"Sorry."}]},"errorCode":"MAX_TOKENS"})");
  CHECK(items == std::vector{text("Sorry."), error("MAX_TOKENS", "")});
}

TEST_CASE("agent event: empty payloads are heartbeats, garbage is malformed, nothing throws") {
  CHECK(decode_agent_event("") == std::vector{heartbeat()});
  CHECK(decode_agent_event(" \r\n\t") == std::vector{heartbeat()});
  for (std::string_view bad : {"{", "[DONE]", "not json", "{\"content\":", "\xFF\xFE", "nul\0l"}) {
    const auto items = decode_agent_event(bad);
    REQUIRE(items.size() == 1);
    CHECK(items[0].kind == agent_item_kind::malformed);
  }
  for (std::string_view odd : {"42", "\"text\"", "[1,2]", "null", "true"}) {
    const auto items = decode_agent_event(odd);
    REQUIRE(items.size() == 1);
    CHECK(items[0].kind == agent_item_kind::malformed);
  }
}

TEST_CASE("agent event: wrong field types are ignored, not thrown") {
  CHECK(decode_agent_event(R"({"content":{"parts":[{"text":5},{"functionCall":"x"}]},)"
                           R"("partial":"yes","author":7})")
            .empty());
  CHECK(decode_agent_event(R"({"type":"text","text":["a"]})").empty());
  CHECK(decode_agent_event(R"({"type":"tool_call","name":{"x":1},"id":1.5})") ==
        std::vector{tool(agent_item_kind::tool_call, "")});
  CHECK(decode_agent_event(R"({"error":{"code":[1],"message":2}})") == std::vector{error("", "")});
}

TEST_CASE("text assembler: ADK deltas then the repeated final text show once") {
  text_assembler a;
  CHECK(a.push(text("Adding ", true)).delta == "Adding ");
  auto u = a.push(text("music.", true));
  CHECK(u.delta == "music.");
  CHECK_FALSE(u.final_text);
  CHECK(a.push(heartbeat()).delta.empty());  // a heartbeat between does not end the run
  u = a.push(text("Adding music."));
  CHECK(u.delta.empty());
  CHECK(u.final_text == "Adding music.");
  CHECK_FALSE(a.finish());
}

TEST_CASE("text assembler: a final text without deltas is both delta and final") {
  text_assembler a;
  auto u = a.push(text("Done."));
  CHECK(u.delta == "Done.");
  CHECK(u.final_text == "Done.");
  u = a.push(text("Anything else?"));
  CHECK(u.delta == "Anything else?");
  CHECK(u.final_text == "Anything else?");
}

TEST_CASE("text assembler: a final text longer than the deltas shows only the rest") {
  text_assembler a;
  a.push(text("Hel", true));
  auto u = a.push(text("Hello!"));
  CHECK(u.delta == "lo!");
  CHECK(u.final_text == "Hello!");
}

TEST_CASE("text assembler: a final text that disagrees wins") {
  text_assembler a;
  a.push(text("Helo", true));
  auto u = a.push(text("Hello"));
  CHECK(u.delta.empty());
  CHECK(u.final_text == "Hello");
}

TEST_CASE("text assembler: a tool call closes a run of deltas, the next message is new") {
  text_assembler a;
  a.push(text("Let me ", true));
  a.push(text("edit.", true));
  auto u = a.push(tool(agent_item_kind::tool_call, "add_track"));
  CHECK(u.delta.empty());
  CHECK(u.final_text == "Let me edit.");
  CHECK_FALSE(a.push(tool(agent_item_kind::tool_result, "add_track")).final_text);
  a.push(text("Added ", true));
  u = a.push(text("Added the BGM."));
  CHECK(u.delta == "the BGM.");
  CHECK(u.final_text == "Added the BGM.");
}

TEST_CASE("text assembler: finish returns deltas that never got their final event") {
  text_assembler a;
  a.push(text("cut ", true));
  a.push(text("short", true));
  CHECK(a.finish() == "cut short");
  CHECK_FALSE(a.finish());
}

TEST_CASE("text assembler: a whole ADK turn decoded and assembled") {
  const char* const payloads[] = {
      R"({"content":{"parts":[{"text":"我来"}]},"partial":true})",
      "",
      R"({"content":{"parts":[{"text":"添加音乐。"}]},"partial":true})",
      R"({"content":{"parts":[{"text":"我来添加音乐。"},{"functionCall":{"name":"bgm"}}]}})",
      R"({"content":{"parts":[{"functionResponse":{"name":"bgm","response":{}}}]}})",
      R"({"content":{"parts":[{"text":"好了。"}]}})",
  };
  text_assembler a;
  std::string shown;
  std::vector<std::string> finals;
  for (const char* p : payloads) {
    for (const auto& item : decode_agent_event(p)) {
      auto u = a.push(item);
      shown += u.delta;
      if (u.final_text) finals.push_back(*u.final_text);
    }
  }
  CHECK(shown == "我来添加音乐。好了。");
  CHECK(finals == std::vector<std::string>{"我来添加音乐。", "好了。"});
}

}  // namespace
