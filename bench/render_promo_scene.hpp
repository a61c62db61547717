#pragma once
// The promo that bench_render_promo renders: its inputs (made with ffmpeg), its draft, and the
// hand-written ffmpeg command that makes the same video without Reel.
#include "core/draft.hpp"

#include <string>
#include <vector>

namespace reel::bench {

struct promo_shape {
  int width = 1920;
  int height = 1080;
  int fps = 30;
  std::int64_t duration_ms = 30000;
  std::int64_t transition_ms = 500;
  std::string preset = "veryfast";  // x264 preset and CRF of the quality being measured
  std::string crf = "23";
  std::string quality = "standard";
  int photo_w = 3000;  // the photos' size (smaller for the smoke run)
  int photo_h = 2000;
};

struct promo_inputs {
  std::vector<std::string> photos;  // five 3000x2000 JPEGs
  std::string music;                // 30 s MP3 (or the run's length)
  std::string font;                 // DejaVu Sans
};

// One process run to its end: wall time and what wait4 says.
struct measured_run {
  bool ok = false;
  double wall_s = 0;
  double cpu_s = 0;     // user + system of the child
  long max_rss_kb = 0;  // the child's peak resident memory
  std::string stderr_tail;
};

// Runs argv (PATH lookup), draining its output; blocking.
measured_run run_measured(const std::vector<std::string>& argv);

// Makes the photos (photo_w x photo_h) and the music in `dir`; throws std::runtime_error when
// ffmpeg fails.
promo_inputs make_inputs(const std::string& dir, std::int64_t music_ms, int photo_w, int photo_h);

// Five photos, each with a Ken Burns preset, crossfades between them, a title, the music
// (faded out at the end). Media ids are "photo1".."photo5" and "music".
core::draft make_promo_draft(const promo_shape& shape);

// The best single ffmpeg command I can write by hand for the same video: same technique (each
// still decoded and scaled once, perspective moves, xfade, drawtext, the music), same encoder
// settings, nothing Reel needs for bookkeeping (-progress, exact-frame trims, colour tags).
std::vector<std::string> reference_command(const promo_shape& shape, const promo_inputs& in,
                                           const std::string& output);

}  // namespace reel::bench
