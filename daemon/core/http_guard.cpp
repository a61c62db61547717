#include "core/http_guard.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace reel::core {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// 127.0.0.0/8 in dotted-quad form, four decimal parts.
bool is_ipv4_loopback(std::string_view h) {
  int parts = 0;
  unsigned first = 0;
  while (true) {
    auto dot = h.find('.');
    auto part = h.substr(0, dot);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc{} || end != part.data() + part.size() || part.empty() || v > 255 ||
        part.size() > 3)
      return false;
    if (parts == 0) first = v;
    ++parts;
    if (dot == std::string_view::npos) break;
    h.remove_prefix(dot + 1);
  }
  return parts == 4 && first == 127;
}

}  // namespace

bool host_allowed(std::string_view host, std::uint16_t port) noexcept {
  std::string_view name = host;
  std::string_view port_text;
  bool has_port = false;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    name = host.substr(1, close - 1);
    auto rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port_text = rest.substr(1);
      has_port = true;
    }
    if (name != "::1") return false;
  } else {
    auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      name = host.substr(0, colon);
      port_text = host.substr(colon + 1);
      has_port = true;
    }
    if (!(iequals(name, "localhost") || is_ipv4_loopback(name))) return false;
  }
  if (has_port) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port_text.empty() ||
        p != port)
      return false;
  }
  return true;
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) noexcept {
  if (origin.empty() || origin == "null") return false;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return iequals(a, origin); });
}

std::string_view bearer_token(std::string_view authorization) noexcept {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size() ||
      !iequals(authorization.substr(0, scheme.size()), scheme))
    return {};
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // Walk the expected length always so the time says nothing about where a mismatch is.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < b.size(); ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

}  // namespace reel::core
