// turn_view: what `reel say` and `reel chat` print for a turn's events.
#include "cli/turn_view.hpp"

#include <doctest/doctest.h>

#include <sstream>

using nlohmann::json;
using reel::cli::turn_view;

namespace {

json ev(const std::string& name, json data) {
  data["turn"] = "t1";
  return {{"type", "event"}, {"topic", "session:s1"}, {"event", name}, {"data", data}};
}

struct shown {
  std::ostringstream out, err;
  turn_view view{out, err};
};

}  // namespace

TEST_CASE("a final text that extends what streamed adds the rest; a changed one is printed whole") {
  shown a;
  a.view.feed(ev("chat.started", {{"route", "chat"}}));
  a.view.feed(ev("chat.text", {{"text", "Added the title. "}}));
  a.view.feed(ev("chat.text", {{"text", "Added the title. Done."}, {"final", true}}));
  a.view.feed(ev("chat.done", json::object()));
  a.view.finish(std::nullopt);
  CHECK(a.out.str() == "Added the title. Done.\n");

  shown b;
  b.view.feed(ev("chat.started", {{"route", "chat"}}));
  b.view.feed(ev("chat.text", {{"text", "Click the Export button."}}));
  b.view.feed(ev("chat.text", {{"text", "Say \"export\" and I will render it."}, {"final", true}}));
  b.view.feed(ev("chat.done", json::object()));
  b.view.finish(std::nullopt);
  CHECK(b.out.str() == "Click the Export button.\nSay \"export\" and I will render it.\n");
}
