#include "runtime/ids.hpp"

#include <random>

namespace reel::runtime {

std::string new_id(std::string_view prefix) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(prefix);
  std::uint64_t bits = rng();
  for (int i = 0; i < 12; ++i) {
    out += digits[bits % 36];
    bits /= 36;
  }
  return out;
}

}  // namespace reel::runtime
