#include "service/render_service.hpp"

#include "service/render_files.hpp"
#include "service/render_rows.hpp"
#include "store/jobs_repo.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace reel::service {
namespace asio = boost::asio;

namespace {

using namespace std::chrono_literals;

constexpr auto cancel_settle_limit = 5s;

std::chrono::milliseconds ms_of_seconds(double s) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000)));
}

core::error bad(std::string message) {
  return core::make_error(core::errc::bad_request, std::move(message));
}

bool is_resolution(const std::string& s) {
  const auto x = s.find('x');
  if (x == 0 || x == std::string::npos || x + 1 == s.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != x && (s[i] < '0' || s[i] > '9')) return false;
  return s.size() <= 11;
}

}  // namespace

render_service::options render_service::options::from_config(const core::config& cfg,
                                                             const std::string& state_dir) {
  options o;
  o.policy.first_poll = ms_of_seconds(cfg.render.poll_first_s);
  o.policy.factor = cfg.render.poll_factor;
  o.policy.poll_cap = ms_of_seconds(cfg.render.poll_cap_s);
  o.policy.deadline = ms_of_seconds(cfg.render.deadline_min * 60);
  o.policy.download_retries = static_cast<int>(cfg.render.download_retries);
  o.concurrency = static_cast<std::size_t>(cfg.render.concurrency);
  o.output_dir = cfg.render.output_dir.empty() ? state_dir + "/renders" : cfg.render.output_dir;
  return o;
}

render_service::render_service(asio::any_io_executor ex, store::database& db, hub& events,
                               std::map<std::string, render_backend*> backends,
                               export_source_fn source, std::function<std::int64_t()> now_ms,
                               std::function<std::uint64_t()> random, options o)
    : ex_(ex),
      db_(db),
      hub_(events),
      backends_(std::move(backends)),
      source_(std::move(source)),
      now_ms_(std::move(now_ms)),
      random_(std::move(random)),
      opts_(std::move(o)),
      slots_(opts_.concurrency),
      env_{ex_, db_, hub_, slots_, now_ms_, opts_.failpoint} {}

render_service::~render_service() = default;

void render_service::arm(core::render_job job) {
  auto it = backends_.find(job.backend);
  if (it == backends_.end()) {
    spdlog::warn("render {}: its backend \"{}\" cannot render here; left as it is", job.id,
                 job.backend);
    return;
  }
  const std::string id = job.id;
  auto runner = std::make_shared<render_runner>(env_, *it->second, std::move(job),
                                               it->second->tune(opts_.policy));
  runners_[id] = runner;
  // The driver logs its own failures; when it ends the runner is forgotten (the store has the
  // job). An exception cannot escape drive(), but if one did the job would resume at the next
  // start, so it is only logged.
  asio::co_spawn(ex_, render_runner::drive(runner), [this, id](std::exception_ptr e) {
    if (e) spdlog::error("render {}: the driver ended with an exception", id);
    runners_.erase(id);
  });
}

std::size_t render_service::rearm() {
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t armed = 0;
  for (const auto& row : store::jobs_repo(db_).list_unfinished()) {
    auto job = from_row(row);
    if (!job) {
      spdlog::error("render {}: unknown state \"{}\" in the store; left as it is", row.id,
                    row.state);
      continue;
    }
    if (runners_.count(job->id)) continue;
    const bool known = backends_.count(job->backend) > 0;
    arm(std::move(*job));
    if (known) ++armed;
  }
  rearmed_ = armed;
  rearm_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (armed > 0) spdlog::info("re-armed {} render jobs in {:.1f} ms", armed, rearm_ms_);
  return armed;
}

core::result<std::pair<nlohmann::json, std::string>> render_service::read_request(
    const nlohmann::json& body, const std::string& id) const {
  // No quality: each backend's own default (the cloud's "high", the local engine's
  // engine.quality).
  nlohmann::json out{{"format", "mp4"}};
  std::string dest = opts_.output_dir + "/" + id + ".mp4";
  for (const auto& [key, v] : body.items()) {
    if (key == "format") {
      if (v != "mp4") return bad("format: only \"mp4\" is made");
    } else if (key == "quality") {
      if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 32)
        return bad("quality: expected a word such as \"high\"");
      out["quality"] = v;
    } else if (key == "resolution") {
      if (!v.is_string() || !is_resolution(v.get<std::string>()))
        return bad("resolution: expected WIDTHxHEIGHT such as \"1080x1920\"");
      out["resolution"] = v;
    } else if (key == "dest") {
      if (!v.is_string()) return bad("dest: expected a path");
      const std::filesystem::path p(v.get<std::string>());
      if (!p.is_absolute() || !p.has_filename())
        return bad("dest: expected an absolute path to a file");
      const auto dir = p.parent_path().string();
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec) || ::access(dir.c_str(), W_OK) != 0)
        return bad("dest: the daemon cannot write in " + dir);
      if (std::filesystem::is_directory(p, ec))
        return bad("dest: " + p.string() + " is a directory");
      dest = p.lexically_normal().string();
    } else {
      return bad("unknown field \"" + key + "\" (format, quality, resolution, dest)");
    }
  }
  return std::make_pair(std::move(out), std::move(dest));
}

async_result<core::render_job> render_service::start(std::string session_id,
                                                     nlohmann::json request) {
  if (!request.is_object()) co_return bad("the body must be a JSON object");
  const auto id = core::make_render_id(now_ms_(), random_());
  auto req = read_request(request, id);
  if (!req) co_return req.error();
  auto src = co_await source_(session_id);
  if (!src) co_return src.error();
  if (!backends_.count(src->backend))
    co_return bad("the " + src->backend + " backend cannot render in this daemon");
  if (!src->draft.is_object() || src->draft.empty())
    co_return core::make_error(core::errc::conflict,
                               "the session has no timeline yet: nothing to export");
  auto dir = ensure_directory(std::filesystem::path(req->second).parent_path().string());
  if (!dir) co_return dir.error();

  auto job = core::make_render_job(id, session_id, src->backend, std::move(src->draft),
                                   std::move(req->first), std::move(req->second), now_ms_());
  try {
    store_job_synced(db_, job);
  } catch (const std::exception& e) {
    spdlog::error("render {}: cannot store the new job: {}", job.id, e.what());
    co_return core::make_error(core::errc::internal, "the job could not be stored");
  }
  render_failpoint(opts_.failpoint, "render.stored");
  arm(job);
  co_return job;
}

std::optional<core::render_job> render_service::find(const std::string& id) {
  if (auto it = runners_.find(id); it != runners_.end()) return it->second->job();
  auto row = store::jobs_repo(db_).find(id);
  if (!row) return std::nullopt;
  return from_row(*row);
}

std::vector<core::render_job> render_service::list(std::int64_t limit, std::int64_t offset,
                                                   std::optional<std::string> state) {
  std::vector<core::render_job> out;
  std::optional<std::string_view> filter;
  if (state) filter = *state;
  for (const auto& row : store::jobs_repo(db_).list(limit, offset, filter)) {
    if (auto it = runners_.find(row.id); it != runners_.end()) {
      out.push_back(it->second->job());
    } else if (auto job = from_row(row)) {
      out.push_back(std::move(*job));
    }
  }
  return out;
}

async_result<core::render_job> render_service::cancel(std::string id) {
  auto job = find(id);
  if (!job) co_return core::make_error(core::errc::not_found, "no render job " + id);
  if (job->state == core::render_state::cancelled) co_return *job;
  if (core::is_finished(job->state))
    co_return core::make_error(core::errc::conflict, "render " + id + " has already " +
                                                         std::string(core::to_string(job->state)));
  auto it = runners_.find(id);
  if (it == runners_.end()) {
    // Unfinished without a driver (its backend is missing here, or its store write failed):
    // nothing runs locally; finish it in the store.
    job->state = core::render_state::cancelled;
    job->finished_ms = job->updated_ms = now_ms_();
    try {
      store_job_synced(db_, *job);
    } catch (const std::exception& e) {
      spdlog::error("render {}: cannot store the cancel: {}", id, e.what());
      co_return core::make_error(core::errc::internal, "the cancel could not be stored");
    }
    for (const std::string& topic : {std::string("renders"), "session:" + job->session})
      hub_.publish(topic, "render.cancelled", core::to_event_json(*job));
    co_return *job;
  }
  auto runner = it->second;
  runner->request_cancel();
  co_await runner->wait_settled(cancel_settle_limit);
  auto now = find(id);
  if (!now) co_return core::make_error(core::errc::not_found, "no render job " + id);
  co_return *now;
}

nlohmann::json render_service::status() const {
  return {{"armed", runners_.size()},      {"in_flight", slots_.in_use()},
          {"waiting", slots_.waiting()},   {"peak_in_flight", slots_.peak()},
          {"concurrency", slots_.limit()}, {"rearmed", rearmed_},
          {"rearm_ms", rearm_ms_}};
}

}  // namespace reel::service
