// ffmpeg's -progress output, fed whole, byte by byte and split at every position (rule 2).
#include "core/render_plan_progress.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using namespace reel::core;

// Two blocks as ffmpeg 5.1 writes them (key set trimmed to the interesting ones).
const std::string sample =
    "frame=45\nfps=29.97\nout_time_us=1500000\nout_time_ms=1500000\nout_time=00:00:01.500000\n"
    "speed=1.02x\nprogress=continue\n"
    "frame=90\nout_time_us=N/A\r\nprogress=continue\n"
    "frame=150\nout_time_us=5000000\nprogress=end\n";

void check(const std::vector<ffmpeg_progress>& got) {
  REQUIRE(got.size() == 3);
  CHECK(got[0].out_time_us == 1500000);
  CHECK(got[0].frame == 45);
  CHECK_FALSE(got[0].end);
  CHECK(got[1].out_time_us == -1);
  CHECK(got[1].frame == 90);
  CHECK(got[2].end);
}

}  // namespace

TEST_CASE("progress blocks are read whole, byte by byte and split anywhere") {
  {
    progress_parser p;
    check(p.feed(sample));
  }
  {
    progress_parser p;
    std::vector<ffmpeg_progress> all;
    for (char c : sample)
      for (const auto& x : p.feed(std::string(1, c))) all.push_back(x);
    check(all);
  }
  for (std::size_t cut = 0; cut <= sample.size(); ++cut) {
    CAPTURE(cut);
    progress_parser p;
    auto all = p.feed(sample.substr(0, cut));
    for (const auto& x : p.feed(sample.substr(cut))) all.push_back(x);
    check(all);
  }
}

TEST_CASE("progress is out_time over the duration, clamped, 1 at the end") {
  ffmpeg_progress p;
  p.out_time_us = 1500000;
  CHECK(progress_fraction(p, 3000) == doctest::Approx(0.5));
  p.out_time_us = 9000000;
  CHECK(progress_fraction(p, 3000) == 1.0);
  p.out_time_us = -1;
  CHECK(progress_fraction(p, 3000) == 0.0);
  CHECK(progress_fraction(p, 0) == 0.0);
  p.end = true;
  CHECK(progress_fraction(p, 3000) == 1.0);
}
