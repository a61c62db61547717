// The runner for real: a render comes out as asked, with progress; text and motion are really
// drawn; cancel kills ffmpeg; a failing ffmpeg is an error carrying its reason; and in every
// outcome the plan's files are gone and no child process is left.
#include "engine_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>

namespace {

using namespace reel;
namespace asio = boost::asio;

bool no_children_left() {
  return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

// Two photos with a crossfade, a title from 0.2 s to 0.8 s, and a tone under it; 1.5 s.
core::draft promo(bool title) {
  auto d = core::draft::make_empty(640, 360);
  auto v = d.add_track(core::track_kind::video);
  v.add_segment().set_source("a").set_start_ms(0).set_duration_ms(1000).set_motion(
      *core::motion_preset("zoom_in"));
  v.add_segment()
      .set_source("b")
      .set_start_ms(700)
      .set_duration_ms(800)
      .set_transition({core::transition_kind::fade, 300})
      .set_motion(*core::motion_preset("pan_right"));
  if (title)
    d.add_track(core::track_kind::text)
        .add_segment()
        .set_text("Title")
        .set_start_ms(200)
        .set_duration_ms(600)
        .set_style({std::nullopt, 60.0, std::string("white"), std::nullopt, std::string("black")});
  d.add_track(core::track_kind::audio)
      .add_segment()
      .set_source("tone")
      .set_start_ms(0)
      .set_duration_ms(1500)
      .set_fades(100, 300);
  return d;
}

struct inputs {
  test::temp_dir dir;
  std::map<std::string, core::plan_media> media;
  inputs() {
    test::make_media("testsrc2=s=1200x800", dir.file("a.jpg"), {"-frames:v", "1"});
    test::make_media("mandelbrot=s=1200x800:end_pts=1", dir.file("b.png"), {"-frames:v", "1"});
    test::make_media("sine=f=440:d=1", dir.file("tone.mp3"));  // shorter: it loops
    media = test::probe_all(
        {{"a", dir.file("a.jpg")}, {"b", dir.file("b.png")}, {"tone", dir.file("tone.mp3")}});
  }
};

}  // namespace

TEST_CASE("a render comes out as asked, reports progress up to 1 and leaves nothing behind") {
  inputs in;
  const auto s = test::small_settings(in.dir, "out.mp4");
  auto plan = core::make_render_plan(promo(true), in.media, s);
  REQUIRE(plan.has_value());
  std::vector<double> progress;
  auto r = engine::run_plan_sync(*plan, [&](double f) { progress.push_back(f); });
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(r->processes == 2);  // prepare + render
  CHECK(r->usage.max_rss_kb > 0);
  REQUIRE_FALSE(progress.empty());
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == 1.0);

  auto info = engine::probe_media_sync(s.output_path);
  REQUIRE(info.has_value());
  CHECK(info->kind == core::media_kind::video);
  CHECK(info->width == 640);
  CHECK(info->height == 360);
  CHECK(info->video_codec == "h264");
  CHECK(info->audio_codec == "aac");
  CHECK(std::abs(info->duration_ms - 1500) <= 100);
  CHECK(test::files_in(s.work_dir) == 0);
  CHECK_FALSE(std::filesystem::exists(s.output_path + ".part"));
  CHECK(no_children_left());
  // H.264 High, yuv420p, moov first (faststart).
  const auto streams =
      test::run_tool({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                      "stream=profile,pix_fmt,r_frame_rate", "-of", "csv=p=0", s.output_path});
  CHECK(streams.find("High") != std::string::npos);
  CHECK(streams.find("yuv420p") != std::string::npos);
  CHECK(streams.find("30/1") != std::string::npos);
  std::ifstream f(s.output_path, std::ios::binary);
  std::string head(64, '\0');
  f.read(head.data(), 64);
  CHECK(head.find("moov") < head.find("mdat"));
}

TEST_CASE("the title is drawn while it shows, and the picture moves") {
  inputs in;
  const auto with = test::small_settings(in.dir, "with.mp4");
  const auto without = test::small_settings(in.dir, "without.mp4");
  auto p1 = core::make_render_plan(promo(true), in.media, with);
  auto p2 = core::make_render_plan(promo(false), in.media, without);
  REQUIRE(p1.has_value());
  REQUIRE(p2.has_value());
  REQUIRE(engine::run_plan_sync(*p1).has_value());
  REQUIRE(engine::run_plan_sync(*p2).has_value());
  // Inside the title's time the frames differ; after it they are the same picture.
  CHECK(test::mean_abs_diff(test::gray_frame(with.output_path, 0.5),
                            test::gray_frame(without.output_path, 0.5)) > 1.0);
  CHECK(test::mean_abs_diff(test::gray_frame(with.output_path, 1.2),
                            test::gray_frame(without.output_path, 1.2)) < 1.0);
  // Motion is real: two moments of the same photo differ.
  CHECK(test::mean_abs_diff(test::gray_frame(without.output_path, 0.1),
                            test::gray_frame(without.output_path, 0.6)) > 1.0);
}

TEST_CASE("cancel stops ffmpeg at once, reports cancelled and removes everything") {
  inputs in;
  auto d = promo(false);
  d.track_at(0).segment_at(1).set_duration_ms(120000);  // two minutes: it will not finish
  auto s = test::small_settings(in.dir, "long.mp4");
  auto plan = core::make_render_plan(d, in.media, s);
  REQUIRE(plan.has_value());

  asio::io_context io;
  engine::ffmpeg_runner runner(io.get_executor(), {std::chrono::milliseconds(500)});
  std::optional<core::result<engine::render_outcome>> out;
  bool cancelled = false;
  auto progress = [&](double f) {
    if (f > 0.06 && !cancelled) {  // past the prepare step, into the render
      cancelled = true;
      runner.cancel();
    }
  };
  asio::co_spawn(io, runner.run(*plan, progress),
                 [&](std::exception_ptr, core::result<engine::render_outcome> r) { out = r; });
  const auto started = std::chrono::steady_clock::now();
  io.run();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  REQUIRE(out.has_value());
  REQUIRE_FALSE(out->has_value());
  CHECK(out->error().code == core::errc::cancelled);
  CHECK(cancelled);
  CHECK(test::files_in(s.work_dir) == 0);
  CHECK_FALSE(std::filesystem::exists(s.output_path));
  CHECK_FALSE(std::filesystem::exists(s.output_path + ".part"));
  CHECK(no_children_left());
}

TEST_CASE("a runner that dies mid-render takes its ffmpeg and files with it") {
  inputs in;
  auto d = promo(false);
  d.track_at(0).segment_at(1).set_duration_ms(120000);
  auto s = test::small_settings(in.dir, "abandoned.mp4");
  auto plan = core::make_render_plan(d, in.media, s);
  REQUIRE(plan.has_value());
  {
    asio::io_context io;
    auto runner = std::make_unique<engine::ffmpeg_runner>(io.get_executor());
    bool started = false;
    asio::co_spawn(io, runner->run(*plan, [&](double f) { started = started || f > 0.06; }),
                   [](std::exception_ptr, core::result<engine::render_outcome>) {});
    while (!started) io.run_one();
    runner.reset();  // the owner goes away; then the loop itself
  }
  CHECK(test::files_in(s.work_dir) == 0);
  CHECK_FALSE(std::filesystem::exists(s.output_path + ".part"));
  CHECK(no_children_left());
}

TEST_CASE("a failing ffmpeg is an error with its reason, and the files are removed") {
  inputs in;
  auto s = test::small_settings(in.dir, "bad.mp4");
  auto plan = core::make_render_plan(promo(false), in.media, s);
  REQUIRE(plan.has_value());
  // The photo vanished between planning and rendering.
  std::filesystem::remove(in.dir.file("a.jpg"));
  auto r = engine::run_plan_sync(*plan);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == core::errc::internal);
  CHECK(r.error().message.find("ffmpeg failed") != std::string::npos);
  CHECK(r.error().message.find("a.jpg") != std::string::npos);
  CHECK(test::files_in(s.work_dir) == 0);
  CHECK(no_children_left());

  // An ffmpeg that is not there at all.
  s.ffmpeg = "/nonexistent/ffmpeg";
  auto plan2 = core::make_render_plan(promo(false), in.media, s);
  REQUIRE(plan2.has_value());
  auto r2 = engine::run_plan_sync(*plan2);
  REQUIRE_FALSE(r2.has_value());
  CHECK(r2.error().message.find("cannot start /nonexistent/ffmpeg") != std::string::npos);
  CHECK(test::files_in(s.work_dir) == 0);
}

TEST_CASE("a parallel render (parts joined by copy) matches the one-pass render") {
  inputs in;
  auto d = core::draft::make_empty(640, 360);
  d.add_track(core::track_kind::video)
      .add_segment()
      .set_source("a")
      .set_start_ms(0)
      .set_duration_ms(2400)
      .set_motion(*core::motion_preset("zoom_in"));
  d.add_track(core::track_kind::audio)
      .add_segment()
      .set_source("tone")
      .set_start_ms(0)
      .set_duration_ms(2400);
  auto one = test::small_settings(in.dir, "one.mp4");
  auto two = test::small_settings(in.dir, "two.mp4");
  two.parallel = 2;
  auto p1 = core::make_render_plan(d, in.media, one);
  auto p2 = core::make_render_plan(d, in.media, two);
  REQUIRE(p1.has_value());
  REQUIRE(p2.has_value());
  REQUIRE(p2->parts.size() == 2);  // cut inside the zoom, at 1.2 s
  REQUIRE(engine::run_plan_sync(*p1).has_value());
  std::vector<double> progress;
  auto r = engine::run_plan_sync(*p2, [&](double f) { progress.push_back(f); });
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(r->processes == 4);  // prepare, two parts, join
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  auto info = engine::probe_media_sync(two.output_path);
  REQUIRE(info.has_value());
  CHECK(std::abs(info->duration_ms - 2400) <= 100);
  CHECK(info->audio_codec == "aac");
  // The zoom goes on across the cut exactly as in one pass.
  for (double t : {0.5, 1.2, 1.25, 2.0})
    CHECK(test::mean_abs_diff(test::gray_frame(one.output_path, t),
                              test::gray_frame(two.output_path, t)) < 2.0);
  CHECK(test::files_in(two.work_dir) == 0);
  CHECK(no_children_left());
}

TEST_CASE("parallel renders only where the cores allow more than one ffmpeg's worth") {
  CHECK(engine::recommended_parallel(0) == 1);
  CHECK(engine::recommended_parallel(2) == 1);
  CHECK(engine::recommended_parallel(4) == 1);
  CHECK(engine::recommended_parallel(6) == 2);
  CHECK(engine::recommended_parallel(16) == 5);
  CHECK(engine::recommended_parallel(128) == 8);
}

TEST_CASE("an Asio cancellation of the run also kills ffmpeg and removes everything") {
  inputs in;
  auto d = promo(false);
  d.track_at(0).segment_at(1).set_duration_ms(120000);
  auto s = test::small_settings(in.dir, "asio_cancel.mp4");
  auto plan = core::make_render_plan(d, in.media, s);
  REQUIRE(plan.has_value());
  asio::io_context io;
  engine::ffmpeg_runner runner(io.get_executor());
  asio::cancellation_signal signal;
  bool done = false;
  bool emitted = false;
  asio::co_spawn(
      io,
      runner.run(*plan,
                 [&](double f) {
                   if (f > 0.06 && !emitted) {
                     emitted = true;
                     asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
                   }
                 }),
      asio::bind_cancellation_slot(
          signal.slot(), [&](std::exception_ptr e, core::result<engine::render_outcome> r) {
            done = true;
            CHECK((e || !r.has_value()));
          }));
  const auto started = std::chrono::steady_clock::now();
  io.run();
  CHECK(done);
  CHECK(emitted);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  CHECK(test::files_in(s.work_dir) == 0);
  CHECK_FALSE(std::filesystem::exists(s.output_path + ".part"));
  CHECK(no_children_left());
}
