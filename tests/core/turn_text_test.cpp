#include "core/turn_text.hpp"

#include <doctest/doctest.h>

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
