#include "core/render_plan_progress.hpp"

#include <algorithm>
#include <charconv>

namespace reel::core {

namespace {

std::int64_t int_of(std::string_view v) {
  std::int64_t n = -1;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc{} && p == v.data() + v.size() ? n : -1;
}

}  // namespace

std::vector<ffmpeg_progress> progress_parser::feed(std::string_view bytes) {
  std::vector<ffmpeg_progress> out;
  for (char c : bytes) {
    if (c == '\n') {
      line(partial_, out);
      partial_.clear();
    } else if (partial_.size() < 4096) {  // a line longer than any ffmpeg writes is cut
      partial_ += c;
    }
  }
  return out;
}

void progress_parser::line(std::string_view l, std::vector<ffmpeg_progress>& out) {
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  const auto eq = l.find('=');
  if (eq == std::string_view::npos) return;
  const auto key = l.substr(0, eq);
  const auto value = l.substr(eq + 1);
  // out_time_us is microseconds (out_time_ms is too, despite its name: an old ffmpeg quirk).
  if (key == "out_time_us") {
    current_.out_time_us = int_of(value);
  } else if (key == "frame") {
    current_.frame = int_of(value);
  } else if (key == "progress") {
    current_.end = value == "end";
    out.push_back(current_);
    current_ = ffmpeg_progress{};
  }
}

double progress_fraction(const ffmpeg_progress& p, std::int64_t duration_ms) noexcept {
  if (p.end) return 1.0;
  if (p.out_time_us < 0 || duration_ms <= 0) return 0.0;
  return std::clamp(static_cast<double>(p.out_time_us) / (duration_ms * 1000.0), 0.0, 1.0);
}

}  // namespace reel::core
