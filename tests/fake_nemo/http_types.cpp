#include "fake_nemo/http_types.hpp"

#include <algorithm>

namespace reel::fake_nemo {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string find_header(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

bool has_header(const header_list& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& kv) { return iequals(kv.first, name); });
}

}  // namespace reel::fake_nemo
