#pragma once
// Turns a sim_response's body (text, SSE chunks or a file slice) into the pieces a connection
// writes, applying the "cut after K bytes" fault. Beast-free so it is tested without a socket.
#include "fake_nemo/http_types.hpp"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

namespace reel::fake_nemo {

struct body_piece {
  std::string bytes;
  std::chrono::milliseconds pause{0};  // wait this long before writing it
};

class body_source {
 public:
  // Takes over the body of `r` (its body, sse and file members). Throws std::runtime_error when
  // a file body cannot be opened.
  explicit body_source(sim_response& r);

  // The next piece; nullopt when the body (or what the fault lets through) is written.
  std::optional<body_piece> next();
  // True when the body ends by cutting the connection instead of completing.
  bool cut() const noexcept { return cut_; }
  // The byte count announced in Content-Length (text and file bodies).
  std::uint64_t content_length() const noexcept { return total_; }

 private:
  static constexpr std::size_t block = 64 * 1024;

  // How many of `n` more bytes the cut still lets through.
  std::uint64_t allowance(std::uint64_t n) const;

  body_kind kind_;
  std::string text_;
  std::vector<sse_chunk> sse_;
  std::size_t next_chunk_ = 0;
  std::ifstream file_;
  std::uint64_t remaining_ = 0;  // file bytes not yet read
  std::uint64_t total_ = 0;
  std::uint64_t sent_ = 0;
  std::optional<std::uint64_t> cut_after_;
  bool cut_ = false;
  bool done_ = false;
};

}  // namespace reel::fake_nemo
