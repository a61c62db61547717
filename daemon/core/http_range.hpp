#pragma once
// The one-range subset of HTTP Range requests (RFC 9110 section 14) that file downloads need.
#include <cstdint>
#include <optional>
#include <string_view>

namespace reel::core {

struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

enum class range_outcome { whole, partial, unsatisfiable };

struct range_result {
  range_outcome outcome = range_outcome::whole;
  byte_range range;
};

// Reads a Range header for a representation of `size` bytes: "bytes=0-99", "bytes=100-",
// "bytes=-500". Several ranges or other units are answered whole (allowed by the RFC).
range_result parse_range(std::string_view header, std::uint64_t size);

}  // namespace reel::core
