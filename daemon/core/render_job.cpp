#include "core/render_job.hpp"

#include "core/ws_protocol.hpp"

#include <array>
#include <utility>

namespace reel::core {
namespace {

constexpr std::array<std::string_view, 7> state_names = {
    "queued", "submitting", "rendering", "downloading", "completed", "failed", "cancelled"};

nlohmann::json opt(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json output_json(const render_output& o) {
  return {{"path", opt(o.path)},
          {"url", opt(o.url)},
          {"size", opt(o.size)},
          {"sha256", opt(o.sha256)},
          {"duration_s", opt(o.duration_s)}};
}

// The API's error body ({code, message, ...}) without the {"error": ...} envelope around it.
nlohmann::json error_body(const std::optional<error>& e) {
  if (!e) return nullptr;
  return to_json(*e).at("error");
}

}  // namespace

std::string_view to_string(render_state s) noexcept {
  return state_names[static_cast<std::size_t>(s)];
}

std::optional<render_state> render_state_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < state_names.size(); ++i)
    if (state_names[i] == name) return static_cast<render_state>(i);
  return std::nullopt;
}

bool is_finished(render_state s) noexcept {
  return s == render_state::completed || s == render_state::failed || s == render_state::cancelled;
}

render_job make_render_job(std::string id, std::string session, std::string backend,
                           nlohmann::json draft, nlohmann::json options, std::string dest,
                           std::int64_t now_ms) {
  render_job j;
  j.id = std::move(id);
  j.session = std::move(session);
  j.backend = std::move(backend);
  j.draft = std::move(draft);
  j.options = options.is_object() ? std::move(options) : nlohmann::json::object();
  j.dest = std::move(dest);
  j.created_ms = now_ms;
  j.updated_ms = now_ms;
  return j;
}

std::string make_render_id(std::int64_t unix_ms, std::uint64_t random) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string r;
  do {
    r.insert(r.begin(), digits[random % 36]);
    random /= 36;
  } while (random != 0);
  return "render_" + std::to_string(unix_ms < 0 ? 0 : unix_ms) + "_" + r;
}

bool is_render_id(std::string_view id) noexcept {
  constexpr std::string_view prefix = "render_";
  if (id.size() > 64 || id.substr(0, prefix.size()) != prefix) return false;
  const auto rest = id.substr(prefix.size());
  const auto sep = rest.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep + 1 == rest.size()) return false;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (i == sep) continue;
    const bool digit = c >= '0' && c <= '9';
    const bool lower = c >= 'a' && c <= 'z';
    if (i < sep ? !digit : !(digit || lower)) return false;
  }
  return true;
}

std::string part_path(const render_job& job) {
  return job.dest + ".part";
}

nlohmann::json to_api_json(const render_job& job) {
  return {{"id", job.id},
          {"session", job.session},
          {"backend", job.backend},
          {"state", std::string(to_string(job.state))},
          {"progress", job.progress},
          {"created_at", rfc3339_ms(job.created_ms)},
          {"updated_at", rfc3339_ms(job.updated_ms)},
          {"output", output_json(job.output)},
          {"error", error_body(job.failure)}};
}

nlohmann::json to_event_json(const render_job& job) {
  nlohmann::json j{{"job", job.id},
                   {"session", job.session},
                   {"state", std::string(to_string(job.state))},
                   {"progress", job.progress}};
  if (job.state == render_state::completed) j["output"] = output_json(job.output);
  if (job.state == render_state::failed) j["error"] = error_body(job.failure);
  return j;
}

}  // namespace reel::core
