#include "core/http_range.hpp"

#include <charconv>

namespace reel::core {
namespace {

bool number(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

range_result parse_range(std::string_view header, std::uint64_t size) {
  range_result whole;
  constexpr std::string_view unit = "bytes=";
  if (header.substr(0, unit.size()) != unit) return whole;
  auto spec = header.substr(unit.size());
  if (spec.find(',') != std::string_view::npos) return whole;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  auto a = spec.substr(0, dash);
  auto b = spec.substr(dash + 1);
  std::uint64_t first = 0, last = 0;
  range_result r;
  r.outcome = range_outcome::partial;
  if (a.empty()) {  // suffix: the last N bytes
    if (!number(b, last) || last == 0 || size == 0) return {range_outcome::unsatisfiable, {}};
    r.range = {last >= size ? 0 : size - last, size - 1};
    return r;
  }
  if (!number(a, first)) return whole;
  if (first >= size) return {range_outcome::unsatisfiable, {}};
  if (b.empty()) {
    last = size - 1;
  } else {
    if (!number(b, last) || last < first) return whole;
    if (last >= size) last = size - 1;
  }
  r.range = {first, last};
  return r;
}

}  // namespace reel::core
