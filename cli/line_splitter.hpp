#pragma once
// Splits a byte stream into lines (LF, CRLF or CR, as text/event-stream allows), push-style:
// feed(bytes) hands over every complete line; the rest waits for more bytes or finish().
#include <functional>
#include <string>
#include <string_view>

namespace reel::cli {

class line_splitter {
 public:
  // Receives one line without its terminator; returns false to stop (feed then returns false).
  using line_callback = std::function<bool(std::string_view line)>;

  // Feeds bytes in any split; false when the callback asked to stop.
  bool feed(std::string_view bytes, const line_callback& on_line);
  // Hands over a last unterminated line, if any; false when the callback asked to stop.
  bool finish(const line_callback& on_line);

 private:
  std::string partial_;
  bool after_cr_ = false;  // a CR ended the last line: a following LF belongs to it
};

}  // namespace reel::cli
