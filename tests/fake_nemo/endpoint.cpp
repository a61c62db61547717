#include "fake_nemo/endpoint.hpp"

#include <array>

namespace reel::fake_nemo {
namespace {

struct route_row {
  std::string_view method;
  std::string_view pattern;  // at most one "{}" capture, which never spans a '/'
  endpoint ep;
};

// The one table. Longer patterns that share a prefix come first only for readability: a capture
// never contains '/', so "/lambda/{}" cannot swallow "/lambda/{}/download".
constexpr std::array<route_row, 11> routes{{
    {"POST", "/api/auth/anonymous-token", endpoint::anonymous_token},
    {"POST", "/api/tasks/me/with-session/nemo_agent", endpoint::create_session},
    {"POST", "/run_sse", endpoint::run_sse},
    {"POST", "/api/upload-video/nemo_agent/me/{}", endpoint::upload},
    {"GET", "/api/credits/balance/simple", endpoint::credits},
    {"GET", "/api/state/nemo_agent/me/{}/latest", endpoint::state},
    {"POST", "/api/render/proxy/lambda", endpoint::render_create},
    {"GET", "/api/render/proxy/lambda/{}", endpoint::render_status},
    {"DELETE", "/api/render/proxy/lambda/{}", endpoint::render_cancel},
    {"GET", "/api/render/proxy/lambda/{}/download", endpoint::render_download},
    {"GET", "/files/{}.mp4", endpoint::file},
}};

constexpr std::array<std::string_view, 12> names{
    "anonymous_token", "create_session", "run_sse",       "upload",          "credits", "state",
    "render_create",   "render_status",  "render_cancel", "render_download", "file",    "not_found",
};

// Matches `path` against `pattern`; on success stores the capture in `param`.
bool matches(std::string_view pattern, std::string_view path, std::string& param) {
  const auto hole = pattern.find("{}");
  if (hole == std::string_view::npos) return pattern == path;
  const auto prefix = pattern.substr(0, hole);
  const auto suffix = pattern.substr(hole + 2);
  if (path.size() <= prefix.size() + suffix.size()) return false;
  if (!path.starts_with(prefix) || !path.ends_with(suffix)) return false;
  const auto middle = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (middle.empty() || middle.find('/') != std::string_view::npos) return false;
  param.assign(middle);
  return true;
}

}  // namespace

std::string_view to_string(endpoint ep) noexcept {
  return names[static_cast<std::size_t>(ep)];
}

std::optional<endpoint> endpoint_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<endpoint>(i);
  }
  return std::nullopt;
}

route_match match_route(std::string_view method, std::string_view path) {
  route_match found;
  for (const auto& row : routes) {
    std::string param;
    if (!matches(row.pattern, path, param)) continue;
    if (row.method == method) {
      return route_match{row.ep, std::move(param), true, {}};
    }
    // Same path, other method: remember it for a 405 unless a later row matches the method.
    found.ep = row.ep;
    found.param = std::move(param);
    if (!found.allow.empty()) found.allow += ", ";
    found.allow += row.method;
  }
  return found;
}

std::string_view target_path(std::string_view target) noexcept {
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace reel::fake_nemo
