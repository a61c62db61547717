// Ken Burns moves glide: rendered for real, every frame differs from the one before by about the
// same amount (no frame that repeats the previous one followed by a jump). The same move drawn
// the common way (zoompan, whole pixels: quality draft) shows the stair-steps, so the measure
// does catch them.
#include "engine_fixture.hpp"

#include <algorithm>
#include <numeric>

namespace {

using namespace reel;

struct steps {
  double min = 0, median = 0, max = 0;
};

steps summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

// A slow pan (0.5 output px per frame) over a detailed photo, 2 s at 640x360.
std::vector<double> render_pan(core::render_quality q, const std::string& name) {
  test::temp_dir dir;
  test::make_media("testsrc2=s=3000x2000", dir.file("photo.png"), {"-frames:v", "1"});
  auto d = core::draft::make_empty(640, 360);
  d.add_track(core::track_kind::video)
      .add_segment()
      .set_source("photo")
      .set_start_ms(0)
      .set_duration_ms(2000)
      .set_motion({{}, {0.48, 0.5, 1.2}, {0.52, 0.5, 1.2}});
  auto s = test::small_settings(dir, name);
  s.quality = q;
  auto plan = core::make_render_plan(d, test::probe_all({{"photo", dir.file("photo.png")}}), s);
  REQUIRE(plan.has_value());
  // Near-lossless, so that what is measured is the picture and not the encoder.
  for (auto& a : plan->final_step.argv)
    if (a == "23" || a == "28") a = "10";
  auto r = engine::run_plan_sync(*plan);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  auto changes = test::frame_changes(s.output_path);
  REQUIRE(changes.size() >= 58);
  // The first value compares frame 0 with itself (tblend starts at the second frame on some
  // versions); keep the steps between frames 1..59.
  changes.erase(changes.begin());
  return changes;
}

}  // namespace

TEST_CASE("a slow Ken Burns pan changes every frame by an even, sub-pixel amount") {
  const auto s = summary(render_pan(core::render_quality::standard, "smooth.mp4"));
  INFO("min " << s.min << " median " << s.median << " max " << s.max);
  MESSAGE("perspective steps: min " << s.min << " median " << s.median << " max " << s.max);
  CHECK(s.median > 0.2);          // it moves
  CHECK(s.min > 0.5 * s.median);  // never (nearly) still
  CHECK(s.max < 1.6 * s.median);  // never a jump
}

TEST_CASE("the same pan with whole-pixel zoompan stair-steps, and the measure sees it") {
  const auto s = summary(render_pan(core::render_quality::draft, "steps.mp4"));
  INFO("min " << s.min << " median " << s.median << " max " << s.max);
  MESSAGE("zoompan steps: min " << s.min << " median " << s.median << " max " << s.max);
  CHECK(s.min < 0.2 * s.max);  // frames that repeat the previous one, then a jump
}
