#pragma once
// Splits the bytes a WebSocket client reads into frames (RFC 6455 section 5.2), so a subscriber
// can take hundreds of frames out of one socket read instead of paying one Beast read operation
// per message. Server frames only: unmasked; a masked frame is a protocol error. Push-style:
// read into space(), commit(), take frames with next(), compact(). Pure.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace reel::bench {

struct ws_frame {
  std::uint8_t opcode = 0;  // 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong
  bool fin = true;
  std::string_view payload;  // valid until the next compact()
};

class ws_frame_splitter {
 public:
  // `capacity` bounds the largest frame (header included) it can hold.
  explicit ws_frame_splitter(std::size_t capacity) : buf_(capacity) {}

  // Where the next read should write; empty only when a frame larger than the capacity waits.
  std::span<char> space() { return {buf_.data() + end_, buf_.size() - end_}; }
  // `n` bytes were written at the start of space().
  void commit(std::size_t n) { end_ += n; }
  // The next complete frame, or nullopt when more bytes are needed (or failed()).
  std::optional<ws_frame> next();
  // Moves the bytes not yet parsed to the front; payload views from next() become invalid.
  void compact();
  // A masked frame, a reserved length bit, or a frame that can never fit was seen.
  bool failed() const noexcept { return failed_; }

  // For a client that keeps every byte it read (never compacts) and looks at the frames later:
  // where the next frame starts (the end of the last one next() gave), counted from the first
  // byte read; rewind() walks the frames again from there; grow() adds room (payload views from
  // next() become invalid).
  std::size_t parsed() const noexcept { return begin_; }
  void rewind() noexcept { begin_ = 0; }
  void grow(std::size_t more) { buf_.resize(buf_.size() + more); }

 private:
  std::vector<char> buf_;
  std::size_t begin_ = 0;  // first byte not parsed
  std::size_t end_ = 0;    // one past the last byte read
  bool failed_ = false;
};

}  // namespace reel::bench
