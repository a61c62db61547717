#pragma once
// The `local` backend (design.md "Two backends"): service::backend with everything on this
// machine. Sessions live in the store: each edit of the draft is a new row of draft_versions
// (every version is kept; the session's meta `draft_version` says which one is current, so
// "undo" moves that pointer back and a later edit drops the versions above it). Media are
// probed with ffprobe and copied into <state_dir>/media/<sha256>.<ext>; text scripts (.txt,
// .md) are kept as they are. Chat turns run core::run_local_agent (pure) and hand out its tool
// calls and reply as agent items, so turn_service publishes chat.* and timeline.changed exactly
// as for the cloud. Nothing here needs the network; credits are always 0/0/0 (renders are free
// and unlimited: there is nothing to count).
//
// Lives on the io_context's one thread; `db` outlives it.
#include "core/local_agent.hpp"
#include "engine/media_probe.hpp"
#include "service/backend.hpp"
#include "store/database.hpp"
#include "store/media_repo.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace reel::engine {

struct local_backend_options {
  std::string state_dir;  // media go to <state_dir>/media
  std::string ffmpeg = "ffmpeg";
  std::string ffprobe = "ffprobe";
  bool is_default = true;
  std::size_t history_limit = 50;  // earlier drafts the agent sees (undo goes back this far)
  std::function<std::int64_t()> now_ms;
  // Fetches an http(s) URL into the file `dest` (composition root: the daemon's HTTP client,
  // certificates verified). Empty: URLs are refused (the backend works offline).
  std::function<boost::asio::awaitable<core::result<void>>(std::string url, std::string dest)>
      fetch_url;
  std::uint64_t max_media_bytes = 500ull << 20;  // a fetched file larger than this is refused
};

class local_backend final : public service::backend {
 public:
  local_backend(store::database& db, local_backend_options o);

  std::string_view name() const noexcept override { return "local"; }
  // ok when ffmpeg and ffprobe are found on PATH (or as configured), else unavailable.
  nlohmann::json health() const override;

  // Nothing to make: the session row is the session.
  service::async_result<service::created_session> create_session(
      store::session_row session) override;
  // Probes the file (media) and copies it under its content hash. A URL is fetched first (into
  // <state_dir>/tmp, removed after) and typed by its content. unsupported_media when ffprobe
  // cannot read it (or a script is not text); upstream_unavailable naming the URL when it
  // cannot be fetched; bad_request for a URL without a fetcher; payload_too_large past the
  // limit; internal when it cannot be stored.
  service::async_result<service::media_added> add_media(store::session_row session,
                                                        service::media_source source,
                                                        service::progress_fn progress) override;
  // Always {0, 0, 0}: local renders cost nothing.
  service::async_result<service::credit_balance> credits() override;
  // The current draft (null before the first edit); media stay the session's rows.
  service::async_result<service::backend_state> state(store::session_row session) override;
  // One agent turn: tool calls, then the reply (one final text item). The new draft is stored
  // before the items are handed out. Fails not_found for a session the store lacks.
  service::async_result<void> chat(store::session_row session, std::string text,
                                   service::item_fn on_item) override;

 private:
  store::database& db_;
  local_backend_options opt_;
};

// The session's media as the agent sees them, in upload order; scripts' text read from disk
// (at most 64 KiB each). Rows of unknown kinds are skipped.
std::vector<core::agent_media> agent_media_of(const std::vector<store::media_row>& rows);

// The metadata stored for a probed file: kind, duration_s, duration_ms, width, height,
// rotation, has_audio, codecs, format.
nlohmann::json media_meta(const media_info& info);

}  // namespace reel::engine
