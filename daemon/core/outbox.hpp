#pragma once
// A bounded queue of serialized frames for one client (design.md rule 6). Frames are shared, not
// copied, between clients. A frame may carry a coalescing key: a newer frame with the same key
// drops the one still waiting and joins at the back (only the latest progress of a job waits).
// Pure.
#include <cstddef>
#include <deque>
#include <memory>
#include <string>

namespace reel::core {

using frame = std::shared_ptr<const std::string>;

class outbox {
 public:
  outbox(std::size_t max_messages, std::size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}

  // Queues `f`; false (and nothing queued) when that would pass either bound.
  bool push(frame f, std::string coalesce_key = {});
  // The oldest frame; the outbox must not be empty.
  const frame& front() const { return items_.front().f; }
  // Drops the oldest frame (after it was written).
  void pop();
  void clear();
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }

 private:
  struct item {
    frame f;
    std::string key;
  };
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::deque<item> items_;
};

}  // namespace reel::core
