#pragma once
// Render jobs that are never orphaned. A job is stored (synced commit) before anything is sent
// to a backend, then driven by a render_runner (render_driver.hpp) until it is completed, failed
// or cancelled; jobs left unfinished by a stop or a crash are re-armed at start-up, before READY.
// Backend calls of all jobs share one concurrency limit, so a thousand re-armed jobs never make
// a thousand requests at once. Events: render.queued|progress|completed|failed|cancelled on the
// `renders` topic and on the job's session topic. Lives on the event loop's thread.
#include "core/config.hpp"
#include "core/render_job.hpp"
#include "core/render_machine.hpp"
#include "service/backend.hpp"
#include "service/hub.hpp"
#include "service/render_backend.hpp"
#include "service/render_driver.hpp"
#include "service/slot_limiter.hpp"
#include "store/database.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace reel::service {

// What a render starts from: the session's backend and its draft as it is now.
struct export_source {
  std::string backend;  // "nemovideo" or "local"
  nlohmann::json draft;
};
// Reads a session's backend and current draft. Fails not_found for an unknown session, or with
// the backend's error. (main() reads it through session_service::state.)
using export_source_fn =
    std::function<boost::asio::awaitable<core::result<export_source>>(std::string session_id)>;

class render_service {
 public:
  struct options {
    core::render_policy policy;
    std::size_t concurrency = 4;  // backend calls at once, all jobs together
    std::string output_dir;       // finished files go to <output_dir>/<id>.mp4 (made on demand)
    // Tests only (env REEL_FAILPOINT): the process kills itself with SIGKILL at one step:
    // render.stored (the new job committed, before the 202), render.before_submit (state
    // submitting committed, POST not sent), render.submit_answered (the POST's answer arrived,
    // not yet stored), render.polling (the first poll answered), render.downloading (part of the
    // file written).
    std::string failpoint;

    // The [render] section of `cfg`; output_dir defaults to <state_dir>/renders.
    static options from_config(const core::config& cfg, const std::string& state_dir);
  };

  // `backends` by name (those that can render); every reference outlives the service.
  // `random` makes the random part of job ids.
  render_service(boost::asio::any_io_executor ex, store::database& db, hub& events,
                 std::map<std::string, render_backend*> backends, export_source_fn source,
                 std::function<std::int64_t()> now_ms, std::function<std::uint64_t()> random,
                 options o);
  ~render_service();
  render_service(const render_service&) = delete;
  render_service& operator=(const render_service&) = delete;

  // Arms a driver for every unfinished job in the store (they start once the event loop runs).
  // Call before READY. Jobs of a backend this daemon lacks stay as they are (logged). Returns
  // how many were armed. Throws what the store throws.
  std::size_t rearm();

  // Starts an export of the session: checks `request` ({"format"?: "mp4", "quality"?,
  // "resolution"?, "dest"?: an absolute path in a writable directory}), reads the draft, stores
  // the job in state queued (synced commit), arms its driver. Fails bad_request (request; a
  // backend that cannot render), not_found (session), conflict (no draft yet), the backend's
  // error reading the draft, internal (store).
  async_result<core::render_job> start(std::string session_id, nlohmann::json request);

  // The job (live view while it runs); nullopt when unknown.
  std::optional<core::render_job> find(const std::string& id);
  // Newest first, optionally only jobs in `state`.
  std::vector<core::render_job> list(std::int64_t limit, std::int64_t offset,
                                     std::optional<std::string> state);
  // Cancels locally (stored at once) and upstream (best effort); answers the job once it is
  // stored as cancelled. A job already cancelled answers as it is. Fails not_found; conflict
  // when it had completed or failed.
  async_result<core::render_job> cancel(std::string id);

  // {"armed","in_flight","waiting","peak_in_flight","concurrency","rearmed","rearm_ms"}.
  nlohmann::json status() const;

 private:
  void arm(core::render_job job);
  core::result<std::pair<nlohmann::json, std::string>> read_request(const nlohmann::json& body,
                                                                    const std::string& id) const;

  boost::asio::any_io_executor ex_;
  store::database& db_;
  hub& hub_;
  std::map<std::string, render_backend*> backends_;
  export_source_fn source_;
  std::function<std::int64_t()> now_ms_;
  std::function<std::uint64_t()> random_;
  options opts_;
  slot_limiter slots_;
  render_env env_;
  std::unordered_map<std::string, std::shared_ptr<render_runner>> runners_;
  std::size_t rearmed_ = 0;
  double rearm_ms_ = 0;
};

}  // namespace reel::service
