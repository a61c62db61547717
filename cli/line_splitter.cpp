#include "cli/line_splitter.hpp"

namespace reel::cli {

bool line_splitter::feed(std::string_view bytes, const line_callback& on_line) {
  for (char ch : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (ch == '\n') continue;
    }
    if (ch == '\r' || ch == '\n') {
      after_cr_ = ch == '\r';
      std::string line;
      line.swap(partial_);
      if (!on_line(line)) return false;
      continue;
    }
    partial_ += ch;
  }
  return true;
}

bool line_splitter::finish(const line_callback& on_line) {
  after_cr_ = false;
  if (partial_.empty()) return true;
  std::string line;
  line.swap(partial_);
  return on_line(line);
}

}  // namespace reel::cli
