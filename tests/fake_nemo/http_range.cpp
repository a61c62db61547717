#include "fake_nemo/http_range.hpp"

#include <charconv>
#include <optional>

namespace reel::fake_nemo {
namespace {

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

range_result parse_range(std::string_view header, std::uint64_t size) {
  header = trim(header);
  constexpr std::string_view unit = "bytes=";
  if (!header.starts_with(unit)) return {};
  const auto spec = trim(header.substr(unit.size()));
  if (spec.find(',') != std::string_view::npos) return {};
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return {};
  const auto a = trim(spec.substr(0, dash));
  const auto b = trim(spec.substr(dash + 1));
  range_result r;
  if (a.empty()) {  // suffix range: the last N bytes
    const auto n = number(b);
    if (!n) return {};
    if (*n == 0 || size == 0) return {range_result::kind::unsatisfiable, 0, 0};
    r.first = *n >= size ? 0 : size - *n;
    r.last = size - 1;
  } else {
    const auto first = number(a);
    if (!first) return {};
    std::optional<std::uint64_t> last =
        b.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : number(b);
    if (!last || *last < *first) return {};
    if (*first >= size) return {range_result::kind::unsatisfiable, 0, 0};
    r.first = *first;
    r.last = *last >= size ? size - 1 : *last;
  }
  r.what = range_result::kind::partial;
  return r;
}

}  // namespace reel::fake_nemo
