#include "service/render_rows.hpp"

#include <cmath>

namespace reel::service {
namespace {

nlohmann::json parse_or_object(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

std::optional<std::string> opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

store::job_row to_row(const core::render_job& job) {
  store::job_row r;
  r.id = job.id;
  r.session_id = job.session;
  r.backend = job.backend;
  r.state = std::string(core::to_string(job.state));
  r.progress = job.progress;
  r.draft = job.draft.dump();
  r.options = job.options.dump();
  r.dest = opt(job.dest);
  r.output_url = opt(job.output.url);
  r.output_path = opt(job.output.path);
  if (job.output.size) r.output_size = static_cast<std::int64_t>(*job.output.size);
  r.output_sha256 = opt(job.output.sha256);
  if (job.output.duration_s)
    r.output_duration_ms = static_cast<std::int64_t>(std::llround(*job.output.duration_s * 1000));
  if (job.failure) r.error = core::to_json(*job.failure).dump();
  r.attempts = job.attempts;
  r.created_ms = job.created_ms;
  r.updated_ms = job.updated_ms;
  r.submitted_ms = job.submitted_ms;
  r.finished_ms = job.finished_ms;
  return r;
}

std::optional<core::render_job> from_row(const store::job_row& r) {
  auto state = core::render_state_from_string(r.state);
  if (!state) return std::nullopt;
  core::render_job j;
  j.id = r.id;
  j.session = r.session_id;
  j.backend = r.backend;
  j.state = *state;
  j.progress = r.progress;
  j.created_ms = r.created_ms;
  j.updated_ms = r.updated_ms;
  j.submitted_ms = r.submitted_ms;
  j.finished_ms = r.finished_ms;
  j.draft = parse_or_object(r.draft);
  j.options = parse_or_object(r.options);
  j.dest = r.dest.value_or("");
  j.output.url = r.output_url.value_or("");
  j.output.path = r.output_path.value_or("");
  if (r.output_size) j.output.size = static_cast<std::uint64_t>(*r.output_size);
  j.output.sha256 = r.output_sha256.value_or("");
  if (r.output_duration_ms) j.output.duration_s = static_cast<double>(*r.output_duration_ms) / 1000;
  if (r.error) j.failure = core::error_from_json(parse_or_object(*r.error));
  j.attempts = r.attempts;
  return j;
}

}  // namespace reel::service
