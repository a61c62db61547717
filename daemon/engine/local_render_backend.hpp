#pragma once
// The local renderer as a service::render_backend (its contract: service/render_backend.hpp).
// submit builds the render plan (core::make_render_plan) from the job's draft and the session's
// probed media, and runs it with an ffmpeg_runner in the background under the job's id; status
// answers like the cloud does ({"status":"queued"|"processing","progress":0.4},
// {"status":"completed","progress":1}, {"status":"failed","error":"..."},
// {"status":"cancelled"}); an id this process does not know is 404, so a render that a restart
// cut short is simply submitted again. cancel kills ffmpeg; download moves the finished file to
// the job's part file (size, sha256, fsync); verify runs ffprobe.
//
// Files: each render works in <work_root>/<id>/ (the plan's files, then out.mp4). Everything
// but a finished out.mp4 is removed in every outcome; out.mp4 goes when it is downloaded. At
// start-up, finished files left by the last run are known again (completed) and everything else
// there is removed.
//
// status() of a running render waits (long poll) until it finishes, its progress moves by
// `status_step`, or `status_hold` passes, so progress and completion are seen as they happen
// (a queued render answers at once); tune() keeps the render service's polls at most 1 s apart.
//
// Lives on the io_context's one thread; `db` outlives it. Renders beyond `max_running` wait in
// order (status "queued").
#include "core/render_plan.hpp"
#include "engine/ffmpeg_runner.hpp"
#include "service/ffprobe_check.hpp"
#include "service/render_backend.hpp"
#include "store/database.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace reel::engine {

struct local_render_options {
  std::string work_root;  // <state_dir>/engine/renders
  std::string ffmpeg = "ffmpeg";
  std::string ffprobe = "ffprobe";
  core::render_fonts fonts;
  core::render_quality default_quality = core::render_quality::standard;  // unknown words
  int parallel = 1;     // render_settings::parallel
  int threads = 0;      // render_settings::threads
  int max_running = 1;  // renders at once; the rest wait
  runner_options runner;
  std::chrono::milliseconds status_hold{10'000};
  double status_step = 0.02;
};

class local_render_backend final : public service::render_backend {
 public:
  local_render_backend(boost::asio::any_io_executor ex, store::database& db,
                       local_render_options o);
  // Stops every render (ffmpeg is killed and its files removed once the loop lets go of it).
  ~local_render_backend() override;
  local_render_backend(const local_render_backend&) = delete;
  local_render_backend& operator=(const local_render_backend&) = delete;

  std::string_view name() const noexcept override { return "local"; }
  boost::asio::awaitable<service::render_reply> lookup(std::string id) override;
  // 400 when the draft cannot be rendered (no media, a segment naming media the session lacks,
  // bad options); 409 for an id it has.
  boost::asio::awaitable<service::render_reply> submit(service::render_submission s) override;
  boost::asio::awaitable<service::render_reply> status(std::string id) override;
  boost::asio::awaitable<service::render_reply> cancel(std::string id) override;
  boost::asio::awaitable<service::render_fetch_result> download(
      service::render_fetch f, service::fetch_progress progress) override;
  boost::asio::awaitable<service::render_check_result> verify(std::string path) override;
  // Polled every 250 ms, up to 1 s apart: its status is a look in memory, and a finished render
  // should not wait for the cloud's pace to be noticed.
  core::render_policy tune(core::render_policy configured) const override;

  struct shared;

 private:
  std::shared_ptr<shared> s_;
};

// The quality a render asks for: draft, standard or high; "low"/"fast" read as draft, "medium"
// as standard; anything else (or nothing) is `fallback`.
core::render_quality quality_of(const nlohmann::json& options, core::render_quality fallback);

}  // namespace reel::engine
