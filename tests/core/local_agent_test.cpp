// The local agent, table-driven: a prompt and a starting session give a draft with the listed
// properties and a reply in the prompt's language. This file: making videos, length, format,
// transitions and music. local_agent_edit_test.cpp: texts, order, trims, undo, combinations and
// prompts it cannot do.
#include "local_agent_fixture.hpp"

using namespace agent_test;

namespace {

using sv = std::vector<std::string>;

constexpr std::pair<int, int> hd{1920, 1080};
constexpr std::pair<int, int> tall{1080, 1920};
constexpr std::pair<int, int> sq{1080, 1080};

}  // namespace

TEST_CASE("the headline prompt makes a 30 s 1920x1080 video with music from the photos") {
  check_row(
      {"turn these images into a 30-second promo video with background music",
       start::empty_photos,
       {.duration_ms = 30000,
        .size = hd,
        .tracks = 2,
        .pictures = 5,
        .volume = 0.35,
        .transition = "fade",
        .transition_ms = 500,
        .order = sv{"p1", "p2", "p3", "p4", "p5"},
        .fade_out_ms = 2000,
        .tool = "create_video",
        .reply_has = "Made a 30-second 16:9 video from 5 photos with background music at 35%."}});
  // The stills move gently, alternating zoom in, zoom out, pan left, pan right; never past 1.1x.
  const auto out =
      run_local_agent({"turn these images into a 30-second promo video with background music",
                       json(),
                       make_session(start::empty_photos).media,
                       {}});
  const auto d = draft::from_json(*out.new_draft).value();
  const auto sgs = d.track(0).segments();
  REQUIRE(sgs.size() == 5);
  for (std::size_t i = 0; i < sgs.size(); ++i) {
    CAPTURE(i);
    const auto mo = sgs[i].motion();
    REQUIRE(mo);
    CHECK(*mo == gentle_motion(i));
    CHECK(std::max(mo->from.z, mo->to.z) <= 1.1);
    CHECK(sgs[i].start_ms() == static_cast<std::int64_t>(i) * 5900);
    CHECK(sgs[i].duration_ms() == 6400);
  }
  CHECK(gentle_motion(0).to.z > gentle_motion(0).from.z);
  CHECK(gentle_motion(1).to.z < gentle_motion(1).from.z);
  CHECK(gentle_motion(2).to.x < gentle_motion(2).from.x);
  CHECK(gentle_motion(3).to.x > gentle_motion(3).from.x);
}

TEST_CASE("making a video: prompts in three languages") {
  const row rows[] = {
      {"Erstelle ein 30-Sekunden-Video aus diesen Bildern mit Musik",
       start::empty_photos,
       {.lang = "de",
        .duration_ms = 30000,
        .size = hd,
        .pictures = 5,
        .volume = 0.35,
        .reply_has = "30-Sekunden-Video"}},
      {"把这些图片做成一个30秒的宣传视频，加上背景音乐",
       start::empty_photos,
       {.lang = "zh",
        .duration_ms = 30000,
        .size = hd,
        .pictures = 5,
        .volume = 0.35,
        .reply_has = "30秒"}},
      {"make a video",
       start::empty_photos,
       {.duration_ms = 15000, .size = hd, .pictures = 5, .volume = 0.35, .transition = "fade"}},
      {"make a 20s vertical video",
       start::empty_photos,
       {.duration_ms = 20000, .size = tall, .pictures = 5}},
      {"make a TikTok from these photos",
       start::empty_photos,
       {.duration_ms = 15000, .size = tall}},
      {"create a square slideshow, half a minute",
       start::empty_photos,
       {.duration_ms = 30000, .size = sq}},
      {"Mach ein Video im Hochformat, eine halbe Minute",
       start::empty_photos,
       {.lang = "de", .duration_ms = 30000, .size = tall}},
      {"做一个一分钟的竖屏视频",
       start::empty_photos,
       {.lang = "zh", .duration_ms = 60000, .size = tall}},
      {"用这些照片生成一个三十秒的抖音视频",
       start::empty_photos,
       {.lang = "zh", .duration_ms = 30000, .size = tall}},
      {"make a video without music",
       start::empty_photos,
       {.duration_ms = 15000, .tracks = 1, .volume = -1}},
      {"make a 12 second video with slide transitions",
       start::empty_photos,
       {.duration_ms = 12000, .transition = "slide"}},
      {"create a video with no transitions",
       start::empty_photos,
       {.duration_ms = 15000, .transition = "none"}},
      {"make a video titled 'Summer Sale'",
       start::empty_photos,
       {.title = "Summer Sale", .title_range = std::pair{0, 3000}}},
      {"make a 30-second video with music at 20%",
       start::empty_photos,
       {.duration_ms = 30000, .volume = 0.2}},
      {"YouTube video, 45 seconds", start::empty_photos, {.duration_ms = 45000, .size = hd}},
      {"Instagram Reels video 15s", start::empty_photos, {.duration_ms = 15000, .size = tall}},
      {"YouTube Shorts, 20 Sekunden",
       start::empty_photos,
       {.lang = "de", .duration_ms = 20000, .size = tall}},
      {"make a 4k video", start::empty_photos, {.size = std::pair{3840, 2160}}},
      {"make it 9:16", start::empty_photos, {.size = tall, .pictures = 5, .tool = "create_video"}},
      // Clips keep their own length when none is asked; photos get 3 s; upload order is kept.
      {"make a video",
       start::empty_mixed,
       {.duration_ms = 16000,
        .tracks = 4,
        .pictures = 5,
        .title = "Summer Sale",
        .captions = 3,
        .order = sv{"p1", "p2", "c1", "p3", "c2"},
        .picture_ms = std::pair{2, 6000}}},
      // Asked for a length: equal shares; the 6 s clip fits its share, the 3 s one keeps its own.
      {"turn these into a 30 second video",
       start::empty_mixed,
       {.duration_ms = 30000, .pictures = 5, .picture_ms = std::pair{4, 3000}}},
      {"Erstelle ein 30-Sekunden-Video aus meinem Text",
       start::empty_mixed,
       {.lang = "de", .duration_ms = 30000, .title = "Summer Sale", .captions = 3}},
      // A script alone: a title and captions over the length.
      {"Erstelle ein 30-Sekunden-Video aus meinem Text",
       start::empty_script,
       {.lang = "de",
        .duration_ms = 30000,
        .tracks = 3,
        .pictures = 0,
        .volume = 0.35,
        .title = "Summer Sale",
        .captions = 3}},
      {"make a video", start::empty_none, {.changed = false, .reply_has = "upload"}},
      {"mach ein Video", start::empty_none, {.lang = "de", .changed = false, .reply_has = "lade"}},
      {"做一个视频", start::empty_none, {.lang = "zh", .changed = false, .reply_has = "上传"}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("length: seconds, minutes, words and relative changes") {
  const row rows[] = {
      {"make it 20 seconds", start::photos, {.duration_ms = 20000, .tool = "set_duration"}},
      {"45s", start::photos, {.duration_ms = 45000}},
      {"a minute", start::photos, {.duration_ms = 60000}},
      {"make it 1.5 minutes", start::photos, {.duration_ms = 90000}},
      {"make it 1 minute 30 seconds", start::photos, {.duration_ms = 90000}},
      {"make it twenty five seconds", start::photos, {.duration_ms = 25000}},
      {"half a minute", start::vertical, {.duration_ms = 30000}},
      {"mach es 25 Sekunden lang", start::photos, {.lang = "de", .duration_ms = 25000}},
      {"auf 40 Sekunden verlängern", start::photos, {.lang = "de", .duration_ms = 40000}},
      {"eine halbe Minute", start::vertical, {.lang = "de", .duration_ms = 30000}},
      {"改成20秒", start::photos, {.lang = "zh", .duration_ms = 20000}},
      {"时长改为一分钟", start::photos, {.lang = "zh", .duration_ms = 60000}},
      {"十五秒", start::photos, {.lang = "zh", .duration_ms = 15000}},
      {"make it 5 seconds longer", start::photos, {.duration_ms = 35000}},
      {"make it 10 seconds shorter", start::photos, {.duration_ms = 20000}},
      {"make it 0.5 seconds", start::photos, {.duration_ms = 1000, .reply_has = "1 second"}},
      {"make it 20 minutes", start::photos, {.duration_ms = 600000}},
      {"make it a bit shorter", start::photos, {.duration_ms = 24000}},
      {"etwas länger bitte", start::photos, {.lang = "de", .duration_ms = 37500}},
      {"短一点", start::photos, {.lang = "zh", .duration_ms = 24000}},
      // The music follows the length and still fades out at the end.
      {"make it 20 seconds",
       start::photos,
       {.duration_ms = 20000, .volume = 0.35, .fade_out_ms = 2000}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("format: vertical, square, landscape, ratios and resolutions") {
  const row rows[] = {
      {"make it vertical",
       start::photos,
       {.duration_ms = 30000, .size = tall, .tool = "set_aspect"}},
      {"9:16", start::photos, {.size = tall}},
      {"for TikTok", start::photos, {.size = tall}},
      {"Reels please", start::photos, {.size = tall}},
      {"YouTube Shorts", start::photos, {.size = tall}},
      {"square", start::photos, {.size = sq}},
      {"1:1", start::photos, {.size = sq}},
      {"make it 16:9", start::vertical, {.size = hd}},
      {"landscape", start::vertical, {.size = hd}},
      {"for YouTube", start::vertical, {.size = hd}},
      {"Hochformat", start::photos, {.lang = "de", .size = tall}},
      {"quadratisch bitte", start::photos, {.lang = "de", .size = sq}},
      {"im Querformat", start::vertical, {.lang = "de", .size = hd}},
      {"竖屏", start::photos, {.lang = "zh", .size = tall}},
      {"改成方形", start::photos, {.lang = "zh", .size = sq}},
      {"横屏", start::vertical, {.lang = "zh", .size = hd}},
      {"4:5 for Instagram", start::photos, {.size = std::pair{1080, 1350}}},
      {"make it 720p", start::photos, {.size = std::pair{1280, 720}}},
      {"1080x1920", start::photos, {.size = tall}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("transitions keep the length") {
  const row rows[] = {
      {"use crossfades of 1 second",
       start::photos,
       {.duration_ms = 30000,
        .transition = "fade",
        .transition_ms = 1000,
        .tool = "set_transition"}},
      {"slide transitions", start::photos, {.duration_ms = 30000, .transition = "slide"}},
      {"wipe", start::photos, {.duration_ms = 30000, .transition = "wipe"}},
      {"no transitions", start::photos, {.duration_ms = 30000, .transition = "none"}},
      {"hard cuts", start::photos, {.transition = "none"}},
      {"remove the transitions", start::photos, {.transition = "none"}},
      {"Wischübergänge bitte", start::photos, {.lang = "de", .transition = "wipe"}},
      {"Überblendung von 1 Sekunde",
       start::photos,
       {.lang = "de", .transition = "fade", .transition_ms = 1000}},
      {"keine Übergänge",
       start::photos,
       {.lang = "de", .duration_ms = 30000, .transition = "none"}},
      {"mit Schiebeübergang", start::photos, {.lang = "de", .transition = "slide"}},
      {"用滑动转场", start::photos, {.lang = "zh", .transition = "slide"}},
      {"擦除转场", start::photos, {.lang = "zh", .transition = "wipe"}},
      {"去掉转场", start::photos, {.lang = "zh", .transition = "none"}},
      {"1秒的淡入淡出转场",
       start::photos,
       {.lang = "zh", .transition = "fade", .transition_ms = 1000}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("music: add, remove, volume and fades") {
  const row rows[] = {
      {"remove the music", start::photos, {.tracks = 1, .volume = -1, .tool = "remove_music"}},
      {"no music", start::photos, {.volume = -1}},
      {"Musik entfernen", start::photos, {.lang = "de", .volume = -1}},
      {"去掉背景音乐", start::photos, {.lang = "zh", .volume = -1}},
      {"set the music volume to 50%", start::photos, {.volume = 0.5, .tool = "set_music_volume"}},
      {"music at 20%", start::photos, {.volume = 0.2}},
      {"Musik auf 60 Prozent", start::photos, {.lang = "de", .volume = 0.6}},
      {"音乐音量调到百分之二十", start::photos, {.lang = "zh", .volume = 0.2}},
      {"背景音乐音量50%", start::photos, {.lang = "zh", .volume = 0.5}},
      {"make the music quieter", start::photos, {.volume = 0.2}},
      {"louder music", start::photos, {.volume = 0.5}},
      {"Musik leiser", start::photos, {.lang = "de", .volume = 0.2}},
      {"音乐大声一点", start::photos, {.lang = "zh", .volume = 0.5}},
      {"mute the music", start::photos, {.volume = 0.0}},
      {"fade out the music over 3 seconds",
       start::photos,
       {.duration_ms = 30000, .fade_out_ms = 3000, .tool = "set_music_fade"}},
      {"Musik über 4 Sekunden ausblenden", start::photos, {.lang = "de", .fade_out_ms = 4000}},
      {"音乐淡出5秒", start::photos, {.lang = "zh", .fade_out_ms = 5000}},
      {"fade in the music", start::photos, {.fade_in_ms = 1000}},
      {"fade to black at the end",
       start::photos,
       {.duration_ms = 30000, .tool = "set_video_fade", .reply_has = "fades to black"}},
      {"Schwarzblende am Ende", start::photos, {.lang = "de", .tool = "set_video_fade"}},
      {"结尾淡出到黑场", start::photos, {.lang = "zh", .tool = "set_video_fade"}},
      {"add background music",
       start::no_music,
       {.duration_ms = 30000,
        .tracks = 2,
        .volume = 0.35,
        .fade_out_ms = 2000,
        .tool = "add_music"}},
      {"füge Hintergrundmusik hinzu", start::no_music, {.lang = "de", .volume = 0.35}},
      {"加上背景音乐", start::no_music, {.lang = "zh", .volume = 0.35}},
      {"add music at 25%", start::no_music, {.volume = 0.25}},
      {"add music", start::no_audio, {.changed = false, .reply_has = "MP3"}},
      {"add music", start::photos, {.changed = false, .reply_has = "already has music"}},
      {"remove the music", start::no_music, {.changed = false, .reply_has = "no music"}},
  };
  for (const auto& r : rows) check_row(r);
}
