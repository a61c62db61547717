#pragma once
// Growing delays for polls and retries: first, first*factor, first*factor^2, ... up to a cap.
// Pure: it counts steps, the caller owns the clock.
#include <chrono>

namespace reel::core {

struct backoff_policy {
  std::chrono::milliseconds first{2000};
  double factor = 1.5;                   // values below 1 are read as 1
  std::chrono::milliseconds cap{15000};  // values below `first` are read as `first`
};

// The delay before attempt `n` (0-based): min(cap, first * factor^n), in whole milliseconds.
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int n) noexcept;

class backoff {
 public:
  explicit backoff(backoff_policy policy = {}) noexcept : policy_(policy) {}

  // The delay before the next attempt, then one step further along.
  std::chrono::milliseconds next() noexcept { return backoff_delay(policy_, step_++); }
  // Back to the first delay (after a success).
  void reset() noexcept { step_ = 0; }
  // How many delays next() has handed out since the last reset.
  int steps() const noexcept { return step_; }
  const backoff_policy& policy() const noexcept { return policy_; }

 private:
  backoff_policy policy_;
  int step_ = 0;
};

}  // namespace reel::core
