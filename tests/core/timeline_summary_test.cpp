#include "core/timeline_summary.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace reel::core;
using nlohmann::json;

namespace {

draft parse(const char* text) {
  return draft::from_json(json::parse(text)).value();
}

draft example(const std::string& name) {
  std::ifstream in(std::string(REEL_SOURCE_DIR) + "/proto/examples/" + name);
  REQUIRE_MESSAGE(in.good(), "cannot open " << name);
  std::stringstream ss;
  ss << in.rdbuf();
  return draft::from_json(json::parse(ss.str())).value();
}

}  // namespace

TEST_CASE("the seeds' example timeline reads exactly as the seeds print it") {
  CHECK(summarize_timeline(example("draft.cloud.json")) ==
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        "3. Title: \"Urban Dreams\" (0-3s)");
}

TEST_CASE("summaries, one row per rule") {
  struct row {
    const char* name;
    const char* draft;
    const char* summary;
  };
  const row rows[] = {
      {"no tracks", R"({})", "Timeline is empty"},
      {"only empty tracks", R"({"t":[{"tt":0,"sg":[]},{"tt":1}]})", "Timeline is empty"},
      {"one track, singular", R"({"t":[{"tt":0,"sg":[{"st":0,"d":10000,"n":"city timelapse"}]}]})",
       "Timeline (1 track): 1. Video: city timelapse (0-10s)"},
      {"decimals trimmed", R"({"t":[{"tt":0,"sg":[{"st":2500,"d":4500,"n":"a"}]}]})",
       "Timeline (1 track): 1. Video: a (2.5-7s)"},
      {"rounded to a tenth", R"({"t":[{"tt":0,"sg":[{"st":1234,"d":8760,"n":"a"}]}]})",
       "Timeline (1 track): 1. Video: a (1.2-10s)"},
      {"empty tracks are skipped in the count",
       R"({"t":[{"tt":1,"sg":[]},{"tt":7,"sg":[{"s":0,"d":3000,"txt":"Hi"}]}]})",
       "Timeline (1 track): 1. Title: \"Hi\" (0-3s)"},
      {"music by its track label",
       R"({"t":[{"tt":1,"n":"Music","sg":[{"s":0,"d":8000,"n":"Jazz","v":0.6}]}]})",
       "Timeline (1 track): 1. BGM: Jazz (0-8s, 60%)"},
      {"music by the file name",
       R"({"t":[{"tt":1,"sg":[{"s":0,"d":8000,"src":"lib/bgm_summer.mp3"}]}]})",
       "Timeline (1 track): 1. BGM: bgm summer (0-8s)"},
      {"plain audio at full volume",
       R"({"t":[{"tt":1,"sg":[{"s":0,"d":4000,"n":"door slam","vol":100}]}]})",
       "Timeline (1 track): 1. Audio: door slam (0-4s)"},
      {"voice-over", R"({"t":[{"tt":1,"n":"Narration","sg":[{"s":0,"d":9000,"n":"Intro"}]}]})",
       "Timeline (1 track): 1. Voice-over: Intro (0-9s)"},
      {"audio with no name",
       R"({"t":[{"tt":1,"n":"BGM","sg":[{"s":0,"d":9000,"src":"m_12","v":0.2}]}]})",
       "Timeline (1 track): 1. BGM: music (0-9s, 20%)"},
      {"muted video", R"({"t":[{"tt":0,"sg":[{"s":0,"d":5000,"n":"a","v":0}]}]})",
       "Timeline (1 track): 1. Video: a (0-5s, muted)"},
      {"text not at the start", R"({"t":[{"tt":7,"sg":[{"s":5000,"d":2000,"text":"Buy now"}]}]})",
       "Timeline (1 track): 1. Text: \"Buy now\" (5-7s)"},
      {"a title word keeps a late title",
       R"({"t":[{"tt":7,"n":"Title","sg":[{"s":1000,"d":2000,"text":"Hello"}]}]})",
       "Timeline (1 track): 1. Title: \"Hello\" (1-3s)"},
      {"captions by count",
       R"({"t":[{"tt":7,"sg":[{"s":0,"d":2000,"text":"a"},{"s":2000,"d":2000,"text":"b"},
           {"s":4000,"d":2000,"text":"c"}]}]})",
       "Timeline (1 track): 1. Captions: \"a\" (0-2s), \"b\" (2-4s), \"c\" (4-6s)"},
      {"captions by name", R"({"t":[{"tt":7,"n":"字幕","sg":[{"s":0,"d":2000,"text":"你好"}]}]})",
       "Timeline (1 track): 1. Captions: \"你好\" (0-2s)"},
      {"two clips listed",
       R"({"t":[{"tt":0,"sg":[{"st":5000,"d":7500,"n":"beach"},{"st":0,"d":5000,"n":"intro"}]}]})",
       "Timeline (1 track): 1. Video: beach (5-12.5s), intro (0-5s)"},
      {"four or more counted: photos",
       R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000,"src":"a.jpg"},{"st":3000,"d":3000,"src":"b.png"},
           {"st":6000,"d":3000,"src":"c.webp"},{"st":9000,"d":3000,"src":"d.jpg"},
           {"st":12000,"d":3000,"src":"e.gif"}]}]})",
       "Timeline (1 track): 1. Video: 5 photos (0-15s)"},
      {"four or more counted: clips",
       R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000,"src":"a.jpg"},{"st":3000,"d":3000,"src":"b.mp4"},
           {"st":6000,"d":3000},{"st":9000,"d":3000}]}]})",
       "Timeline (1 track): 1. Video: 4 clips (0-12s)"},
      {"four or more counted: lines",
       R"({"t":[{"tt":7,"sg":[{"s":0,"d":1},{"s":1,"d":1},{"s":2,"d":1},{"s":3,"d":9999}]}]})",
       "Timeline (1 track): 1. Captions: 4 lines (0-10s)"},
      {"a media id alone names nothing",
       R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000,"src":"med_01"}]}]})",
       "Timeline (1 track): 1. Video: clip (0-3s)"},
      {"a URL names by its file",
       R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000,"url":"https://x.invalid/a/city_night.MOV?s=1"}]}]})",
       "Timeline (1 track): 1. Video: city night (0-3s)"},
      {"an unknown track type reads by its label",
       R"({"t":[{"tt":3,"n":"Stickers","sg":[{"st":0,"d":1000,"n":"star"}]}]})",
       "Timeline (1 track): 1. Stickers: star (0-1s)"},
      {"an unknown track type without a label", R"({"t":[{"tt":3,"sg":[{"st":0,"d":1000}]}]})",
       "Timeline (1 track): 1. Track: item (0-1s)"},
      {"long text is cut",
       R"({"t":[{"tt":7,"sg":[{"s":0,"d":3000,"text":"This title is far too long to fit in one line of summary"}]}]})",
       "Timeline (1 track): 1. Title: \"This title is far too long to fit in on…\" (0-3s)"},
      {"line breaks become spaces",
       R"({"t":[{"tt":7,"sg":[{"s":0,"d":3000,"text":"Two\nlines"}]}]})",
       "Timeline (1 track): 1. Title: \"Two lines\" (0-3s)"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    CHECK(summarize_timeline(parse(r.draft)) == r.summary);
  }
}

TEST_CASE("the other examples summarise readably") {
  CHECK(summarize_timeline(example("draft.local.promo.json")) ==
        "Timeline (3 tracks): 1. Video: 5 clips (0-15s) 2. BGM: Sunny Day (0-15s, 35%) "
        "3. Text: \"Summer Sale\" (0-3s), \"Up to 50% off · shop now\" (12-15s)");
  CHECK(summarize_timeline(example("draft.cloud.alt_keys.json")) ==
        "Timeline (4 tracks): 1. Video: intro (0-5s), beach (5-12.5s, muted) "
        "2. Voice-over: Voice-over (0-12.5s, 80%) 3. Text: \"Day one\" (2.5-7s) "
        "4. Stickers: item (0-1s)");
  CHECK(summarize_timeline(example("draft.empty.json")) == "Timeline is empty");
}

TEST_CASE("the session's media catalog names and kinds the sources") {
  const auto d = parse(R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000,"src":"med_1"},
      {"st":3000,"d":3000,"src":"med_2"},{"st":6000,"d":3000,"src":"med_3"},
      {"st":9000,"d":3000,"src":"med_4"}]},{"tt":1,"sg":[{"st":0,"d":12000,"src":"med_5"}]}]})");
  media_catalog catalog{{"med_1", {"beach.jpg", media_kind::image}},
                        {"med_2", {"hat.png", media_kind::image}},
                        {"med_3", {"towel", media_kind::image}},
                        {"med_4", {"logo.webp", media_kind::image}},
                        {"med_5", {"Sunny Day.mp3", media_kind::audio}}};
  CHECK(summarize_timeline(d, catalog) ==
        "Timeline (2 tracks): 1. Video: 4 photos (0-12s) 2. Audio: Sunny Day (0-12s)");
  const auto two = parse(R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000,"src":"med_1"},
      {"st":3000,"d":3000,"src":"med_9"}]}]})");
  CHECK(summarize_timeline(two, catalog) ==
        "Timeline (1 track): 1. Video: beach (0-3s), clip (3-6s)");
}

TEST_CASE("formatting helpers") {
  CHECK(format_seconds(0) == "0");
  CHECK(format_seconds(10000) == "10");
  CHECK(format_seconds(2500) == "2.5");
  CHECK(format_seconds(999) == "1");
  CHECK(format_seconds(-300) == "0");
  CHECK(format_range(2500, 7000) == "2.5-7s");
  CHECK(format_volume(0.35) == "35%");
  CHECK(format_volume(0.004) == "muted");
  CHECK(format_volume(1.5) == "150%");
  CHECK(shorten("short") == "short");
  CHECK(shorten("一二三四五", 3) == "一二…");
  CHECK(shorten("abc", 3) == "abc");
  CHECK(shorten("a\tb\r\nc") == "a b  c");
  CHECK(role_label(track_role::music) == "BGM");
  CHECK(role_noun(track_role::voice_over) == "voice-over");
}
