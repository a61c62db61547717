#pragma once
// When the simulator wrote each numbered piece: fed with the bytes of every event-stream chunk
// just before the simulator writes it (fake_nemo::simulator::set_stream_observer), it stamps
// every "[#N]" marker (CLOCK_MONOTONIC) the first time it sees it. Fed from the simulator's
// thread, read from the bench's once the stream is over.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace reel::bench {

class write_stamps {
 public:
  explicit write_stamps(std::size_t markers) : stamps_(markers) {}

  // Stamps the markers completed by `bytes` (a marker may be split across calls) at `now_ns`.
  void feed(std::string_view bytes, std::int64_t now_ns);
  // When marker `i` was first written; 0 when never.
  std::int64_t stamp(std::size_t i) const noexcept {
    return i < stamps_.size() ? stamps_[i].load(std::memory_order_relaxed) : 0;
  }
  std::size_t markers() const noexcept { return stamps_.size(); }

 private:
  std::vector<std::atomic<std::int64_t>> stamps_;
  std::mutex mu_;     // feed() may come from more than one connection
  std::string tail_;  // the end of the last chunk, where a marker may continue
};

}  // namespace reel::bench
