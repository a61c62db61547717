// Turn scripts into ADK events and SSE bytes: dribbling, mixed line endings, cuts.
#include "fake_nemo/sse_framer.hpp"
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;

namespace {

std::string joined(const std::vector<sse_chunk>& chunks) {
  std::string out;
  for (const auto& c : chunks) out += c.bytes;
  return out;
}

turn_script sample() {
  turn_script s;
  s.comment().empty_data().say("Adding the title now.", 3).call("update_draft", {{"a", 1}});
  s.respond("update_draft", {{"status", "ok"}}).error("INTERNAL", "boom");
  return s;
}

}  // namespace

TEST_CASE("a script becomes ADK events: partial text, final text, tool call and response") {
  adk_context ctx;
  ctx.invocation_id = "e-1";
  const auto bytes = joined(frame_chunks(to_frames(sample(), ctx), framing{}));
  const auto p = testing::parse_sse(bytes);
  CHECK(p.comments == 1);
  CHECK(p.empty_data == 1);
  REQUIRE(p.events.size() == 7);
  CHECK(p.events[0]["partial"] == true);
  CHECK(p.events[0]["author"] == "nemo_agent");
  CHECK(p.events[0]["invocationId"] == "e-1");
  CHECK(p.events[3].value("partial", false) == false);
  CHECK(p.events[3]["content"]["parts"][0]["text"] == "Adding the title now.");
  const auto& call = p.events[4]["content"]["parts"][0]["functionCall"];
  const auto& resp = p.events[5]["content"]["parts"][0]["functionResponse"];
  CHECK(call["name"] == "update_draft");
  CHECK(resp["id"] == call["id"]);
  CHECK(p.events[6]["errorCode"] == "INTERNAL");
  CHECK(testing::final_text(p) == "Adding the title now.");
  CHECK_FALSE(p.saw_crlf);
}

TEST_CASE("dribbling writes 1-7 bytes at a time, mixes CRLF and LF, and keeps the events") {
  adk_context a;
  adk_context b;
  a.invocation_id = b.invocation_id = "e-1";
  framing f;
  f.dribble = true;
  const auto chunks = frame_chunks(to_frames(sample(), a), f);
  for (const auto& c : chunks) {
    CHECK(c.bytes.size() >= 1);
    CHECK(c.bytes.size() <= 7);
  }
  const auto dribbled = testing::parse_sse(joined(chunks));
  const auto plain = testing::parse_sse(joined(frame_chunks(to_frames(sample(), b), framing{})));
  CHECK(dribbled.saw_crlf);
  CHECK(dribbled.saw_bare_lf);
  CHECK(dribbled.events == plain.events);
  // Some seed splits a CRLF across two writes (CR at the end of one chunk, LF next).
  bool split_crlf = false;
  for (std::uint32_t seed = 1; seed <= 50 && !split_crlf; ++seed) {
    adk_context c;
    framing g = f;
    g.seed = seed;
    const auto cs = frame_chunks(to_frames(sample(), c), g);
    for (std::size_t i = 0; i + 1 < cs.size(); ++i) {
      if (cs[i].bytes.back() == '\r' && cs[i + 1].bytes.front() == '\n') split_crlf = true;
    }
  }
  CHECK(split_crlf);
}

TEST_CASE("a drop writes half of the next event and closes") {
  adk_context ctx;
  turn_script s;
  s.say("one", 1).drop().say("two", 1);
  const auto chunks = frame_chunks(to_frames(s, ctx), framing{});
  REQUIRE_FALSE(chunks.empty());
  CHECK(chunks.back().close_after);
  const auto bytes = joined(chunks);
  CHECK(testing::parse_sse(bytes).events.size() == 2);  // partial + final of "one"
  CHECK(bytes.back() != '\n');                          // the cut falls inside the JSON
}

TEST_CASE("drop_after_events cuts inside the event after K events; pauses carry over") {
  adk_context ctx;
  turn_script s;
  s.comment().pause(std::chrono::milliseconds(30)).say("abc def ghi", 3);
  framing f;
  f.drop_after_events = 2;
  const auto chunks = frame_chunks(to_frames(s, ctx), f);
  CHECK(chunks.back().close_after);
  CHECK(chunks[1].pause == std::chrono::milliseconds(30));
  CHECK(testing::parse_sse(joined(chunks)).events.size() == 2);
}
