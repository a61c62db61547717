#pragma once
// Sessions: each bound to one backend, kept in the store so they survive restarts. Adds media
// (checked by content and size before anything is sent), reads state, and replaces a session the
// cloud lost (1002) once, telling subscribers. Runs on the event loop.
#include "service/backend.hpp"
#include "service/hub.hpp"
#include "store/database.hpp"
#include "store/media_repo.hpp"
#include "store/sessions_repo.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace reel::service {

class session_service {
 public:
  struct options {
    std::string default_backend = "local";
    std::uint64_t max_media_bytes = 500ULL << 20;
  };

  // `backends` by name; all references outlive the service. `new_id(prefix)` makes ids.
  session_service(store::database& db, hub& events, std::map<std::string, backend*> backends,
                  std::function<std::int64_t()> now_ms,
                  std::function<std::string(std::string_view prefix)> new_id, options opts);

  // Creates a session on `backend` (empty: the default). bad_request for an unknown backend;
  // the backend's error when it cannot make one.
  async_result<store::session_row> create(std::string backend, std::optional<std::string> language,
                                          std::optional<std::string> title);
  std::optional<store::session_row> find(const std::string& id);
  std::vector<store::session_row> list(std::int64_t limit, std::int64_t offset);
  // Forgets a session (its media rows and draft versions too); false when there was none.
  bool erase(const std::string& id);

  // Adds files the daemon reads itself (paths, or spooled uploads). Each is checked by content
  // and size first; the first refusal stops the batch and nothing of it is sent.
  async_result<std::vector<store::media_row>> add_files(std::string session_id,
                                                        std::vector<media_source> files);
  async_result<std::vector<store::media_row>> add_urls(std::string session_id,
                                                       std::vector<std::string> urls);
  std::vector<store::media_row> media(const std::string& session_id);

  // {"draft","summary","media"}: the backend's draft verbatim and its one-line summary.
  async_result<nlohmann::json> state(std::string session_id);
  // The balance of `backend` (empty: the default).
  async_result<credit_balance> credits(std::string backend);

  // The session's backend; nullptr when the session names one this daemon does not have.
  backend* backend_of(const store::session_row& s);
  backend* backend_named(const std::string& name);
  const std::map<std::string, backend*>& backends() const noexcept { return backends_; }

  // Replaces the upstream session after the cloud lost it (1002): stores the new ids and
  // publishes session.replaced. Callers retry their request once with the returned row. Once per
  // loss: callers that find a replacement under way wait for it, and a caller whose row is
  // older than the stored one (replaced meanwhile) gets the stored one, nothing created.
  async_result<store::session_row> replace_lost(store::session_row s);

  // Whether the session's backend takes text files (scripts) besides media.
  bool accepts_text(const store::session_row& s) const;
  // Reads a file's first bytes, size and kind; the checks made before anything is sent.
  core::result<media_source> inspect_file(const std::string& path, const std::string& name,
                                          bool allow_text) const;

  // The JSON a client sees for a session and a media item.
  static nlohmann::json session_json(const store::session_row& s);
  static nlohmann::json media_json(const store::media_row& m);
  // {"session","draft","summary","media"(+"backend_media","generated_media")}: the draft as the
  // backend gave it, the summary naming media as the user called them.
  static nlohmann::json state_json(const std::string& session_id, const backend_state& st,
                                   const std::vector<store::media_row>& rows, nlohmann::json media);

 private:
  core::result<store::session_row> require(const std::string& id);
  async_result<store::session_row> replace_now(store::session_row s);
  struct replacement;  // one in flight
  std::string topic(const std::string& session_id) const { return "session:" + session_id; }

  store::database& db_;
  hub& hub_;
  std::map<std::string, backend*> backends_;
  std::function<std::int64_t()> now_ms_;
  std::function<std::string(std::string_view)> new_id_;
  options opts_;
  std::map<std::string, std::shared_ptr<replacement>> replacing_;  // by local session id
};

}  // namespace reel::service
