#include "core/backoff.hpp"

#include <algorithm>
#include <cstdint>

namespace reel::core {

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int n) noexcept {
  const double first = static_cast<double>(std::max<std::int64_t>(0, policy.first.count()));
  const double cap = std::max(first, static_cast<double>(policy.cap.count()));
  const double factor = std::max(1.0, policy.factor);
  // Multiply step by step and stop at the cap: factor^n for a large n would overflow.
  double d = first;
  for (int i = 0; i < n && d < cap; ++i) d *= factor;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(d, cap) + 0.5));
}

}  // namespace reel::core
