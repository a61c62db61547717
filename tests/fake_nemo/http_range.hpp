#pragma once
// Single byte ranges (RFC 9110 §14.1.2) for the simulator's file downloads.
#include <cstdint>
#include <string_view>

namespace reel::fake_nemo {

struct range_result {
  enum class kind { whole, partial, unsatisfiable };
  kind what = kind::whole;
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive
};

// Reads a Range header value for a resource of `size` bytes. Absent, malformed or multi-range
// values read as `whole` (a server may ignore Range); a range starting at or past the end, or
// any range of an empty resource, is `unsatisfiable` (416).
range_result parse_range(std::string_view header, std::uint64_t size);

}  // namespace reel::fake_nemo
