#pragma once
// A TCP relay between reeld and the simulator that notes when each numbered event passes: every
// "[#N]" in the bytes the simulator sends is stamped (CLOCK_MONOTONIC) as it is read, before it
// is forwarded. Runs on its own thread; the stamps are the simulator's write times for the chat
// relay bench (the relay's own hop, tens of microseconds, counts as added latency).
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace reel::bench {

class sse_tap {
 public:
  // Relays 127.0.0.1:<port()> to 127.0.0.1:`target_port`; stamps markers 0..`markers`-1.
  sse_tap(std::uint16_t target_port, std::size_t markers);
  ~sse_tap();  // stops the thread, closes every connection
  sse_tap(const sse_tap&) = delete;
  sse_tap& operator=(const sse_tap&) = delete;

  std::uint16_t port() const noexcept;
  // When marker `i` was first seen; 0 when never.
  std::int64_t stamp(std::size_t i) const noexcept;
  std::size_t markers() const noexcept;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace reel::bench
