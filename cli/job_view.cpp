#include "cli/job_view.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

namespace reel::cli {
namespace {

std::string text(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "-";
  const auto& v = j[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

double progress_of(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("progress") || !j["progress"].is_number()) return 0;
  return std::clamp(j["progress"].get<double>(), 0.0, 1.0);
}

std::string percent(double p) {
  return std::to_string(static_cast<int>(std::floor(p * 100 + 1e-9))) + "%";
}

nlohmann::json output_of(const nlohmann::json& job) {
  if (job.is_object() && job.contains("output") && job["output"].is_object()) return job["output"];
  return nlohmann::json::object();
}

std::string error_message(const nlohmann::json& job) {
  if (job.is_object() && job.contains("error") && job["error"].is_object())
    return text(job["error"], "message");
  return "-";
}

std::string size_text(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  const double b = v.get<double>();
  std::ostringstream out;
  out.precision(1);
  out << std::fixed;
  if (b >= 1 << 20)
    out << b / (1 << 20) << " MiB";
  else if (b >= 1 << 10)
    out << b / (1 << 10) << " KiB";
  else
    return std::to_string(static_cast<long long>(b)) + " B";
  return out.str();
}

}  // namespace

bool job_finished(const nlohmann::json& job) {
  const auto s = text(job, "state");
  return s == "completed" || s == "failed" || s == "cancelled";
}

std::string format_progress(const nlohmann::json& job, int width) {
  const double p = progress_of(job);
  const int filled = static_cast<int>(std::floor(p * width + 1e-9));
  std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                    std::string(static_cast<std::size_t>(width - filled), '.') + "]";
  std::string pc = percent(p);
  pc.insert(0, 4 - std::min<std::size_t>(4, pc.size()), ' ');
  return bar + " " + pc + "  " + text(job, "state");
}

std::string format_jobs(const nlohmann::json& jobs) {
  if (!jobs.is_array() || jobs.empty()) return "No render jobs.\n";
  std::vector<std::vector<std::string>> rows{
      {"ID", "STATE", "PROGRESS", "SESSION", "UPDATED", "OUTPUT"}};
  for (const auto& j : jobs) {
    auto out = text(output_of(j), "path");
    if (text(j, "state") == "failed") out = error_message(j);
    rows.push_back({text(j, "id"), text(j, "state"), percent(progress_of(j)), text(j, "session"),
                    text(j, "updated_at"), out});
  }
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(widths[i] - r[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string format_job(const nlohmann::json& job) {
  const auto o = output_of(job);
  const std::vector<std::pair<std::string, std::string>> rows{
      {"id", text(job, "id")},
      {"session", text(job, "session")},
      {"backend", text(job, "backend")},
      {"state", text(job, "state")},
      {"progress", percent(progress_of(job))},
      {"created", text(job, "created_at")},
      {"updated", text(job, "updated_at")},
      {"output", text(o, "path")},
      {"size", size_text(o.value("size", nlohmann::json()))},
      {"sha256", text(o, "sha256")},
      {"duration", o.contains("duration_s") && o["duration_s"].is_number()
                       ? text(o, "duration_s") + " s"
                       : "-"},
      {"url", text(o, "url")},
      {"error", error_message(job)},
  };
  std::string out;
  for (const auto& [k, v] : rows) out += k + std::string(10 - k.size(), ' ') + v + "\n";
  return out;
}

void job_bar::update(const nlohmann::json& job) {
  const auto line = format_progress(job);
  const std::string state =
      job.contains("state") && job["state"].is_string() ? job["state"].get<std::string>() : "";
  const int step = job.contains("progress") && job["progress"].is_number()
                       ? static_cast<int>(job["progress"].get<double>() * 10)
                       : 0;
  if (tty_) {
    err_ << "\r" << line << "   " << std::flush;
    drawn_ = true;
  } else if (state != state_ || step != step_) {
    err_ << line << "\n" << std::flush;
  }
  state_ = state;
  step_ = step;
}

void job_bar::notice(const std::string& line) {
  end_line();
  err_ << "reel: " << line << "\n" << std::flush;
}

void job_bar::end_line() {
  if (drawn_) err_ << "\n" << std::flush;
  drawn_ = false;
}

}  // namespace reel::cli
