#include "core/route_table.hpp"

namespace reel::core {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::size_t route_table::add(std::string method, std::string pattern) {
  route r{std::move(method), std::move(pattern), {}};
  for (auto s : split_path(r.pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
  return routes_.size() - 1;
}

route_match route_table::match(std::string_view method, std::string_view path) const {
  route_match out;
  auto segments = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& r = routes_[i];
    if (r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t k = 0; k < segments.size() && ok; ++k) {
      const auto& pat = r.segments[k];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
        auto value = percent_decode(segments[k]);
        ok = value && !value->empty();
        if (ok) params[pat.substr(1, pat.size() - 2)] = std::move(*value);
      } else {
        ok = pat == segments[k];
      }
    }
    if (!ok) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      out.outcome = route_match::kind::found;
      out.index = i;
      out.name = r.pattern;
      out.params = std::move(params);
      return out;
    }
    out.outcome = route_match::kind::method_not_allowed;
    out.name = r.pattern;
    if (out.allow.find(r.method) == std::string::npos)
      out.allow += (out.allow.empty() ? "" : ", ") + r.method;
  }
  return out;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      char c = static_cast<char>(hi * 16 + lo);
      if (c == '\0') return std::nullopt;
      out += c;
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return percent_decode(eq == std::string_view::npos ? std::string_view{}
                                                         : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace reel::core
