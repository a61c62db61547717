#include "cli/status_view.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

namespace reel::cli {
namespace {

using nlohmann::json;

const json& field(const json& j, const char* name) {
  static const json missing;
  if (j.is_object()) {
    auto it = j.find(name);
    if (it != j.end()) return *it;
  }
  return missing;
}

std::string text(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_float()) {
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
  }
  if (v.is_object()) {
    // {"queued":0,"rendering":1} -> "queued 0, rendering 1": counts and credits alike.
    std::string out;
    for (const auto& [k, item] : v.items()) {
      // The token itself never reaches a screen, whatever a daemon sends.
      if (k == "token" || k == "value" || k == "access_token") continue;
      if (!out.empty()) out += ", ";
      out += k + " " + text(item);
    }
    return out.empty() ? "-" : out;
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : ", ") + text(item);
    return out.empty() ? "-" : out;
  }
  return v.dump();
}

class rows {
 public:
  void add(std::string label, std::string value) {
    rows_.emplace_back(std::move(label), std::move(value));
  }
  std::string str() const {
    std::size_t width = 0;
    for (const auto& r : rows_) width = std::max(width, r.first.size());
    std::string out;
    for (const auto& [label, value] : rows_) {
      out +=
          label.empty() ? std::string(width, ' ') : label + std::string(width - label.size(), ' ');
      out += "  " + value + "\n";
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void add_backends(rows& r, const json& backends) {
  if (!backends.is_array() || backends.empty()) {
    r.add("backends", "-");
    return;
  }
  std::vector<std::string> names;
  std::vector<std::string> healths;
  std::size_t name_w = 0;
  std::size_t health_w = 0;
  for (const auto& b : backends) {
    auto name = text(field(b, "name"));
    if (field(b, "default").is_boolean() && field(b, "default").get<bool>()) name += " (default)";
    names.push_back(name);
    healths.push_back(text(field(b, "health")));
    name_w = std::max(name_w, names.back().size());
    health_w = std::max(health_w, healths.back().size());
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto line = pad(names[i], name_w) + "  " + pad(healths[i], health_w);
    const auto& detail = field(backends[i], "detail");
    if (!detail.is_null()) line += "  " + text(detail);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    r.add(i == 0 ? "backends" : "", line);
  }
}

std::string token_text(const json& token) {
  if (!token.is_object()) return "-";
  return text(field(token, "state")) + " (source " + text(field(token, "source")) + ", expires " +
         text(field(token, "expires_at")) + ")";
}

}  // namespace

std::string format_duration(const json& seconds) {
  if (!seconds.is_number()) return "-";
  auto v = seconds.get<double>();
  if (v < 0 || !std::isfinite(v)) return "-";
  auto s = static_cast<long long>(v);
  long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
  if (d > 0) return std::to_string(d) + "d " + std::to_string(h) + "h";
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(sec) + "s";
  return std::to_string(sec) + "s";
}

std::string format_status(const status_view_input& in) {
  const auto& st = in.status;
  rows r;
  r.add("reel", in.client_version);
  auto daemon = text(field(st, "version"));
  if (!field(st, "pid").is_null()) daemon += " (pid " + text(field(st, "pid")) + ")";
  r.add("reeld", daemon);
  r.add("address", in.address + " (" + in.address_source + ")");
  r.add("listen", text(field(st, "listen")));
  r.add("state dir", text(field(st, "state_dir")));
  r.add("uptime", format_duration(field(st, "uptime_s")));
  add_backends(r, field(st, "backends"));
  const auto& upstream = field(st, "upstream");
  r.add("upstream", "token " + token_text(field(upstream, "token")));
  r.add("credits", text(field(upstream, "credits")));
  const auto& counts = field(st, "counts");
  r.add("sessions", text(field(counts, "sessions")));
  r.add("media", text(field(counts, "media")));
  r.add("jobs", text(field(counts, "jobs")));
  r.add("ws clients", text(field(counts, "ws_clients")));
  r.add("events", text(field(counts, "events_stored")));
  return r.str();
}

}  // namespace reel::cli
