// The main job through the real reeld: five photos and music, the promo prompt, an export
// at the standard preset; then the properties of the picture (title, motion, sizes) and sound
// (music removed) at quality draft, which keeps the renders short.
#include "local/local_fixture.hpp"

#include <chrono>

namespace reel::test {
namespace {

std::vector<std::string> photos_and_music() {
  const auto& m = sample_media::get();
  auto files = m.photos;
  files.push_back(m.music);
  return files;
}

// A session with the photos and music and a draft made by `prompt`.
std::string session_with(local_daemon& d, const std::string& prompt,
                         std::vector<std::string> files = photos_and_music()) {
  const auto s = d.new_session();
  d.add_ok(s, files);
  const auto events = d.say(s, prompt);
  REQUIRE_MESSAGE(!local_daemon::reply_of(events).empty(), prompt);
  REQUIRE_MESSAGE(d.state(s)["draft"].is_object(), prompt);
  return s;
}

// The title track's first segment: {start_s, end_s}.
std::pair<double, double> title_time(const nlohmann::json& draft) {
  for (const auto& t : draft["t"])
    if (t.value("tt", -1) == 7 && !t["sg"].empty()) {
      const auto& sg = t["sg"][0];
      const double st = sg.value("st", 0) / 1000.0;
      return {st, st + sg.value("d", 0) / 1000.0};
    }
  FAIL("no title in the draft: " << draft.dump());
  return {0, 0};
}

}  // namespace

TEST_CASE("the promo prompt gives a 30 s 1920x1080 H.264 + AAC MP4 at the standard preset") {
  auto& d = shared_daemon();
  const auto s =
      session_with(d, "turn these images into a 30-second promo video with background music");
  const auto t0 = std::chrono::steady_clock::now();
  const auto job = d.render(s, {{"quality", "standard"}});
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("30 s promo at 1080p, standard preset: rendered and collected in " << took << " s");
  const auto out = local_daemon::output_of(job);
  const auto p = probe(out);
  CHECK(std::abs(p.duration_s - 30.0) <= 0.1);
  CHECK(p.width == 1920);
  CHECK(p.height == 1080);
  CHECK(p.video_codec == "h264");
  CHECK(p.profile == "High");
  CHECK(p.pix_fmt == "yuv420p");
  CHECK(p.audio_codec == "aac");
  CHECK(job["output"]["duration_s"].get<double>() == doctest::Approx(30.0).epsilon(0.005));

  // The motion is real: within one photo's time the picture moves, and photos change.
  const auto a = frame_at(out, 1.0), b = frame_at(out, 2.5), c = frame_at(out, 15.0);
  CHECK(frame_difference(a, b) > 0.5);
  CHECK(frame_difference(a, c) > 5.0);
  CHECK(d.work_files() == 0);  // the render's temporary files are gone
}

TEST_CASE("a frame inside the title's time differs from the same frame without the title") {
  auto& d = shared_daemon();
  const auto s = session_with(d, "make a 4-second video with background music");
  const auto without = local_daemon::output_of(d.render(s, {{"quality", "draft"}}));
  REQUIRE(!local_daemon::reply_of(d.say(s, "add a title 'Summer Sale' for 2 seconds")).empty());
  const auto [from, to] = title_time(d.state(s)["draft"]);
  REQUIRE(to > from);
  REQUIRE(to < 3.5);
  const auto with = local_daemon::output_of(d.render(s, {{"quality", "draft"}}));
  const double mid = (from + to) / 2;
  const double inside = changed_share(frame_at(without, mid), frame_at(with, mid));
  const double after = changed_share(frame_at(without, 3.7), frame_at(with, 3.7));
  MESSAGE("title " << from << "-" << to << " s; pixels changed inside " << inside << ", after "
                   << after);
  CHECK(inside > 0.001);  // the text covers ~0.4% of the frame at this scale
  CHECK(after < inside / 4);
}

TEST_CASE("9:16 renders at 1080x1920 and 1:1 at 1080x1080") {
  auto& d = shared_daemon();
  const auto s = session_with(d, "make a 3-second vertical video with background music");
  auto p = probe(local_daemon::output_of(d.render(s, {{"quality", "draft"}})));
  CHECK(p.width == 1080);
  CHECK(p.height == 1920);
  CHECK(std::abs(p.duration_s - 3.0) <= 0.1);

  REQUIRE(!local_daemon::reply_of(d.say(s, "make it square")).empty());
  p = probe(local_daemon::output_of(d.render(s, {{"quality", "draft"}})));
  CHECK(p.width == 1080);
  CHECK(p.height == 1080);
}

TEST_CASE("\"remove the music\" leaves a silent AAC track") {
  auto& d = shared_daemon();
  const auto s = session_with(d, "make a 3-second video with background music");
  const auto with_music = local_daemon::output_of(d.render(s, {{"quality", "draft"}}));
  CHECK(max_volume_db(with_music) > -40);

  REQUIRE(!local_daemon::reply_of(d.say(s, "remove the music")).empty());
  const auto silent = local_daemon::output_of(d.render(s, {{"quality", "draft"}}));
  const auto p = probe(silent);
  CHECK(p.audio_codec == "aac");  // documented: the track stays, and it is silent
  CHECK(max_volume_db(silent) <= -90);
}

}  // namespace reel::test
