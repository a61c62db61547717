#pragma once
// A push-style multipart/form-data parser (RFC 7578 over RFC 2046 §5.1.1): feed bytes in pieces
// of any size, get events. Part bodies are reported, never buffered, so uploads of hundreds of
// megabytes stream through in constant memory.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

struct multipart_event {
  enum class kind { part_begin, part_data, part_end, finished, error };
  kind what = kind::error;
  std::string name;          // part_begin: Content-Disposition name
  std::string filename;      // part_begin: Content-Disposition filename (or filename*)
  std::string content_type;  // part_begin: the part's Content-Type, if any
  std::string_view data;     // part_data: valid until the next feed() or finish()
  std::string message;       // error: what was wrong
};

class multipart_parser {
 public:
  // `boundary` is the Content-Type parameter, without the leading "--".
  explicit multipart_parser(std::string boundary);

  // Consumes `bytes`; returns the events they complete. After an error event, returns nothing.
  std::vector<multipart_event> feed(std::string_view bytes);
  // Ends the body: an error event when the close delimiter was never seen, else nothing.
  std::vector<multipart_event> finish();
  // True once the close delimiter was seen.
  bool done() const noexcept { return state_ == state::epilogue; }

 private:
  enum class state { preamble, after_delimiter, headers, body, epilogue, failed };

  void fail(std::vector<multipart_event>& out, std::string message);
  bool parse_headers(std::string_view block, multipart_event& begin);

  std::string delimiter_;  // "\r\n--" + boundary
  std::string buf_;
  std::size_t pos_ = 0;
  state state_ = state::preamble;
};

// The boundary parameter of a multipart/form-data Content-Type; empty when it is not one.
std::string multipart_boundary(std::string_view content_type);

}  // namespace reel::core
