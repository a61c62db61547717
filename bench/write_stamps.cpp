#include "write_stamps.hpp"

#include <algorithm>
#include <charconv>

namespace reel::bench {

void write_stamps::feed(std::string_view bytes, std::int64_t now_ns) {
  std::lock_guard lock(mu_);
  tail_.append(bytes);
  std::size_t at = 0, keep_from = tail_.size() > 16 ? tail_.size() - 16 : 0;
  while ((at = tail_.find("[#", at)) != std::string::npos) {
    const auto close = tail_.find(']', at);
    if (close == std::string::npos) {
      keep_from = std::min(keep_from, at);
      break;
    }
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(tail_.data() + at + 2, tail_.data() + close, v);
    if (ec == std::errc{} && end == tail_.data() + close && v < stamps_.size()) {
      std::int64_t none = 0;
      stamps_[v].compare_exchange_strong(none, now_ns, std::memory_order_relaxed);
    }
    at = close;
  }
  tail_.erase(0, keep_from);
}

}  // namespace reel::bench
