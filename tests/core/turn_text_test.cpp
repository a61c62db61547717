#include "core/turn_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace reel::core;

namespace {
agent_item text(std::string t, bool partial) {
  agent_item it;
  it.kind = agent_item_kind::text;
  it.text = std::move(t);
  it.partial = partial;
  return it;
}
}  // namespace

TEST_CASE("an unfinished sentence is held back until it ends") {
  turn_text t;
  CHECK(t.push(text("Adding the", true)).empty());
  CHECK(t.push(text(" title. It rea", true)) == "Adding the title. ");
  CHECK(t.push(text("ds \"Sale.\" Done", true)) == "It reads \"Sale.\" ");
  CHECK(t.flush() == "Done");
  CHECK(t.shown() == "Adding the title. It reads \"Sale.\" Done");
  CHECK(t.final_translation().text == "Adding the title. It reads \"Sale.\" Done");
}

TEST_CASE("CJK full stops end a sentence without a following blank") {
  turn_text t;
  CHECK(t.push(text("好的。正在添加", true)) == "好的。");
  CHECK(t.push(text("标题！", true)) == "正在添加标题！");
  CHECK(t.push(text("「完成。」下", true)) == "「完成。」");
}

TEST_CASE("a number with a decimal point does not end a sentence") {
  turn_text t;
  CHECK(t.push(text("Set it to 3.5", true)).empty());
  CHECK(t.push(text(" seconds.\n", true)) == "Set it to 3.5 seconds.\n");
}

TEST_CASE("ends_sentence looks past closing quotes") {
  CHECK(ends_sentence("Done."));
  CHECK(ends_sentence("It says \"Sale.\""));
  CHECK(ends_sentence("完成。」"));
  CHECK(ends_sentence("Next:"));
  CHECK_FALSE(ends_sentence("I added the ti"));
  CHECK_FALSE(ends_sentence("Line\n"));
  CHECK_FALSE(ends_sentence(""));
}

TEST_CASE("a silent turn has no text") {
  turn_text t;
  agent_item hb;
  hb.kind = agent_item_kind::heartbeat;
  CHECK(t.push(hb).empty());
  CHECK(t.empty());
  CHECK(t.flush().empty());
  CHECK(t.empty());
}

namespace {
agent_item call(std::string name) {
  agent_item it;
  it.kind = agent_item_kind::tool_call;
  it.name = std::move(name);
  return it;
}

// Feeds `items`, flushes, and returns what was streamed.
std::string stream(turn_text& t, const std::vector<agent_item>& items) {
  for (const auto& it : items) t.push(it);
  t.flush();
  return t.shown();
}
}  // namespace

TEST_CASE("two messages split by a tool call stream and end as two paragraphs") {
  turn_text t;
  const auto shown = stream(t, {text("Adding the title.", true), call("update_draft"),
                                text("Done.", true), text("Done.", false)});
  CHECK(shown == "Adding the title.\n\nDone.");
  CHECK(t.final_translation().text == shown);
}

TEST_CASE("an aggregate final event closing the last run: the final text equals the stream") {
  // The simulator's unscripted turn: a piece, a tool call, the other pieces, then one final event
  // with the whole reply (some ADK agents repeat every run of the turn there).
  turn_text t;
  const auto shown =
      stream(t, {text("Adding the title.", true), call("update_draft"), text("It reads ", true),
                 text("Sale.", true), text("Adding the title.It reads Sale.", false)});
  CHECK(shown == "Adding the title.\n\nIt reads Sale.");
  CHECK(t.final_translation().text == shown);
}

TEST_CASE("an aggregate after the runs were closed is not streamed again") {
  turn_text t;
  const auto shown =
      stream(t, {text("Hello.", true), text("Hello.", false), call("update_draft"),
                 text("World.", true), text("World.", false), text("Hello.World.", false)});
  CHECK(shown == "Hello.\n\nWorld.");
  CHECK(t.final_translation().text == shown);
}

TEST_CASE("an aggregate written with the paragraph breaks is recognised too, and may add text") {
  turn_text t;
  const auto shown = stream(
      t, {text("Hello.", true), text("Hello.", false), call("update_draft"), text("World.", true),
          text("World.", false), text("Hello.\n\nWorld. And more.", false)});
  CHECK(shown == "Hello.\n\nWorld. And more.");
  CHECK(t.final_translation().text == shown);
}

TEST_CASE("a final message that does not repeat the earlier ones is a message of its own") {
  turn_text t;
  const auto shown = stream(t, {text("Hello.", true), call("update_draft"), text("Bye.", false)});
  CHECK(shown == "Hello.\n\nBye.");
  CHECK(t.final_translation().text == shown);
}
