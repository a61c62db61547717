#include "engine/local_render_backend.hpp"

#include "core/draft.hpp"
#include "engine/media_probe.hpp"
#include "service/render_files.hpp"
#include "store/media_repo.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>

namespace reel::engine {
namespace asio = boost::asio;
namespace fs = std::filesystem;
using service::render_reply;

namespace {

enum class job_state { queued, processing, completed, failed, cancelled };

struct job {
  std::string id;
  job_state state = job_state::queued;
  double progress = 0;
  double reported = 0;                    // the progress the last status answer said
  std::string message;                    // failed: why
  std::string dir;                        // <work_root>/<id>
  std::optional<core::render_plan> plan;  // until it starts
  std::unique_ptr<ffmpeg_runner> runner;  // while it runs
  bool cancel_requested = false;

  std::string output() const { return dir + "/out.mp4"; }
  bool running() const { return state == job_state::queued || state == job_state::processing; }
};

using job_ptr = std::shared_ptr<job>;

render_reply answer(int status, nlohmann::json body) {
  render_reply r;
  r.http_status = status;
  r.body = std::move(body);
  return r;
}

render_reply refusal(int status, std::string message) {
  return answer(status, {{"code", status}, {"message", std::move(message)}});
}

render_reply unknown(const std::string& id) {
  return refusal(404, "no local render " + id);
}

void remove_dir(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) spdlog::warn("local render: cannot remove {}: {}", dir, ec.message());
}

// The status body, in the words parse_render_status reads. Progress is always a double: an
// integer would read as a percentage.
nlohmann::json status_body(const job& j) {
  switch (j.state) {
    case job_state::queued:
      return {{"id", j.id}, {"status", "queued"}, {"progress", 0.0}};
    case job_state::processing:
      return {{"id", j.id}, {"status", "processing"}, {"progress", j.progress}};
    case job_state::completed:
      return {{"id", j.id},
              {"status", "completed"},
              {"progress", 1.0},
              {"output", {{"size", service::file_size_or_zero(j.output())}}}};
    case job_state::failed:
      return {{"id", j.id}, {"status", "failed"}, {"error", j.message}};
    case job_state::cancelled:
      return {{"id", j.id}, {"status", "cancelled"}};
  }
  return nullptr;
}

std::optional<core::media_kind> kind_from(std::string_view k) {
  for (auto mk : {core::media_kind::video, core::media_kind::image, core::media_kind::audio,
                  core::media_kind::text})
    if (core::to_string(mk) == k) return mk;
  return std::nullopt;
}

// The probed facts kept with a media row (engine::media_meta); nullopt when they are missing.
std::optional<media_info> info_from_meta(const store::media_row& row) {
  auto meta = nlohmann::json::parse(row.meta, nullptr, false);
  if (!meta.is_object()) return std::nullopt;
  auto kind = kind_from(meta.value("kind", row.kind));
  if (!kind || *kind == core::media_kind::text) return std::nullopt;
  media_info info;
  info.kind = *kind;
  info.width = meta.value("width", 0);
  info.height = meta.value("height", 0);
  info.rotation = meta.value("rotation", 0);
  info.has_audio = meta.value("has_audio", false);
  info.duration_ms = meta.value("duration_ms", std::int64_t{0});
  const bool picture = info.kind != core::media_kind::audio;
  if (picture && (info.width <= 0 || info.height <= 0)) return std::nullopt;
  if (info.kind != core::media_kind::image && info.duration_ms <= 0) return std::nullopt;
  return info;
}

bool parse_resolution(const nlohmann::json& options, int& w, int& h) {
  if (!options.is_object() || !options.contains("resolution")) return false;
  const auto& r = options["resolution"];
  if (!r.is_string()) return false;
  return std::sscanf(r.get<std::string>().c_str(), "%dx%d", &w, &h) == 2;
}

}  // namespace

core::render_quality quality_of(const nlohmann::json& options, core::render_quality fallback) {
  if (!options.is_object() || !options.contains("quality") || !options["quality"].is_string())
    return fallback;
  const auto word = options["quality"].get<std::string>();
  if (auto q = core::render_quality_from_string(word)) return *q;
  if (word == "low" || word == "fast" || word == "preview") return core::render_quality::draft;
  if (word == "medium" || word == "normal") return core::render_quality::standard;
  return fallback;
}

struct local_render_backend::shared {
  asio::any_io_executor ex;
  store::database* db = nullptr;
  local_render_options opt;
  std::map<std::string, job_ptr> jobs;
  std::deque<job_ptr> waiting;
  int running = 0;
  bool stopping = false;

  job_ptr find(const std::string& id) const {
    auto it = jobs.find(id);
    return it == jobs.end() ? nullptr : it->second;
  }
};

namespace {

using shared_ptr = std::shared_ptr<local_render_backend::shared>;

void start_next(const shared_ptr& s);

asio::awaitable<void> run_job(shared_ptr s, job_ptr j) {
  auto plan = std::move(*j->plan);
  j->plan.reset();
  spdlog::info("local render {}: {} ms of {}x{}, {} ffmpeg step(s)", j->id, plan.duration_ms,
               plan.width, plan.height, plan.prepare.size() + plan.parts.size() + 1);
  auto* raw = j.get();
  auto r = co_await j->runner->run(std::move(plan), [raw](double f) {
    // 1 means "done": it is said once the file is in place, never by the progress.
    raw->progress = std::max(raw->progress, std::min(f, 0.99));
  });
  --s->running;
  if (r) {
    j->state = j->cancel_requested ? job_state::cancelled : job_state::completed;
    if (j->state == job_state::completed) {
      j->progress = 1.0;
      spdlog::info("local render {}: done in {:.1f} s ({} process(es), CPU {:.1f} s, peak {} MB)",
                   j->id, r->wall_s, r->processes, r->usage.user_s + r->usage.sys_s,
                   r->usage.max_rss_kb / 1024);
    } else {
      remove_dir(j->dir);
    }
  } else if (j->cancel_requested || r.error().code == core::errc::cancelled) {
    j->state = job_state::cancelled;
    remove_dir(j->dir);
  } else {
    j->state = job_state::failed;
    j->message = r.error().message;
    spdlog::warn("local render {}: failed: {}", j->id, j->message);
    remove_dir(j->dir);
  }
  j->runner.reset();
  if (!s->stopping) start_next(s);
}

void start_next(const shared_ptr& s) {
  while (s->running < std::max(1, s->opt.max_running) && !s->waiting.empty()) {
    auto j = s->waiting.front();
    s->waiting.pop_front();
    if (j->state != job_state::queued || !j->plan) continue;
    j->state = job_state::processing;
    j->runner = std::make_unique<ffmpeg_runner>(s->ex, s->opt.runner);
    ++s->running;
    asio::co_spawn(s->ex, run_job(s, j), [id = j->id](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::error("local render {}: the run failed: {}", id, x.what());
      } catch (...) {
        spdlog::error("local render {}: the run failed", id);
      }
    });
  }
}

// The session's media as the plan needs them, by media id (and by stored path). Rows whose
// probed facts are missing are probed again.
asio::awaitable<std::map<std::string, core::plan_media>> plan_media_of(
    std::vector<store::media_row> rows, std::string ffprobe) {
  std::map<std::string, core::plan_media> out;
  for (const auto& row : rows) {
    if (!row.path || row.kind == "text") continue;
    auto info = info_from_meta(row);
    if (!info) {
      auto probed = co_await probe_media(*row.path, ffprobe);
      if (!probed) {
        spdlog::warn("local render: media {} cannot be probed: {}", row.id, probed.error().message);
        continue;
      }
      info = *probed;
    }
    auto m = to_plan_media(*info, *row.path);
    out[*row.path] = m;
    out[row.id] = std::move(m);
  }
  co_return out;
}

asio::awaitable<render_reply> do_submit(shared_ptr s, service::render_submission sub) {
  if (s->find(sub.id)) co_return refusal(409, "render " + sub.id + " already exists");
  auto d = core::draft::from_json(sub.draft);
  if (!d) co_return refusal(400, "the draft cannot be read: " + d.error().message);
  std::vector<store::media_row> rows;
  try {
    rows = store::media_repo(*s->db).list_for_session(sub.session);
  } catch (const std::exception& e) {
    co_return refusal(500, std::string("cannot read the session's media: ") + e.what());
  }
  auto media = co_await plan_media_of(std::move(rows), s->opt.ffprobe);
  if (s->find(sub.id)) co_return refusal(409, "render " + sub.id + " already exists");

  auto j = std::make_shared<job>();
  j->id = sub.id;
  j->dir = s->opt.work_root + "/" + sub.id;
  core::render_settings set;
  parse_resolution(sub.options, set.width, set.height);
  set.quality = quality_of(sub.options, s->opt.default_quality);
  set.fonts = s->opt.fonts;
  set.output_path = j->output();
  set.work_dir = j->dir;
  set.threads = s->opt.threads;
  set.parallel = std::max(1, s->opt.parallel);
  set.ffmpeg = s->opt.ffmpeg;
  auto plan = core::make_render_plan(*d, media, set);
  if (!plan) co_return refusal(400, plan.error().message);

  remove_dir(j->dir);
  std::error_code ec;
  fs::create_directories(j->dir, ec);
  if (ec) co_return refusal(500, "cannot make " + j->dir + ": " + ec.message());
  j->plan = std::move(*plan);
  s->jobs[j->id] = j;
  s->waiting.push_back(j);
  spdlog::info("local render {}: queued at quality {} ({})", j->id, core::to_string(set.quality),
               sub.session);
  start_next(s);
  co_return answer(200, status_body(*j));
}

asio::awaitable<render_reply> do_status(shared_ptr s, std::string id, bool hold) {
  auto j = s->find(id);
  if (!j) co_return unknown(id);
  if (hold) {
    const auto ex = co_await asio::this_coro::executor;
    const auto until = std::chrono::steady_clock::now() + s->opt.status_hold;
    asio::steady_timer t(ex);
    // Only a render that runs holds the call: queued ones answer at once, so waiting renders
    // never take the render service's call slots from other jobs.
    while (j->state == job_state::processing && j->progress < j->reported + s->opt.status_step &&
           std::chrono::steady_clock::now() < until) {
      t.expires_after(std::chrono::milliseconds(100));
      auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) break;  // the call was cancelled: answer what there is
    }
  }
  j->reported = j->progress;
  co_return answer(200, status_body(*j));
}

asio::awaitable<render_reply> do_cancel(shared_ptr s, std::string id) {
  auto j = s->find(id);
  if (!j) co_return unknown(id);
  j->cancel_requested = true;
  switch (j->state) {
    case job_state::queued:
      j->state = job_state::cancelled;
      j->plan.reset();
      remove_dir(j->dir);
      break;
    case job_state::processing:
      if (j->runner) j->runner->cancel();  // run_job marks it cancelled when ffmpeg is gone
      break;
    case job_state::completed:
      j->state = job_state::cancelled;
      remove_dir(j->dir);
      break;
    case job_state::failed:
    case job_state::cancelled:
      break;
  }
  co_return answer(200, {{"id", id}, {"status", "cancelled"}});
}

service::render_fetch_result fetch_failed(int http, std::string why) {
  service::render_fetch_result r;
  r.kind = service::render_fetch_result::failed;
  r.fault = {http, std::nullopt, std::move(why)};
  return r;
}

// Moves (or, across file systems, copies) the finished file into the part file.
core::result<void> move_into(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (!ec) return {};
  if (ec != std::errc::cross_device_link)
    return core::make_error(core::errc::internal, "cannot move " + from + ": " + ec.message());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    fs::remove(to, ec);
    return core::make_error(core::errc::internal, "cannot copy " + from + ": " + ec.message());
  }
  fs::remove(from, ec);
  return {};
}

asio::awaitable<service::render_fetch_result> do_download(shared_ptr s, service::render_fetch f,
                                                          service::fetch_progress progress) {
  auto j = s->find(f.id);
  const std::string src = s->opt.work_root + "/" + f.id + "/out.mp4";
  std::error_code ec;
  if (fs::is_regular_file(src, ec)) {
    if (auto moved = move_into(src, f.part_path); !moved)
      co_return fetch_failed(0, moved.error().message);
    remove_dir(s->opt.work_root + "/" + f.id);
  } else if (!(f.from > 0 && service::file_size_or_zero(f.part_path) > 0)) {
    // (A part file already there with a resume offset: moved before a restart; it is whole.)
    co_return fetch_failed(404, "the rendered file of " + f.id + " is gone");
  }
  if (j && !j->running()) s->jobs.erase(f.id);
  auto digest = co_await service::digest_file(f.part_path);
  if (!digest) co_return fetch_failed(0, digest.error().message);
  if (!service::sync_path(f.part_path)) co_return fetch_failed(0, "cannot fsync " + f.part_path);
  if (progress) progress(digest->size, digest->size);
  service::render_fetch_result r;
  r.kind = service::render_fetch_result::complete;
  r.size = digest->size;
  r.sha256 = digest->sha256;
  co_return r;
}

// Finished files a previous run left are known again; anything else there is a leftover.
void recover(local_render_backend::shared& s) {
  std::error_code ec;
  fs::create_directories(s.opt.work_root, ec);
  if (ec) {
    spdlog::warn("local render: cannot make {}: {}", s.opt.work_root, ec.message());
    return;
  }
  std::vector<std::string> stale;
  for (const auto& entry : fs::directory_iterator(s.opt.work_root, ec)) {
    const auto name = entry.path().filename().string();
    const auto out = entry.path() / "out.mp4";
    std::error_code e2;
    if (entry.is_directory(e2) && fs::is_regular_file(out, e2) && fs::file_size(out, e2) > 0) {
      // Only out.mp4 stays: the plan's files of a render cut short go.
      for (const auto& f : fs::directory_iterator(entry.path(), e2))
        if (f.path().filename() != "out.mp4") fs::remove_all(f.path(), e2);
      auto j = std::make_shared<job>();
      j->id = name;
      j->dir = entry.path().string();
      j->state = job_state::completed;
      j->progress = 1.0;
      s.jobs[name] = j;
    } else {
      stale.push_back(entry.path().string());
    }
  }
  for (const auto& p : stale) remove_dir(p);
  if (!s.jobs.empty())
    spdlog::info("local render: {} finished render(s) from the last run wait to be collected",
                 s.jobs.size());
}

}  // namespace

local_render_backend::local_render_backend(asio::any_io_executor ex, store::database& db,
                                           local_render_options o)
    : s_(std::make_shared<shared>()) {
  s_->ex = std::move(ex);
  s_->db = &db;
  s_->opt = std::move(o);
  recover(*s_);
}

local_render_backend::~local_render_backend() {
  s_->stopping = true;
  s_->waiting.clear();
  for (auto& [id, j] : s_->jobs)
    if (j->runner) j->runner->cancel();
}

asio::awaitable<render_reply> local_render_backend::lookup(std::string id) {
  return do_status(s_, std::move(id), false);
}

asio::awaitable<render_reply> local_render_backend::submit(service::render_submission s) {
  return do_submit(s_, std::move(s));
}

asio::awaitable<render_reply> local_render_backend::status(std::string id) {
  return do_status(s_, std::move(id), true);
}

asio::awaitable<render_reply> local_render_backend::cancel(std::string id) {
  return do_cancel(s_, std::move(id));
}

asio::awaitable<service::render_fetch_result> local_render_backend::download(
    service::render_fetch f, service::fetch_progress progress) {
  return do_download(s_, std::move(f), std::move(progress));
}

asio::awaitable<service::render_check_result> local_render_backend::verify(std::string path) {
  service::ffprobe_options o;
  o.program = s_->opt.ffprobe;
  return service::ffprobe_check(std::move(path), o);
}

core::render_policy local_render_backend::tune(core::render_policy configured) const {
  configured.first_poll = std::chrono::milliseconds(250);
  configured.factor = 1.5;
  configured.poll_cap = std::chrono::milliseconds(1000);
  return configured;
}

}  // namespace reel::engine
