#include "ws_frame_splitter.hpp"

#include <cstring>

namespace reel::bench {

std::optional<ws_frame> ws_frame_splitter::next() {
  if (failed_) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(buf_.data() + begin_);
  const std::size_t avail = end_ - begin_;
  if (avail < 2) return std::nullopt;
  if (p[1] & 0x80) {  // RFC 6455 5.1: a server must not mask
    failed_ = true;
    return std::nullopt;
  }
  std::size_t header = 2;
  std::uint64_t len = p[1] & 0x7f;
  if (len == 126) {
    if (avail < 4) return std::nullopt;
    header = 4;
    len = (std::uint64_t{p[2]} << 8) | p[3];
  } else if (len == 127) {
    if (avail < 10) return std::nullopt;
    header = 10;
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
  }
  if (len > buf_.size() - header) {  // could never fit, however much is read
    failed_ = true;
    return std::nullopt;
  }
  if (avail < header + len) return std::nullopt;
  ws_frame f;
  f.fin = (p[0] & 0x80) != 0;
  f.opcode = p[0] & 0x0f;
  f.payload = std::string_view(buf_.data() + begin_ + header, static_cast<std::size_t>(len));
  begin_ += header + static_cast<std::size_t>(len);
  return f;
}

void ws_frame_splitter::compact() {
  if (begin_ == 0) return;
  const std::size_t rest = end_ - begin_;
  // Usually nothing or a partial frame is left, so this moves a few bytes at most.
  if (rest > 0) std::memmove(buf_.data(), buf_.data() + begin_, rest);
  begin_ = 0;
  end_ = rest;
}

}  // namespace reel::bench
