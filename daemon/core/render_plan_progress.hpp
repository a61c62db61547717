#pragma once
// ffmpeg's -progress output (key=value lines, a block ending with "progress=continue" or
// "progress=end"), read push-style: feed() bytes as they come, whole or split anywhere, and get
// one report per finished block. Pure.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

struct ffmpeg_progress {
  std::int64_t out_time_us = -1;  // position written so far; -1 when ffmpeg said N/A
  std::int64_t frame = -1;
  bool end = false;  // "progress=end": ffmpeg has finished writing
};

class progress_parser {
 public:
  // The blocks that `bytes` completes, in order. Unknown keys and malformed lines are ignored.
  std::vector<ffmpeg_progress> feed(std::string_view bytes);

 private:
  void line(std::string_view l, std::vector<ffmpeg_progress>& out);
  std::string partial_;
  ffmpeg_progress current_;
};

// out_time / duration, clamped to 0..1 (1 once ended); 0 when either is unknown.
double progress_fraction(const ffmpeg_progress& p, std::int64_t duration_ms) noexcept;

}  // namespace reel::core
