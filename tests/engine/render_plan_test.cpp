// The render plan (core/render_plan.hpp) without ffmpeg: argv shape, the filter graph for each
// transition and motion, aspect variants, escaping, and clear errors.
#include "core/render_plan.hpp"
#include "core/render_plan_internal.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

namespace {

using namespace reel::core;

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// Index of `value` in argv, or -1.
long arg_index(const std::vector<std::string>& argv, const std::string& value) {
  const auto it = std::find(argv.begin(), argv.end(), value);
  return it == argv.end() ? -1 : static_cast<long>(it - argv.begin());
}

std::string arg_after(const std::vector<std::string>& argv, const std::string& flag) {
  const long i = arg_index(argv, flag);
  return i < 0 || i + 1 >= static_cast<long>(argv.size()) ? ""
                                                          : argv[static_cast<std::size_t>(i + 1)];
}

std::map<std::string, plan_media> media() {
  return {
      {"p1", {"/m/p1.jpg", media_kind::image, 3000, 2000}},
      {"p2", {"/m/p2.jpg", media_kind::image, 3000, 2000}},
      {"p3", {"/m/p3.png", media_kind::image, 800, 1200}},
      {"clip", {"/m/clip.mp4", media_kind::video, 1920, 1080, 8000, true}},
      {"song", {"/m/song.mp3", media_kind::audio, 0, 0, 10000, true}},
  };
}

render_settings settings(int w = 1920, int h = 1080) {
  render_settings s;
  s.width = w;
  s.height = h;
  s.output_path = "/out/render.mp4";
  s.work_dir = "/work/job1";
  return s;
}

// Two photos, the second coming in with `tr` over 500 ms.
draft two_photos(const std::string& tr) {
  auto d = draft::make_empty(1920, 1080);
  auto v = d.add_track(track_kind::video);
  v.add_segment().set_source("p1").set_start_ms(0).set_duration_ms(3000).set_motion(
      *motion_preset("zoom_in"));
  auto s = v.add_segment().set_source("p2").set_start_ms(2500).set_duration_ms(3000);
  if (tr == "slide") s.set_transition({transition_kind::slide, 500});
  if (tr == "wipe") s.set_transition({transition_kind::wipe, 500});
  if (tr == "fade") s.set_transition({transition_kind::fade, 500});
  return d;
}

render_plan plan_of(const draft& d, const render_settings& s = settings()) {
  auto p = make_render_plan(d, media(), s);
  REQUIRE_MESSAGE(p.has_value(), (p.has_value() ? "" : p.error().message));
  return *p;
}

}  // namespace

TEST_CASE("the ffmpeg command line has progress, the graph script and H.264 High + AAC faststart") {
  const auto p = plan_of(two_photos("fade"));
  const auto& a = p.final_step.argv;
  CHECK(a.front() == "ffmpeg");
  CHECK(arg_after(a, "-progress") == "pipe:1");
  CHECK(arg_index(a, "-nostats") > 0);
  CHECK(arg_index(a, "-nostdin") > 0);
  CHECK(arg_after(a, "-filter_complex_script") == "/work/job1/graph.txt");
  CHECK(arg_after(a, "-c:v") == "libx264");
  CHECK(arg_after(a, "-preset") == "veryfast");
  CHECK(arg_after(a, "-crf") == "23");
  CHECK(arg_after(a, "-profile:v") == "high");
  CHECK(arg_after(a, "-pix_fmt") == "yuv420p");
  CHECK(arg_after(a, "-r") == "30");
  CHECK(arg_after(a, "-c:a") == "aac");
  CHECK(arg_after(a, "-movflags") == "+faststart");
  CHECK(arg_after(a, "-t") == "5.5");
  CHECK(a.back() == "/out/render.mp4.part");
  CHECK(p.part_output == "/out/render.mp4.part");
  CHECK(p.output_path == "/out/render.mp4");
  CHECK(p.duration_ms == 5500);
  CHECK(p.final_step.duration_ms == 5500);
  // The graph travels in a file (no argv length limit, no shell), written before the run.
  const auto graph = std::find_if(p.files.begin(), p.files.end(), [](const plan_file& f) {
    return f.path == "/work/job1/graph.txt";
  });
  REQUIRE(graph != p.files.end());
  CHECK(graph->content == p.final_step.filter_complex);
  CHECK(contains(p.final_step.filter_complex, "[vout]"));
  CHECK(std::find(p.scratch.begin(), p.scratch.end(), p.part_output) != p.scratch.end());
}

TEST_CASE("each still is decoded and scaled once, in a prepare step, to a raw canvas") {
  const auto p = plan_of(two_photos("fade"));
  REQUIRE(p.prepare.size() == 1);
  const auto& prep = p.prepare.front();
  CHECK(count(prep.filter_complex, "scale=") == 2);
  CHECK(count(prep.filter_complex, "trim=end_frame=1") == 2);
  CHECK(arg_index(prep.argv, "/m/p1.jpg") > 0);
  CHECK(arg_index(prep.argv, "/work/job1/canvas0.yuv") > 0);
  CHECK(arg_index(prep.argv, "/work/job1/canvas1.yuv") > 0);
  // The render reads the canvases raw and repeats the single frame; it never scales a still.
  const auto& g = p.final_step.filter_complex;
  CHECK(arg_index(p.final_step.argv, "/m/p1.jpg") < 0);
  CHECK(arg_index(p.final_step.argv, "/work/job1/canvas0.yuv") > 0);
  CHECK(arg_after(p.final_step.argv, "-f") == "rawvideo");
  CHECK(count(g, "loop=loop=89:size=1") == 2);  // 3 s at 30 fps: 90 frames each
  CHECK_FALSE(contains(g, "scale="));
  // The canvases are removed with the rest.
  CHECK(std::count(p.scratch.begin(), p.scratch.end(), "/work/job1/canvas1.yuv") == 1);
}

TEST_CASE("the same still used twice with the same framing is prepared once") {
  auto d = draft::make_empty(1920, 1080);
  auto v = d.add_track(track_kind::video);
  v.add_segment().set_source("p1").set_start_ms(0).set_duration_ms(1000);
  v.add_segment().set_source("p1").set_start_ms(1000).set_duration_ms(1000);
  const auto p = plan_of(d);
  CHECK(count(p.prepare.front().filter_complex, "scale=") == 1);
  CHECK(count(p.final_step.filter_complex, "canvas") == 0);
  CHECK(std::count(p.final_step.argv.begin(), p.final_step.argv.end(), "/work/job1/canvas0.yuv") ==
        2);
}

TEST_CASE("transitions: fade, slide and wipe are xfades over the overlap; none is a cut") {
  const std::map<std::string, std::string> want = {
      {"fade", "xfade=transition=fade:duration=0.5:offset=2.5"},
      {"slide", "xfade=transition=slideleft:duration=0.5:offset=2.5"},
      {"wipe", "xfade=transition=wipeleft:duration=0.5:offset=2.5"},
  };
  for (const auto& [tr, xfade] : want) {
    CAPTURE(tr);
    const auto g = plan_of(two_photos(tr)).final_step.filter_complex;
    CHECK(contains(g, xfade));
    CHECK_FALSE(contains(g, "concat="));
  }
  const auto p = plan_of(two_photos("none"));
  CHECK_FALSE(contains(p.final_step.filter_complex, "xfade"));
  CHECK(contains(p.final_step.filter_complex, "concat=n=2:v=1:a=0"));
  // A cut: the first photo ends where the second starts (75 frames), the total is 5.5 s.
  CHECK(contains(p.final_step.filter_complex, "loop=loop=74:size=1"));
  CHECK(p.duration_ms == 5500);
}

TEST_CASE("gaps on the video track are black, and the picture lasts the whole draft") {
  auto d = draft::make_empty(1920, 1080);
  auto v = d.add_track(track_kind::video);
  v.add_segment().set_source("p1").set_start_ms(1000).set_duration_ms(1000);
  d.set_duration_ms(4000);
  const auto g = plan_of(d).final_step.filter_complex;
  CHECK(count(g, "color=c=black:s=1920x1080:r=30") == 2);
  CHECK(contains(g, "trim=end_frame=30,"));  // the leading second
  CHECK(contains(g, "trim=end_frame=60,"));  // the last two
  CHECK(contains(g, "concat=n=3:v=1:a=0"));
}

TEST_CASE("Ken Burns: perspective with sub-pixel expressions; a still without motion has none") {
  const auto g = plan_of(two_photos("fade")).final_step.filter_complex;
  CHECK(count(g, "perspective=") == 1);  // p1 zooms, p2 is still
  CHECK(contains(g, "sense=destination:eval=frame"));
  CHECK(contains(g, "exp("));  // constant zoom speed
  CHECK(contains(g, ",crop=1920:1080:0:0"));
  CHECK_FALSE(contains(g, "zoompan"));
}

TEST_CASE("Ken Burns geometry: the largest window maps to the output, windows stay inside") {
  using render_detail::plan_ken_burns;
  const auto zoom = plan_ken_burns(3000, 2000, fit_mode::cover, *motion_preset("zoom_in"), 1920,
                                   1080, render_quality::standard);
  CHECK(zoom.moves);
  CHECK(zoom.canvas_w == 1920);
  CHECK(zoom.canvas_h == 1080);
  CHECK(zoom.crop_w == 3000);
  CHECK(zoom.crop_h == 1688);
  CHECK(zoom.from.s == doctest::Approx(1.0).epsilon(0.002));
  CHECK(zoom.to.s == doctest::Approx(1 / 1.2).epsilon(0.002));
  CHECK(zoom.from.cx == doctest::Approx(960).epsilon(0.001));

  // A pan at zoom 1.2 across a 3:2 photo in 9:16: the canvas covers the whole path.
  const auto pan = plan_ken_burns(3000, 2000, fit_mode::cover, *motion_preset("pan_left"), 1080,
                                  1920, render_quality::standard);
  CHECK(pan.moves);
  CHECK(pan.canvas_h >= 1920);
  CHECK(pan.canvas_h <= 1924);
  CHECK(pan.canvas_w > 1080);
  for (const auto& e : {pan.from, pan.to}) {
    CHECK(e.cx - e.s * 540 >= -0.5);
    CHECK(e.cx + e.s * 540 <= pan.canvas_w + 0.5);
  }
  CHECK(pan.from.cx > pan.to.cx);  // pan_left: the window goes left

  // High quality never upsamples inside a move: the smallest window maps 1:1.
  const auto high = plan_ken_burns(3000, 2000, fit_mode::cover, *motion_preset("zoom_in"), 1920,
                                   1080, render_quality::high);
  CHECK(high.to.s == doctest::Approx(1.0).epsilon(0.002));
  CHECK(high.canvas_w == 2304);

  // Still: the canvas is the frame.
  const auto still = plan_ken_burns(3000, 2000, fit_mode::cover, *motion_preset("none"), 1080, 1080,
                                    render_quality::standard);
  CHECK_FALSE(still.moves);
  CHECK(still.canvas_w == 1080);
  CHECK(still.canvas_h == 1080);
  CHECK(still.crop_w == 2000);
  CHECK(still.crop_h == 2000);

  // Contain: a portrait photo in 16:9 is letterboxed (black padding on the canvas).
  const auto contain = plan_ken_burns(800, 1200, fit_mode::contain, *motion_preset("none"), 1920,
                                      1080, render_quality::standard);
  CHECK(contain.canvas_w == 1920);
  CHECK(contain.scaled_h == 1080);
  CHECK(contain.scaled_w == 720);
  CHECK(contain.pad_x == 600);
}

TEST_CASE("aspect variants: 16:9, 9:16 and 1:1 frames come out at the asked size") {
  for (auto [w, h] : {std::pair{1920, 1080}, std::pair{1080, 1920}, std::pair{1080, 1080}}) {
    CAPTURE(w);
    CAPTURE(h);
    const auto p = plan_of(two_photos("fade"), settings(w, h));
    const auto size = std::to_string(w) + "x" + std::to_string(h);
    CHECK(p.width == w);
    CHECK(p.height == h);
    CHECK(contains(p.final_step.filter_complex,
                   ",crop=" + std::to_string(w) + ":" + std::to_string(h) + ":0:0"));
    // The still p2 is prepared straight to the frame size.
    CHECK(contains(p.final_step.argv.back(), ".part"));
    CHECK(std::find(p.final_step.argv.begin(), p.final_step.argv.end(), size) !=
          p.final_step.argv.end());
  }
  auto bad = settings(1081, 1920);
  CHECK(make_render_plan(two_photos("fade"), media(), bad).error().code == errc::bad_request);
}

TEST_CASE("quality presets: draft is ultrafast CRF 28 with zoompan, high is medium CRF 20 cubic") {
  auto s = settings();
  s.quality = render_quality::draft;
  auto p = plan_of(two_photos("fade"), s);
  CHECK(arg_after(p.final_step.argv, "-preset") == "ultrafast");
  CHECK(arg_after(p.final_step.argv, "-crf") == "28");
  CHECK(contains(p.final_step.filter_complex, "zoompan="));
  CHECK_FALSE(contains(p.final_step.filter_complex, "perspective="));
  s.quality = render_quality::high;
  p = plan_of(two_photos("fade"), s);
  CHECK(arg_after(p.final_step.argv, "-preset") == "medium");
  CHECK(arg_after(p.final_step.argv, "-crf") == "20");
  CHECK(contains(p.final_step.filter_complex, "interpolation=cubic"));
  CHECK(render_quality_from_string("standard") == render_quality::standard);
  CHECK_FALSE(render_quality_from_string("ultra"));
}

TEST_CASE("text goes through a file; the font is DejaVu, or the CJK font for CJK text") {
  auto d = two_photos("fade");
  auto t = d.add_track(track_kind::text);
  t.add_segment()
      .set_text("It's 50% off: [now], ok; \\ done")
      .set_start_ms(500)
      .set_duration_ms(2000)
      .set_style({std::nullopt, 80.0, std::string("#ffcc00"), text_position::bottom,
                  std::string("black@0.5")});
  t.add_segment()
      .set_text("你好，世界")
      .set_start_ms(3000)
      .set_duration_ms(1000)
      .set_fades(200, 200);
  const auto p = plan_of(d);
  const auto& g = p.final_step.filter_complex;
  CHECK(count(g, "drawtext=") == 2);
  CHECK(contains(g, "textfile=\\'/work/job1/text0.txt\\'"));
  CHECK(contains(g, "fontfile=\\'/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\\'"));
  CHECK(contains(g, "fontfile=\\'/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc\\'"));
  CHECK(contains(g, "expansion=none"));
  CHECK(contains(g, "fontcolor=\\'#ffcc00\\'"));
  CHECK(contains(g, "boxcolor=\\'black@0.5\\'"));
  CHECK(contains(g, "y=h*0.9-text_h"));
  CHECK(contains(g, "enable='between(t,0.5,"));
  CHECK(contains(g, "alpha='"));    // the CJK text fades
  CHECK_FALSE(contains(g, "50%"));  // the text itself is never in the graph
  const auto text0 = std::find_if(p.files.begin(), p.files.end(), [](const plan_file& f) {
    return f.path == "/work/job1/text0.txt";
  });
  REQUIRE(text0 != p.files.end());
  CHECK(text0->content == "It's 50% off: [now], ok; \\ done");
}

TEST_CASE("filter values are escaped for the option parser and the graph parser") {
  using render_detail::escape_filter_value;
  CHECK(escape_filter_value("/a/b.ttf") == "\\'/a/b.ttf\\'");
  CHECK(escape_filter_value("a:b") == "\\'a:b\\'");
  CHECK(escape_filter_value("it's") == "\\'it\\'\\\\\\'\\'s\\'");
  CHECK(escape_filter_value("x,y;[z]") == "\\'x\\,y\\;\\[z\\]\\'");
  CHECK(render_detail::filter_color("#00000080") == "#00000080");
  CHECK(render_detail::filter_color("white@0.5") == "white@0.5");
  CHECK_FALSE(render_detail::filter_color("red:box=1"));
  CHECK_FALSE(render_detail::filter_color("#12345"));
  CHECK(render_detail::has_cjk("タイトル"));
  CHECK(render_detail::has_cjk("한국어"));
  CHECK_FALSE(render_detail::has_cjk("Café déjà vu"));
}

TEST_CASE("music is trimmed, looped when short, with volume and fades; clips keep their sound") {
  auto d = two_photos("fade");
  d.set_duration_ms(12000);  // longer than the 10 s song: it loops
  auto a = d.add_track(track_kind::audio);
  a.add_segment()
      .set_source("song")
      .set_start_ms(0)
      .set_duration_ms(12000)
      .set_volume(0.8)
      .set_fades(500, 2000);
  auto v = d.track_at(0);
  v.add_segment()
      .set_source("clip")
      .set_start_ms(5500)
      .set_duration_ms(3000)
      .set_trim(2000, 6000)
      .set_volume(0.5);
  const auto p = plan_of(d);
  const auto& g = p.final_step.filter_complex;
  const auto& argv = p.final_step.argv;
  CHECK(arg_index(argv, "-stream_loop") > 0);
  CHECK(contains(g, "atrim=start=0:duration=12"));
  CHECK(contains(g, "volume=0.8"));
  CHECK(contains(g, "afade=t=in:st=0:d=0.5"));
  CHECK(contains(g, "afade=t=out:st=10:d=2"));
  // The clip: seeked in its input, its sound at 0.5 delayed to 5.5 s, summed without
  // normalisation, then cut to the picture's length.
  CHECK(contains(g, "volume=0.5"));
  CHECK(contains(g, "adelay=5500|5500"));
  CHECK(contains(g, "amix=inputs=2:normalize=0"));
  CHECK(contains(g, "apad,atrim=end=12"));
  CHECK(std::count(argv.begin(), argv.end(), "/m/clip.mp4") == 2);  // picture and sound
  CHECK(arg_after(argv, "-ss") == "2");
}

TEST_CASE("no sound at all gives a silent track of the right length") {
  const auto g = plan_of(two_photos("fade")).final_step.filter_complex;
  CHECK(contains(g, "anullsrc=r=48000:cl=stereo,atrim=end=5.5"));
}

TEST_CASE("missing media, wrong kinds and empty drafts are clear errors") {
  auto d = two_photos("fade");
  d.track_at(0).segment_at(1).set_source("ghost");
  auto r = make_render_plan(d, media(), settings());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::bad_request);
  CHECK(contains(r.error().message, "track 1, segment 2"));
  CHECK(contains(r.error().message, "ghost"));

  d.track_at(0).segment_at(1).set_source("song");
  r = make_render_plan(d, media(), settings());
  REQUIRE_FALSE(r.has_value());
  CHECK(contains(r.error().message, "is audio, not a picture"));

  r = make_render_plan(draft::make_empty(1920, 1080), media(), settings());
  REQUIRE_FALSE(r.has_value());
  CHECK(contains(r.error().message, "empty"));

  auto s = settings();
  s.output_path.clear();
  CHECK_FALSE(make_render_plan(two_photos("fade"), media(), s).has_value());
}

TEST_CASE(
    "parallel: parts cut outside blends and fades, render video only, and are joined by copy") {
  auto d = two_photos("fade");  // p1 0-3 s, p2 2.5-5.5 s, blended over 2.5-3 s
  d.track_at(0).segment_at(1).set_fades(std::nullopt, 1000);
  auto t = d.add_track(track_kind::text);
  t.add_segment().set_text("across the cut").set_start_ms(1000).set_duration_ms(4000);
  auto s = settings();
  s.parallel = 2;
  const auto p = plan_of(d, s);
  REQUIRE(p.parts.size() == 2);
  // The natural middle (82.5 frames) is inside the blend (75..90): the cut moves out of it.
  const auto& a0 = p.parts[0].argv;
  const auto& a1 = p.parts[1].argv;
  const long f0 = std::stol(arg_after(a0, "-frames:v"));
  const long f1 = std::stol(arg_after(a1, "-frames:v"));
  CHECK(f0 + f1 == 165);
  CHECK((f0 <= 75 || f0 >= 90));
  CHECK(f0 <= 165 - 30);  // not inside the fade-out either
  CHECK(arg_index(a0, "-an") > 0);
  CHECK(arg_after(a0, "-preset") == "veryfast");
  CHECK(arg_after(a0, "-crf") == "23");
  CHECK(arg_after(a1, "-crf") == "23");
  CHECK(p.parts[0].duration_ms + p.parts[1].duration_ms == 5500);
  // Both parts draw the text that spans the cut, in their own time.
  CHECK(contains(p.parts[0].filter_complex, "drawtext="));
  CHECK(contains(p.parts[1].filter_complex, "drawtext="));
  // The second part resumes the zoom where the first left it (frame index + skip).
  CHECK(contains(p.parts[0].filter_complex + p.parts[1].filter_complex, "perspective="));
  // The join: the parts by the concat demuxer, video copied, sound encoded, faststart.
  const auto& j = p.final_step.argv;
  CHECK(arg_after(j, "-safe") == "0");
  CHECK(arg_after(j, "-c:v") == "copy");
  CHECK(arg_after(j, "-c:a") == "aac");
  CHECK(arg_after(j, "-movflags") == "+faststart");
  const auto list = std::find_if(p.files.begin(), p.files.end(), [](const plan_file& f) {
    return f.path == "/work/job1/parts.txt";
  });
  REQUIRE(list != p.files.end());
  CHECK(list->content ==
        "ffconcat version 1.0\nfile '/work/job1/part0.mp4'\nfile '/work/job1/part1.mp4'\n");
  // The stills are prepared once for both parts.
  CHECK(p.prepare.size() == 1);
}

TEST_CASE("parallel: a draft with no room for a cut renders in one pass") {
  auto d = draft::make_empty(1920, 1080);
  d.add_track(track_kind::video)
      .add_segment()
      .set_source("p1")
      .set_start_ms(0)
      .set_duration_ms(1500);
  auto s = settings();
  s.parallel = 4;
  const auto p = plan_of(d, s);  // 45 frames: no two parts of a second each
  CHECK(p.parts.empty());
}
