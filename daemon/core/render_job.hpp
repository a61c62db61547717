#pragma once
// A render job as a value: what was asked (draft, options, destination), where it stands and what
// it produced. The store keeps it (store/jobs_repo.hpp, one column per field); the API shows
// to_api_json(). render_machine moves it along. Pure.
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace reel::core {

// queued → submitting → rendering → downloading → completed, or failed / cancelled.
enum class render_state {
  queued,
  submitting,
  rendering,
  downloading,
  completed,
  failed,
  cancelled
};

// The store and wire name ("rendering").
std::string_view to_string(render_state s) noexcept;
// The state for a store or wire name; nullopt when unknown.
std::optional<render_state> render_state_from_string(std::string_view name) noexcept;
// True for completed, failed and cancelled: states a job never leaves.
bool is_finished(render_state s) noexcept;

struct render_output {
  std::string path;  // the finished file, once completed
  std::string url;   // where the backend said the file is (cloud URL, or the local renderer's file)
  std::optional<std::uint64_t> size;
  std::string sha256;  // lowercase hex
  std::optional<double> duration_s;
};

struct render_job {
  std::string id;       // ours: make_render_id(); also the upstream render id
  std::string session;  // not owned: the job outlives its session
  std::string backend;  // "local" or "nemovideo"
  render_state state = render_state::queued;
  double progress = 0;  // 0..1
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::optional<std::int64_t>
      submitted_ms;  // first submission; the polling deadline counts from it
  std::optional<std::int64_t> finished_ms;
  nlohmann::json draft = nlohmann::json::object();    // as sent, unknown keys kept
  nlohmann::json options = nlohmann::json::object();  // {"format":"mp4","quality":"high",...}
  std::string dest;  // absolute path of the finished file (<state>/renders/<id>.mp4 by default)
  render_output output;
  std::optional<error> failure;  // set when failed
  std::int64_t attempts = 0;     // submissions made (each one persisted before it was sent)
};

// A new job in state queued, created and updated at `now_ms`.
render_job make_render_job(std::string id, std::string session, std::string backend,
                           nlohmann::json draft, nlohmann::json options, std::string dest,
                           std::int64_t now_ms);

// "render_<unix_ms>_<random in base 36>", e.g. render_1732183333250_3w5e11264sgsf. Both parts
// come from the caller (no clock, no randomness here).
std::string make_render_id(std::int64_t unix_ms, std::uint64_t random);
// True for ids make_render_id() can make (and that fit the API's [A-Za-z0-9_-]{1,64}).
bool is_render_id(std::string_view id) noexcept;

// Where a download is written before it is verified and renamed: dest + ".part".
std::string part_path(const render_job& job);

// The API view: {id, session, backend, state, progress, created_at, updated_at,
// output:{path,url,size,sha256,duration_s}, error}; times in RFC 3339, absent values null.
nlohmann::json to_api_json(const render_job& job);
// The event payload: {job, session, state, progress}
// (proto/examples/ws.event.render.progress.json), plus output when completed and error when failed.
nlohmann::json to_event_json(const render_job& job);

}  // namespace reel::core
