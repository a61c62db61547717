#pragma once
// The subscriber's hot path: reads seq and data.t out of an event frame by string search (no JSON
// DOM), records receive - t as a latency and checks that seq only grows. Pure apart from the
// vector it appends to; single-threaded.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace reel::bench {

struct event_fields {
  std::int64_t seq = 0;
  std::int64_t t_ns = 0;  // the publisher's CLOCK_MONOTONIC stamp, from data.t
};

// The seq and data.t of an `{"type":"event",...,"data":{"t":N}}` frame; nullopt for any other
// frame or when either number is missing.
std::optional<event_fields> scan_event(std::string_view frame) noexcept;

// CLOCK_MONOTONIC in nanoseconds: comparable across processes on one machine.
std::int64_t monotonic_ns() noexcept;

class delivery_recorder {
 public:
  // Appends latencies to `latencies`, which must outlive the recorder (shared by all subscribers
  // of one run, so one allocation serves a million deliveries).
  explicit delivery_recorder(std::vector<std::int64_t>& latencies) : latencies_(&latencies) {}

  // Records one text frame received at `now_ns`; false when it was not an event.
  bool record(std::string_view frame, std::int64_t now_ns);

  std::int64_t delivered() const noexcept { return delivered_; }
  std::int64_t out_of_order() const noexcept { return out_of_order_; }
  std::int64_t not_events() const noexcept { return not_events_; }

 private:
  std::vector<std::int64_t>* latencies_;
  std::int64_t last_seq_ = 0;
  std::int64_t delivered_ = 0;
  std::int64_t out_of_order_ = 0;
  std::int64_t not_events_ = 0;
};

}  // namespace reel::bench
