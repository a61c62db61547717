#include "core/draft.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace reel::core;
using nlohmann::json;

namespace {

// Unknown keys at every level: root, m, track, track.m, segment, segment.m, and inside the
// known objects tr and mo.
const char* const unknown_everywhere = R"({
  "v": 1, "x_root": {"a": [1, {"b": null}], "c": "d"},
  "m": {"w": 1920, "h": 1080, "x_meta": {"deep": {"deeper": [true, false]}}},
  "t": [
    {"tt": 0, "x_track": {"lock": false}, "m": {"x_tm": 1},
     "sg": [
       {"st": 0, "d": 3000, "src": "med_1", "x_seg": {"crop": [0, 0, 1, 1]},
        "m": {"x_sm": "keep"},
        "tr": {"type": "fade", "d": 300, "x_tr": {"curve": "ease"}},
        "mo": {"from": {"x": 0.5, "y": 0.5, "z": 1, "x_pt": 1}, "to": {"x": 0.5, "y": 0.5, "z": 1.2},
               "x_mo": [3]}},
       "a string segment the cloud may one day send", 42
     ]},
    {"tt": 99, "x_future_track": true, "sg": [{"st": 0, "d": 1, "x": {"y": {"z": {}}}}]},
    [1, 2, 3]
  ],
  "x_tail": 1.5
})";

json read_example(const std::string& name) {
  std::ifstream in(std::string(REEL_SOURCE_DIR) + "/proto/examples/" + name);
  REQUIRE_MESSAGE(in.good(), "cannot open " << name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

}  // namespace

TEST_CASE("a draft read and written back equals its input, unknown keys at every level") {
  const auto in = json::parse(unknown_everywhere);
  auto d = draft::from_json(in);
  REQUIRE(d.has_value());
  CHECK(d->raw() == in);
  CHECK(json::parse(d->raw().dump()) == in);
  // Non-object tracks and segments are skipped by the views but kept in the JSON.
  CHECK(d->track_count() == 2);
  CHECK(d->track(0).segment_count() == 1);
}

TEST_CASE("edits keep every unknown key") {
  const auto in = json::parse(unknown_everywhere);
  auto d = draft::from_json(in).value();
  auto video = d.track_at(0);
  video.segment_at(0)
      .set_start_ms(500)
      .set_duration_ms(2500)
      .set_transition({transition_kind::slide, 400})
      .set_motion({{}, {0.4, 0.5, 1.2}, {0.6, 0.5, 1.2}})
      .set_volume(0.5);
  video.add_segment().set_start_ms(3000).set_duration_ms(2000).set_source("med_2");
  d.add_track(track_kind::text, "Title").add_segment().set_text("Hi");
  d.set_size(1080, 1920);
  const auto& j = d.raw();
  CHECK(j["x_root"] == in["x_root"]);
  CHECK(j["x_tail"] == in["x_tail"]);
  CHECK(j["m"]["x_meta"] == in["m"]["x_meta"]);
  CHECK(j["t"][0]["x_track"] == in["t"][0]["x_track"]);
  CHECK(j["t"][0]["m"] == in["t"][0]["m"]);
  const auto& sg = j["t"][0]["sg"][0];
  CHECK(sg["x_seg"] == in["t"][0]["sg"][0]["x_seg"]);
  CHECK(sg["m"] == in["t"][0]["sg"][0]["m"]);
  CHECK(sg["tr"]["x_tr"] == in["t"][0]["sg"][0]["tr"]["x_tr"]);
  CHECK(sg["tr"]["type"] == "slide");
  CHECK(sg["mo"]["x_mo"] == in["t"][0]["sg"][0]["mo"]["x_mo"]);
  CHECK(j["t"][0]["sg"][1] == in["t"][0]["sg"][1]);  // the string segment, untouched
  CHECK(j["t"][0]["sg"][2] == in["t"][0]["sg"][2]);
  CHECK(j["t"][0]["sg"][3] == json{{"st", 3000}, {"d", 2000}, {"src", "med_2"}});
  CHECK(j["t"][1] == in["t"][1]);
  CHECK(j["t"][2] == in["t"][2]);
  CHECK(j["t"][3] == json::parse(R"({"tt":7,"n":"Title","sg":[{"text":"Hi"}]})"));
}

TEST_CASE("segment accessors read every alternative shape") {
  struct row {
    const char* seg;
    std::int64_t start, dur;
    std::optional<std::string> src, text, label;
    std::optional<double> volume;
  };
  const row rows[] = {
      {R"({"st":1000,"d":2000,"src":"a","n":"x","v":0.35})", 1000, 2000, "a", {}, "x", 0.35},
      {R"({"start":1000,"duration":2000,"url":"u","name":"x","vol":35})",
       1000,
       2000,
       "u",
       {},
       "x",
       0.35},
      {R"({"s":1000,"dur":2000,"m":{"src":"b","name":"y","volume":60}})",
       1000,
       2000,
       "b",
       {},
       "y",
       0.6},
      {R"({"s":"1500","d":"2500.4","m":{"url":"c"},"volume":"50"})", 1500, 2500, "c", {}, {}, 0.5},
      {R"({"st":0,"d":1,"text":"Hello","txt":"not me"})", 0, 1, {}, "Hello", {}, {}},
      {R"({"txt":"Urban Dreams"})", 0, 0, {}, "Urban Dreams", {}, {}},
      {R"({"m":{"text":"Day one"},"v":1})", 0, 0, {}, "Day one", {}, 1.0},
      {R"({"st":null,"s":700,"src":null,"url":"z","n":7,"v":0})", 700, 0, "z", {}, "7", 0.0},
      {R"({"st":"soon","d":[1],"src":{"id":1}})", 0, 0, {}, {}, {}, {}},
  };
  for (const auto& r : rows) {
    CAPTURE(r.seg);
    const auto j = json::parse(r.seg);
    const segment_view s(j);
    CHECK(s.start_ms() == r.start);
    CHECK(s.duration_ms() == r.dur);
    CHECK(s.end_ms() == r.start + r.dur);
    CHECK(s.source() == r.src);
    CHECK(s.text() == r.text);
    CHECK(s.label() == r.label);
    REQUIRE(s.volume().has_value() == r.volume.has_value());
    if (r.volume) CHECK(*s.volume() == doctest::Approx(*r.volume));
  }
}

TEST_CASE("local fields: trim, fit, motion, transition, style, fades") {
  const auto j = json::parse(R"({"ti":1200,"to":4200,"fit":"contain","mo":"pan_left",
      "tr":"fade","font":"DejaVu Sans","size":64,"color":"#FFFFFF","pos":"bottom",
      "bg":"black@0.5","fi":300,"fo":"400"})");
  const segment_view s(j);
  CHECK(s.trim_in_ms() == 1200);
  CHECK(s.trim_out_ms() == 4200);
  CHECK(s.fit() == fit_mode::contain);
  REQUIRE(s.motion());
  CHECK(s.motion()->preset == "pan_left");
  CHECK(s.motion()->from == frame_point{0.6, 0.5, 1.2});
  CHECK(s.transition() == transition_spec{transition_kind::fade, 500});
  CHECK(s.style() ==
        text_style{"DejaVu Sans", 64.0, "#FFFFFF", text_position::bottom, "black@0.5"});
  CHECK(s.fade_in_ms() == 300);
  CHECK(s.fade_out_ms() == 400);

  const auto odd = json::parse(R"({"fit":"stretch","mo":"spin","tr":{"type":"cube","d":1},
      "pos":"left","bg":false})");
  const segment_view o(odd);
  CHECK_FALSE(o.fit());
  CHECK_FALSE(o.motion());
  CHECK_FALSE(o.transition());
  CHECK_FALSE(o.style().pos);
  CHECK_FALSE(o.style().bg);

  const auto partial =
      json::parse(R"({"mo":{"from":{"z":1.1},"to":{"x":0.3}},"tr":{"type":"none"}})");
  const segment_view p(partial);
  CHECK(p.motion() == motion_spec{{}, {0.5, 0.5, 1.1}, {0.3, 0.5, 1.0}});
  CHECK(p.transition() == transition_spec{transition_kind::none, 0});
  CHECK_FALSE(motion_preset("spin"));
  CHECK(motion_preset("zoom_in")->to.z == doctest::Approx(1.2));
}

TEST_CASE("writers use the key the segment already has, else the short key") {
  auto cloud = json::parse(R"({"s":0,"duration":1000,"m":{"src":"a","name":"n"},"txt":"t"})");
  segment_ref c(cloud);
  c.set_start_ms(500).set_duration_ms(2000).set_source("b").set_label("m").set_text("u");
  CHECK(cloud == json::parse(R"({"s":500,"duration":2000,"m":{"src":"b","name":"m"},"txt":"u"})"));

  auto fresh = json::object();
  segment_ref f(fresh);
  f.set_start_ms(1).set_duration_ms(2).set_source("s").set_label("l").set_text("x");
  f.set_trim(100, 900).set_fades(200, std::nullopt).set_fit(fit_mode::cover);
  f.set_motion(*motion_preset("zoom_out")).set_transition({transition_kind::wipe, 250});
  f.set_style({{}, 48.0, {}, text_position::top, {}}).set("x_custom", 5);
  CHECK(fresh == json::parse(R"({"st":1,"d":2,"src":"s","n":"l","text":"x","ti":100,"to":900,
      "fi":200,"fit":"cover","mo":"zoom_out","tr":{"type":"wipe","d":250},"size":48.0,
      "pos":"top","x_custom":5})"));
  f.set_trim(std::nullopt, std::nullopt);
  CHECK_FALSE(fresh.contains("ti"));
  CHECK_FALSE(fresh.contains("to"));
}

TEST_CASE("volume is written in the scale the draft already uses") {
  struct row {
    const char* before;
    double set;
    json written;
  };
  const row rows[] = {
      {R"({})", 0.6, 0.6},           {R"({"v":0.35})", 0.6, 0.6},
      {R"({"vol":35})", 0.6, 60},    {R"({"vol":35})", 0.555, 55.5},
      {R"({"vol":35})", 0.01, 0.01},  // 1 would read back as 100%
      {R"({"vol":35})", 0.0, 0.0},
  };
  for (const auto& r : rows) {
    CAPTURE(r.before);
    auto j = json::parse(r.before);
    segment_ref s(j);
    s.set_volume(r.set);
    const auto key = j.contains("vol") ? "vol" : "v";
    CHECK(j[key] == r.written);
    CHECK(*s.volume() == doctest::Approx(r.set));
  }
}

TEST_CASE("tracks: kind from tt, a numeric string or type; unknown types kept") {
  const auto j = json::parse(R"({"t":[{"tt":0},{"tt":"1"},{"type":"text"},{"tt":3,"n":"FX"},
      {"tt":1.5},{}],"tracks":[{"tt":7}]})");
  const auto d = draft::from_json(j).value();
  const auto ts = d.tracks();
  REQUIRE(ts.size() == 6);
  CHECK(ts[0].kind() == track_kind::video);
  CHECK(ts[1].kind() == track_kind::audio);
  CHECK(ts[2].kind() == track_kind::text);
  CHECK(ts[3].kind() == track_kind::other);
  CHECK(ts[3].tt() == 3);
  CHECK(ts[3].label() == "FX");
  CHECK_FALSE(ts[4].tt());
  CHECK(ts[5].kind() == track_kind::other);
  CHECK(d.find_tracks(track_kind::audio) == std::vector<std::size_t>{1});
  CHECK(d.find_tracks(track_kind::other) == std::vector<std::size_t>{3, 4, 5});
  CHECK(track_kind_of(7) == track_kind::text);
  CHECK(tt_of(track_kind::other) == -1);
}

TEST_CASE("builders make the local draft the schema describes") {
  auto d = draft::make_empty(1080, 1920);
  CHECK(d.raw() == json::parse(R"({"v":1,"t":[],"d":0,"m":{"w":1080,"h":1920,"fps":30,
      "aspect":"9:16"}})"));
  auto v = d.add_track(track_kind::video);
  v.add_segment().set_start_ms(0).set_duration_ms(3000).set_source("med_1");
  d.track_at(0).add_segment().set_start_ms(3000).set_duration_ms(3000).set_source("med_2");
  d.add_track(tt_audio, "BGM").add_segment().set_duration_ms(6000).set_volume(0.35);
  d.set_duration_ms(6000);
  d.set_title("Promo");
  d.set_fps(29.97);
  CHECK(d.raw()["t"] == json::parse(R"([
      {"tt":0,"sg":[{"st":0,"d":3000,"src":"med_1"},{"st":3000,"d":3000,"src":"med_2"}]},
      {"tt":1,"n":"BGM","sg":[{"d":6000,"v":0.35}]}])"));
  CHECK(d.title() == "Promo");
  CHECK(*d.fps() == doctest::Approx(29.97));
  CHECK(d.duration_ms() == 6000);
  CHECK(validate_draft(d.raw()).has_value());
}

TEST_CASE("reordering and removing segments and tracks") {
  auto d = draft::from_json(json::parse(R"({"t":[{"tt":0,"sg":[{"n":"a"},"x",{"n":"b"},
      {"n":"c"}]},{"tt":1}]})"))
               .value();
  auto t = d.track_at(0);
  const auto names = [&] {
    std::string s;
    for (const auto& sg : d.track(0).segments()) s += *sg.label();
    return s;
  };
  CHECK(t.move_segment(2, 0));
  CHECK(names() == "cab");
  CHECK(t.move_segment(0, 2));
  CHECK(names() == "abc");
  CHECK(t.move_segment(0, 1));
  CHECK(names() == "bac");
  CHECK_FALSE(t.move_segment(3, 0));
  CHECK(t.remove_segment(1));
  CHECK(names() == "bc");
  CHECK(d.raw()["t"][0]["sg"].size() == 3);  // the string element stays
  CHECK_FALSE(t.remove_segment(5));
  CHECK(d.remove_track(1));
  CHECK(d.track_count() == 1);
  CHECK_FALSE(d.remove_track(1));
  CHECK_THROWS_AS(d.track_at(3), std::out_of_range);
}

TEST_CASE("duration, size and aspect") {
  auto d = draft::from_json(json::parse(R"({"d":5000,"t":[{"tt":0,"sg":[{"s":0,"d":8000}]},
      {"tt":7,"sg":[{"s":7000,"d":3000}]}],"m":{"width":1280,"height":720}})"))
               .value();
  CHECK(d.content_end_ms() == 10000);
  CHECK(d.duration_ms() == 10000);  // a stale d never hides content
  CHECK(d.aspect() == "16:9");
  d.set_size(1080, 1080);
  CHECK(d.raw()["m"] == json::parse(R"({"width":1080,"height":1080,"aspect":"1:1"})"));
  CHECK(aspect_of(1080, 1920) == "9:16");
  CHECK(aspect_of(0, 10).empty());
  CHECK_FALSE(draft().aspect());
  CHECK(draft().duration_ms() == 0);
  const auto given = draft::from_json(json::parse(R"({"m":{"aspect":"4:5","w":1920,"h":1080}})"));
  CHECK(given->aspect() == "4:5");
}

TEST_CASE("from_json refuses what is not a draft") {
  for (const char* bad : {"[]", "null", "\"draft\"", R"({"t":{}})", R"({"tracks":5})"}) {
    CAPTURE(bad);
    const auto r = draft::from_json(json::parse(bad));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::bad_request);
  }
  CHECK(draft::from_json(json::object()).has_value());
  CHECK(draft::from_json(json::parse(R"({"t":null})")).has_value());
}

TEST_CASE("validate_draft accepts lenient drafts and unknown track types") {
  CHECK(validate_draft(json::parse(R"({})")).has_value());
  CHECK(validate_draft(json::parse(R"({"t":[{"tt":42,"n":"stickers","sg":[{"st":0,"d":5}]}]})"))
            .has_value());
  // Overlap by no more than the incoming transition is a crossfade; audio may overlap freely.
  CHECK(validate_draft(json::parse(R"({"t":[
      {"tt":0,"sg":[{"st":0,"d":3000},{"st":2500,"d":3000,"tr":{"type":"fade","d":500}},
                    {"st":5000,"d":1000,"tr":"fade"}]},
      {"tt":1,"sg":[{"st":0,"d":6000},{"st":1000,"d":2000}]}]})"))
            .has_value());
}

TEST_CASE("validate_draft names each problem for a person") {
  struct row {
    const char* draft;
    const char* says;
  };
  const row rows[] = {
      {R"([1])", "a draft must be a JSON object"},
      {R"({"t":{}})", "tracks (`t`) must be an array"},
      {R"({"t":[7]})", "track 1: not an object"},
      {R"({"t":[{"tt":0,"sg":{}}]})", "track 1: segments (`sg`) must be an array"},
      {R"({"t":[{"tt":1,"sg":[{"d":-500}]}]})", "track 1, segment 1: negative duration (-500 ms)"},
      {R"({"t":[{"tt":1,"sg":[{},{"s":-1}]}]})", "track 1, segment 2: negative start (-1 ms)"},
      {R"({"t":[{"tt":1,"sg":[{"d":"long"}]}]})", "duration is not a number"},
      {R"({"t":[{"tt":0,"sg":[{"ti":3000,"to":1000}]}]})", "trim out must come after trim in"},
      {R"({"t":[{"tt":0,"sg":[{"fit":"stretch"}]}]})", "`fit` must be one of cover, contain"},
      {R"({"t":[{"tt":7,"sg":[{"pos":"left"}]}]})", "`pos` must be one of top, center, bottom"},
      {R"({"t":[{"tt":7,"sg":[{"size":0}]}]})", "text size must be a positive number"},
      {R"({"t":[{"tt":0,"sg":[{"tr":{"type":"cube"}}]}]})", "transition type must be one of"},
      {R"({"t":[{"tt":0,"sg":[{"tr":{"type":"fade","d":-1}}]}]})", "negative transition duration"},
      {R"({"t":[{"tt":0,"sg":[{"tr":5}]}]})", "transition must be"},
      {R"({"t":[{"tt":0,"sg":[{"mo":"spin"}]}]})", "unknown motion preset \"spin\""},
      {R"({"t":[{"tt":0,"sg":[{"mo":{"from":{"x":2}, "to":{}}}]}]})",
       "motion from.x must be within 0-1"},
      {R"({"t":[{"tt":0,"sg":[{"mo":{"from":{}}}]}]})", "motion needs a `to` object"},
      {R"({"t":[{"tt":0,"sg":[{"v":-0.5}]}]})", "volume must be 0-1"},
      {R"({"d":-1})", "negative duration (-1 ms)"},
      {R"({"m":{"w":0}})", "width must be a positive whole number"},
      {R"({"m":{"h":720.5}})", "height must be a positive whole number"},
      {R"({"m":{"fps":0}})", "fps must be within 1-240"},
      {R"({"m":[]})", "`m` must be an object"},
      {R"({"t":[{"tt":0,"sg":[{"st":0,"d":3000},{"st":2000,"d":1000}]}]})",
       "track 1: segments 1 and 2 overlap by 1000 ms (more than the transition into segment 2)"},
      {R"({"t":[{"tt":0,"sg":[{"st":0,"d":9000},{"st":3000,"d":1000},{"st":5000,"d":1000,
          "tr":"fade"}]}]})",
       "segments 1 and 3 overlap by 4000 ms"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.draft);
    const auto res = validate_draft(json::parse(r.draft));
    REQUIRE_FALSE(res.has_value());
    CHECK(res.error().code == errc::bad_request);
    CHECK(res.error().message.rfind("Invalid draft: ", 0) == 0);
    CHECK_MESSAGE(res.error().message.find(r.says) != std::string::npos, res.error().message);
  }
}

TEST_CASE("validate_draft lists five problems and counts the rest") {
  json sgs = json::array();
  for (int i = 0; i < 8; ++i) sgs.push_back({{"d", -1}});
  const auto res = validate_draft(json{{"t", json::array({{{"tt", 1}, {"sg", sgs}}})}});
  REQUIRE_FALSE(res.has_value());
  CHECK(res.error().message.find("segment 5:") != std::string::npos);
  CHECK(res.error().message.find("segment 6:") == std::string::npos);
  CHECK(res.error().message.find("and 3 more.") != std::string::npos);
}

TEST_CASE("the proto examples parse, round-trip and validate") {
  for (const char* name : {"draft.cloud.json", "draft.local.promo.json", "draft.empty.json",
                           "draft.cloud.alt_keys.json"}) {
    CAPTURE(name);
    const auto in = read_example(name);
    auto d = draft::from_json(in);
    REQUIRE(d.has_value());
    CHECK(d->raw() == in);
    CHECK(json::parse(d->raw().dump()) == in);
    const auto ok = validate_draft(in);
    CHECK_MESSAGE(ok.has_value(), (ok ? std::string() : ok.error().message));
  }
  const auto promo = draft::from_json(read_example("draft.local.promo.json")).value();
  CHECK(promo.aspect() == "9:16");
  CHECK(promo.duration_ms() == 15000);
  const auto photos = promo.track(0).segments();
  REQUIRE(photos.size() == 5);
  CHECK(photos[1].motion()->from == frame_point{0.4, 0.5, 1.2});
  CHECK(photos[4].transition() == transition_spec{transition_kind::fade, 500});
  const auto music = promo.track(1).segments().at(0);
  CHECK(music.trim_in_ms() == 12000);
  CHECK(*music.volume() == doctest::Approx(0.35));
  CHECK(promo.track(2).segments().at(0).style().pos == text_position::center);
  CHECK(draft::from_json(read_example("draft.empty.json")).value() ==
        draft::make_empty(1920, 1080));
}
