#include "core/timeline_diff.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace reel::core;
using nlohmann::json;

namespace {

// Three photos, music, a 16:9 frame; the cloud's short keys and some unknown ones.
json base() {
  return json::parse(R"({
    "d": 15000, "m": {"w": 1920, "h": 1080}, "x_future": {"k": [1, 2]},
    "t": [
      {"id": "trk_1", "tt": 0, "sg": [
        {"id": "seg_1", "s": 0, "d": 5000, "src": "a.jpg", "n": "sunrise"},
        {"id": "seg_2", "s": 5000, "d": 5000, "src": "b.jpg", "n": "beach"},
        {"id": "seg_3", "s": 10000, "d": 5000, "src": "c.jpg", "n": "sunset"}]},
      {"id": "trk_2", "tt": 1, "n": "BGM", "sg": [
        {"id": "seg_4", "s": 0, "d": 15000, "n": "Lo-fi", "vol": 35, "x_seg": 1}]}
    ]})");
}

timeline_diff diff(const json& before, const json& after) {
  return diff_timelines(draft::from_json(before).value(), draft::from_json(after).value());
}

std::vector<std::string> texts(const timeline_diff& d) {
  std::vector<std::string> out;
  for (const auto& c : d.changes) out.push_back(c.text);
  return out;
}

json& video(json& d) {
  return d["t"][0]["sg"];
}

}  // namespace

TEST_CASE("an equal draft has no visible change") {
  const auto d = diff(base(), base());
  CHECK(d.empty());
  CHECK(d.sentence == "No visible change");
}

TEST_CASE("changes to unknown keys, ids and track labels are no visible change") {
  auto after = base();
  after["x_future"]["k"].push_back(3);
  after["x_new"] = {{"a", 1}};
  after["m"]["x_meta"] = true;
  after["t"][0]["x_track"] = {{"lock", true}};
  after["t"][1]["n"] = "Background music";
  after["t"][1]["sg"][0]["x_seg"] = 2;
  video(after)[1]["m"] = {{"x_inner", {1, 2}}};
  after["t"].push_back({{"tt", 7}, {"sg", json::array()}});  // an empty track shows nothing
  const auto d = diff(base(), after);
  CHECK_MESSAGE(d.empty(), d.sentence);
  CHECK(d.sentence == "No visible change");
}

TEST_CASE("one change of each kind") {
  struct row {
    const char* what;
    void (*edit)(json&);
    change_kind kind;
    const char* text;
  };
  const row rows[] = {
      {"title added",
       [](json& d) {
         d["t"].push_back(json::parse(R"({"tt":7,"sg":[{"s":0,"d":3000,"txt":"Summer Sale"}]})"));
       },
       change_kind::added, "Added title \"Summer Sale\" (0-3s)"},
      {"music removed", [](json& d) { d["t"].erase(1); }, change_kind::removed,
       "Removed the music"},
      {"music emptied", [](json& d) { d["t"][1]["sg"] = json::array(); }, change_kind::removed,
       "Removed the music"},
      {"music volume", [](json& d) { d["t"][1]["sg"][0]["vol"] = 60; }, change_kind::volume,
       "Music volume 35% → 60%"},
      {"music muted", [](json& d) { d["t"][1]["sg"][0]["vol"] = 0; }, change_kind::volume,
       "Music volume 35% → muted"},
      {"music swapped",
       [](json& d) {
         d["t"][1]["sg"][0]["n"] = "Jazz";
         d["t"][1]["sg"][0]["src"] = "jazz.mp3";
       },
       change_kind::source, "Music changed to \"Jazz\""},
      {"photo 3 to the start",
       [](json& d) {
         video(d)[2]["s"] = 0;
         video(d)[0]["s"] = 5000;
         video(d)[1]["s"] = 10000;
       },
       change_kind::moved, "Moved photo 3 to the start"},
      {"photo 1 to the end",
       [](json& d) {
         video(d)[0]["s"] = 10000;
         video(d)[1]["s"] = 0;
         video(d)[2]["s"] = 5000;
       },
       change_kind::moved, "Moved photo 1 to the end"},
      {"photo replaced",
       [](json& d) {
         video(d)[1]["src"] = "d.jpg";
         video(d)[1]["n"] = "palm";
         video(d)[1].erase("id");
       },
       change_kind::source, "Photo 2 replaced with \"palm\""},
      {"photo removed",
       [](json& d) {
         video(d).erase(1);
         video(d)[1]["s"] = 5000;
         d["d"] = 10000;
       },
       change_kind::removed, "Removed photo 2 (\"beach\")"},
      {"clip added",
       [](json& d) {
         video(d).push_back(json::parse(R"({"s":15000,"d":5000,"src":"e.mp4","n":"waves"})"));
         d["t"][1]["sg"][0]["d"] = 20000;
       },
       change_kind::added, "Added clip \"waves\" (15-20s)"},
      {"transition into one photo",
       [](json& d) {
         video(d)[1]["tr"] = {{"type", "fade"}, {"d", 500}};
       },
       change_kind::transition, "Photo 2 transition none → fade"},
      {"fade transitions added",
       [](json& d) {
         video(d)[1]["tr"] = "fade";
         video(d)[2]["tr"] = "fade";
       },
       change_kind::transition, "Added fade transitions"},
      {"motion", [](json& d) { video(d)[0]["mo"] = "zoom_in"; }, change_kind::effects,
       "Photo 1 motion changed"},
      {"fit and trim",
       [](json& d) {
         video(d)[2]["fit"] = "contain";
         video(d)[2]["ti"] = 500;
       },
       change_kind::effects, "Photo 3 fit and trim changed"},
      {"music fades", [](json& d) { d["t"][1]["sg"][0]["fo"] = 2000; }, change_kind::effects,
       "Music fade out changed"},
      {"duration only", [](json& d) { d["d"] = 30000; }, change_kind::duration,
       "Duration 15s → 30s"},
      {"aspect",
       [](json& d) {
         d["m"] = {{"w", 1080}, {"h", 1920}};
       },
       change_kind::aspect, "Aspect 16:9 → 9:16"},
      {"size",
       [](json& d) {
         d["m"] = {{"w", 1280}, {"h", 720}};
       },
       change_kind::size, "Size 1920x1080 → 1280x720"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    auto after = base();
    r.edit(after);
    const auto d = diff(base(), after);
    REQUIRE_FALSE(d.empty());
    CHECK_MESSAGE(d.changes.front().text == r.text, d.sentence);
    CHECK(d.changes.front().kind == r.kind);
  }
}

TEST_CASE("clip timing: a new length, not the ripple it causes") {
  auto before = base();
  for (auto& s : video(before)) s["src"] = s["n"].get<std::string>() + ".mp4";
  auto after = before;
  video(after)[0]["d"] = 4000;
  video(after)[1]["s"] = 4000;
  video(after)[2]["s"] = 9000;
  after["d"] = 14000;
  after["t"][1]["sg"][0]["d"] = 14000;
  const auto d = diff(before, after);
  CHECK(texts(d) == std::vector<std::string>{"Clip 1 now 4s (was 5s)",
                                             "Music now 0-14s (was 0-15s)", "Duration 15s → 14s"});
  CHECK(d.changes[0].kind == change_kind::retimed);
  CHECK(d.sentence == "Clip 1 now 4s (was 5s); music now 0-14s (was 0-15s); duration 15s → 14s.");
}

TEST_CASE("text edits: title text, timing and style") {
  auto before = base();
  before["t"].push_back(json::parse(R"({"tt":7,"sg":[{"s":0,"d":3000,"txt":"Summer Sale",
      "pos":"center","color":"#FFFFFF"}]})"));
  auto after = before;
  auto& title = after["t"][2]["sg"][0];
  title["txt"] = "Winter Sale";
  title["d"] = 5000;
  title["pos"] = "bottom";
  title["color"] = "#FFD400";
  title["size"] = 80;
  const auto d = diff(before, after);
  CHECK(texts(d) == std::vector<std::string>{
                        "Title changed to \"Winter Sale\"", "Title now 0-5s (was 0-3s)",
                        "Title moved to the bottom", "Title style changed (size and color)"});
  CHECK(d.changes[0].kind == change_kind::text);
  CHECK(d.changes[2].kind == change_kind::style);
}

TEST_CASE("many like changes on a track are counted") {
  auto before = base();
  video(before).push_back(json::parse(R"({"s":15000,"d":5000,"src":"d.jpg"})"));
  before["d"] = 20000;
  auto after = before;
  for (std::size_t i = 0; i < 4; ++i) {
    video(after)[i]["s"] = static_cast<int>(i) * 2500;
    video(after)[i]["d"] = 2500;
    video(after)[i]["tr"] = {{"type", "slide"}, {"d", 300}};
  }
  after["d"] = 10000;
  after["t"][1]["sg"][0]["d"] = 10000;
  const auto d = diff(before, after);
  CHECK(texts(d) == std::vector<std::string>{"4 photos retimed", "Added slide transitions",
                                             "Music now 0-10s (was 0-15s)", "Duration 20s → 10s"});

  auto back = after;
  for (auto& s : video(back)) s["tr"] = "none";
  CHECK(texts(diff(after, back)).front() == "Removed the transitions");
  auto wiped = after;
  for (auto& s : video(wiped)) s["tr"] = {{"type", "wipe"}, {"d", 300}};
  CHECK(texts(diff(after, wiped)).front() == "Transitions changed to wipe");
}

TEST_CASE("several changes make one sentence") {
  auto after = base();
  after["t"].erase(1);
  after["t"].push_back(json::parse(R"({"tt":7,"sg":[{"st":0,"d":3000,"text":"Summer Sale"}]})"));
  after["m"] = {{"w", 1080}, {"h", 1920}};
  const auto d = diff(base(), after);
  CHECK(d.sentence == "Added title \"Summer Sale\" (0-3s); removed the music; aspect 16:9 → 9:16.");
  CHECK(d.changes.size() == 3);
  CHECK(to_string(d.changes[1].kind) == "removed");
}

TEST_CASE("tracks pair by id even when reordered; new tracks describe themselves") {
  auto swapped = base();
  std::swap(swapped["t"][0], swapped["t"][1]);
  CHECK(diff(base(), swapped).empty());

  auto empty = json::parse(R"({"t":[]})");
  const auto d = diff(empty, base());
  CHECK(texts(d) == std::vector<std::string>{
                        "Added video: \"sunrise\" (0-5s), \"beach\" (5-10s), \"sunset\" (10-15s)",
                        "Added music \"Lo-fi\" (0-15s, 35%)", "Duration 0s → 15s",
                        "Aspect set to 16:9"});
  CHECK(texts(diff(base(), empty)) ==
        std::vector<std::string>{"Removed the video", "Removed the music", "Duration 15s → 0s"});
}

TEST_CASE("a cloud turn that only renamed ids is described by content, not ids") {
  auto after = base();
  for (auto& s : video(after)) s["id"] = "new_" + s["id"].get<std::string>();
  after["t"][0]["id"] = "trk_9";
  CHECK(diff(base(), after).empty());
}
