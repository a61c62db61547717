#pragma once
// What a session's backend does: the cloud (`nemovideo`, daemon/upstream) and the embedded
// engine (`local`, daemon/engine) implement the same interface, so sessions, turns and render
// jobs are written once. Calls are coroutines on the event loop; expected failures are values.
#include "core/agent_event.hpp"
#include "core/error.hpp"
#include "core/media_type.hpp"
#include "store/sessions_repo.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace reel::service {

template <class T>
using async_result = boost::asio::awaitable<core::result<T>>;

struct created_session {
  std::optional<std::string> upstream_session_id;
  std::optional<std::string> upstream_task_id;
};

// One file or URL to add to a session. A file is owned by the caller until the call returns.
struct media_source {
  std::string path;                      // a file on this machine (already checked), or empty
  std::string url;                       // or a URL
  std::string name;                      // what the user called it
  std::optional<core::media_type> type;  // known for files (sniffed), maybe not for URLs
  std::uint64_t size = 0;
  std::string sha256;  // of the file, when known
};

struct media_added {
  std::optional<std::string> upstream_ref;         // the cloud's name for it
  std::optional<std::string> stored_path;          // where the bytes now live on this machine
  nlohmann::json meta = nlohmann::json::object();  // duration_s, width, height, ...
};

struct credit_balance {
  std::int64_t available = 0;
  std::int64_t frozen = 0;
  std::int64_t total = 0;
  bool metered = true;  // false: the backend counts no credits (local: rendering is free)
};

// {"available","frozen","total","metered"}: the wire form (status.schema.json Credits).
inline nlohmann::json credits_json(const credit_balance& c) {
  return {
      {"available", c.available}, {"frozen", c.frozen}, {"total", c.total}, {"metered", c.metered}};
}

struct backend_state {
  nlohmann::json draft;  // kept verbatim: unknown keys survive
  nlohmann::json media = nlohmann::json::array();
  nlohmann::json generated = nlohmann::json::array();
};

// Bytes sent so far and in all, during an upload.
using progress_fn = std::function<void(std::uint64_t done, std::uint64_t total)>;
// One decoded piece of an agent's turn (text, tool call, error, heartbeat), in order.
using item_fn = std::function<void(const core::agent_item&)>;

class backend {
 public:
  virtual ~backend() = default;

  // "local" or "nemovideo".
  virtual std::string_view name() const noexcept = 0;
  // {"name","default","health":"ok|degraded|unavailable","detail"} for /v1/status.
  virtual nlohmann::json health() const = 0;

  // Makes whatever the backend keeps for a new session.
  virtual async_result<created_session> create_session(store::session_row session) = 0;
  // Adds one file or URL to the session.
  virtual async_result<media_added> add_media(store::session_row session, media_source source,
                                              progress_fn progress) = 0;
  virtual async_result<credit_balance> credits() = 0;
  virtual async_result<backend_state> state(store::session_row session) = 0;
  // Runs one chat turn, handing out what the agent says as it comes. Never retried by the
  // caller: a message sent twice would do the work (and charge) twice.
  virtual async_result<void> chat(store::session_row session, std::string text,
                                  item_fn on_item) = 0;
};

}  // namespace reel::service
