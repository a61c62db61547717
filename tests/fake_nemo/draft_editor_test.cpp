// The simulated agent's edits, and the guarantee that unknown draft keys survive them.
#include "fake_nemo/draft_editor.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using nlohmann::json;

namespace {

const json* track(const json& draft, int tt) {
  for (const auto& t : draft["t"]) {
    if (t["tt"] == tt) return &t;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a title request adds a text track and keeps unknown keys") {
  auto d = initial_draft("project");
  d["x_client_added"] = {{"a", 1}};
  const auto out = apply_message(d, "add a title 'Urban Dreams'", {});
  CHECK(out.changed);
  const auto* t = track(d, 7);
  REQUIRE(t);
  CHECK(t->at("sg")[0]["txt"] == "Urban Dreams");
  CHECK(t->at("sg")[0]["d"] == 3000);
  CHECK(d["x_future"] == json{{"k", {1, 2}}});
  CHECK(d["x_client_added"] == json{{"a", 1}});
  CHECK(out.reply.find("Urban Dreams") != std::string::npos);
  CHECK(out.operations[0]["op"] == "set_title");
}

TEST_CASE("a second title replaces the first one's text") {
  auto d = initial_draft("p");
  apply_message(d, "add a title \"One\"", {});
  apply_message(d, "change the title to \"Two\"", {});
  CHECK(d["t"].size() == 1);
  CHECK(track(d, 7)->at("sg")[0]["txt"] == "Two");
}

TEST_CASE("an apostrophe does not start a quoted title") {
  auto d = initial_draft("p");
  apply_message(d, "let's add a title 'Sunny Day' please", {});
  CHECK(track(d, 7)->at("sg")[0]["txt"] == "Sunny Day");
}

TEST_CASE("a video request builds the video track from the uploads, then length and music") {
  auto d = initial_draft("p");
  const std::vector<media_ref> media{{"media_1", "a.jpg", media_kind::image, 3000},
                                     {"media_2", "b.mp4", media_kind::video, 8000},
                                     {"media_3", "song.mp3", media_kind::audio, 60000}};
  apply_message(d, "turn these images into a 30-second promo video with background music", media);
  const auto* v = track(d, 0);
  REQUIRE(v);
  REQUIRE(v->at("sg").size() == 2);  // audio is not a visual segment
  CHECK(v->at("sg")[0]["src"] == "media_1");
  CHECK(v->at("sg")[1]["s"] == 15000);
  CHECK(d["d"] == 30000);
  const auto* a = track(d, 1);
  REQUIRE(a);
  CHECK(a->at("sg")[0]["d"] == 30000);
  CHECK(a->at("sg")[0]["vol"] == 35);
  CHECK(summarize(d) == "Timeline (2 tracks): 1. Video: a.jpg (0-30s) 2. BGM: Lo-fi (0-30s, 35%)");
}

TEST_CASE("removals drop the title and the music") {
  auto d = initial_draft("p");
  apply_message(d, "add a title 'X' and add music 'Lo-fi' at 20%", {});
  CHECK(track(d, 1)->at("sg")[0]["vol"] == 20);
  apply_message(d, "remove the title and remove the music", {});
  CHECK(d["t"].empty());
}

TEST_CASE("a message the agent does not understand leaves the draft alone") {
  auto d = initial_draft("p");
  const auto before = d;
  const auto out = apply_message(d, "what's the weather like?", {});
  CHECK_FALSE(out.changed);
  CHECK(d == before);
  CHECK(out.reply.find("Open the media panel") != std::string::npos);
}
