// The fast reader of ADK text events (decode_adk_text_fast) against the JSON DOM decoder: where
// the fast one answers, both answer the same; decode_agent_event always answers as the DOM one.
#include "core/agent_event.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using reel::core::agent_item;
using reel::core::decode_adk_text_fast;
using reel::core::decode_agent_event;
using reel::core::decode_agent_event_dom;

// Checks one payload; true when the fast reader answered.
bool same_answer(std::string_view payload) {
  const auto dom = decode_agent_event_dom(payload);
  const auto fast = decode_adk_text_fast(payload);
  if (fast) {
    INFO("payload: " << payload);
    CHECK(*fast == dom);
  }
  INFO("payload: " << payload);
  CHECK(decode_agent_event(payload) == dom);
  return fast.has_value();
}

const std::vector<std::string>& payloads() {
  static const std::vector<std::string> p = {
      // The common shapes: the fast reader must answer these.
      R"({"content":{"parts":[{"text":"Hello"}],"role":"model"},"partial":true,"author":"nemo"})",
      R"({"author":"nemo","partial":false,"content":{"role":"model","parts":[{"text":"Done."}]}})",
      R"( { "content" : { "parts" : [ { "text" : "a" } , { "text" : "b" } ] } , "partial" : true } )",
      R"({"content":{"parts":[{"text":"x","thought":true},{"text":"y"}]},"partial":true})",
      R"({"content":{"parts":[{"text":""},{"text":"y","thought":false}]}})",
      R"({"content":{"parts":[]},"partial":true})",
      R"({"content":{"parts":[{"text":"z"}]},"invocationId":"e-1","id":"x","timestamp":1731234567.123,)"
      R"("actions":{"stateDelta":{},"artifactDelta":{},"requestedAuthConfigs":{}},"usageMetadata":)"
      R"({"promptTokenCount":12,"candidatesTokenCount":-3},"turnComplete":null,"flags":[true,false,null]})",
      R"({"content":{"parts":[{"text":"\"quoted\" \\ \/ \b\f\n\r\t \u00e9 \u4e2d \ud83d\ude00 \u0000"}]}})",
      "{\"content\":{\"parts\":[{\"text\":\"第1行。\\n中文 Ä ö 😀\"}]},\"partial\":true}",
      R"({"content":{"parts":[{"text":"t"}]},"author":null,"partial":null})",
      R"({"content":{"parts":[{"text":"t"}]},"author":7,"partial":1})",
      R"({"content":{"parts":[{"text":5},{"text":null},{"text":["a"]}]}})",
      R"({"content":{"parts":[{"text":"t"}]},"partial":"true"})",
      // Shapes the DOM decoder handles: the fast reader gives up (or must agree).
      R"({"content":{"parts":[{"functionCall":{"name":"add_title","args":{"t":"x"},"id":"c1"}}]}})",
      R"({"content":{"parts":[{"function_response":{"name":"t","response":{}}}]}})",
      R"({"content":{"parts":[{"text":"a"}]},"error":"boom"})",
      R"({"content":{"parts":[{"text":"a"}]},"errorCode":2001,"errorMessage":"no credits"})",
      R"({"content":{"parts":[{"text":"a"}]},"type":"error"})",
      R"({"type":"text","text":"simple","partial":true})",
      R"({"text":"bare"})",
      R"({"code":2001,"message":"no credits"})",
      R"({"content":"not an object"})",
      R"({"content":null,"text":"t"})",
      R"({"content":{"parts":"nope"}})",
      R"({"content":{"parts":[1,"s",{"text":"ok"}]}})",
      R"({"content":{"parts":[{"text":"a"}]},"content":{"parts":[{"text":"b"}]}})",
      R"({"content":{"parts":[{"text":"a","text":"b"}]}})",
      R"({"author":"a","author":"b","content":{"parts":[{"text":"t"}]}})",
      R"({"partial":true,"partial":false,"content":{"parts":[{"text":"t"}]}})",
      R"({"\u0063ontent":{"parts":[{"text":"escaped key"}]}})",
      R"({"content":{"parts":[{"text":"lone \ud800 high"}]}})",
      R"({"content":{"parts":[{"text":"lone \udc00 low"}]}})",
      R"({"content":{"parts":[{"text":"bad \x escape"}]}})",
      R"({"content":{"parts":[{"text":"short \u12"}]}})",
      "{\"content\":{\"parts\":[{\"text\":\"raw\ttab\"}]}}",
      "{\"content\":{\"parts\":[{\"text\":\"bad utf8 \xC3\x28\"}]}}",
      "{\"content\":{\"parts\":[{\"text\":\"overlong \xC0\xAF\"}]}}",
      "{\"content\":{\"parts\":[{\"text\":\"surrogate \xED\xA0\x80\"}]}}",
      "{\"content\":{\"parts\":[{\"text\":\"too big \xF4\x90\x80\x80\"}]}}",
      R"({"content":{"parts":[{"text":"t"}]},"n":1e400})",
      R"({"content":{"parts":[{"text":"t"}]},"n":1E5})",
      R"({"content":{"parts":[{"text":"t"}]},"n":01})",
      R"({"content":{"parts":[{"text":"t"}]},"n":-})",
      R"({"content":{"parts":[{"text":"t"}]},"n":1.})",
      R"({"content":{"parts":[{"text":"t"}]},"n":123456789012345678901234567890})",
      R"({"content":{"parts":[{"text":"t"}]},"b":tru})",
      R"({"content":{"parts":[{"text":"t"}]},})",
      R"({"content":{"parts":[{"text":"t"},]}})",
      R"({"content":{"parts":[{"text":"t"}]}} trailing)",
      R"({"content":{"parts":[{"text":"t"}]}}})",
      R"({"content":{"parts":[{"text":"t"}]} /* comment */})",
      "\xEF\xBB\xBF{\"content\":{\"parts\":[{\"text\":\"bom\"}]}}",
      R"([{"content":{"parts":[{"text":"t"}]}}])",
      R"({})",
      R"({"content":{}})",
      R"({"content":{"parts":[{"text":"deep"}]},"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[)"
      R"([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])"
      R"(]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
  };
  return p;
}

}  // namespace

TEST_CASE("agent event fast reader: the common ADK text event is read without the DOM") {
  CHECK(same_answer(payloads()[0]));
  CHECK(same_answer(payloads()[1]));
  CHECK(same_answer(payloads()[2]));
  CHECK(same_answer(payloads()[3]));
  CHECK(same_answer(payloads()[6]));
  CHECK(same_answer(payloads()[7]));
  CHECK(same_answer(payloads()[8]));
  const auto items = decode_agent_event(payloads()[7]);
  REQUIRE(items.size() == 1);
  CHECK(items[0].text ==
        std::string("\"quoted\" \\ / \b\f\n\r\t \u00e9 \u4e2d \U0001F600 ") + std::string(1, '\0'));
}

TEST_CASE("agent event fast reader: every payload of the table decodes as the DOM decoder does") {
  for (const auto& p : payloads()) same_answer(p);
}

TEST_CASE("agent event fast reader: every prefix of a payload decodes as the DOM decoder does") {
  for (const auto& p : payloads()) {
    for (std::size_t n = 0; n <= p.size(); ++n) same_answer(std::string_view(p).substr(0, n));
  }
}

TEST_CASE("agent event fast reader: random damage to real events never makes them disagree") {
  std::mt19937 rng(20261122);
  const std::string alphabet = "{}[]\":,\\ \tu0aeE.-+tnf\xC3\xA4\xE4\xB8\xAD\xF0\x9F\x98\x80";
  std::size_t fast = 0, total = 0;
  for (const auto& base : payloads()) {
    for (int k = 0; k < 300; ++k) {
      std::string p = base;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !p.empty(); ++e) {
        const std::size_t at = rng() % p.size();
        const char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 3) {
          case 0:
            p[at] = c;
            break;
          case 1:
            p.insert(p.begin() + static_cast<std::ptrdiff_t>(at), c);
            break;
          default:
            p.erase(at, 1);
            break;
        }
      }
      fast += same_answer(p) ? 1 : 0;
      ++total;
    }
  }
  MESSAGE("fast reader answered " << fast << " of " << total << " damaged payloads");
  CHECK(fast > 0);
}
