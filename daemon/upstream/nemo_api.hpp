#pragma once
// The NemoVideo calls as typed functions (spec/upstream-nemovideo.md "Calls"), parsed leniently:
// an envelope or a bare body, unknown fields kept in `raw`. Every failure is a core::error
// mapped by core/upstream_errors (token_invalid, session_lost, out_of_credits,
// unsupported_media, payload_too_large, plan_blocked, rate_limited, upstream_unavailable,
// timeout, ...). A 1001 renews the anonymous token and retries once (token_keeper::call), except
// on run_sse, which is never sent twice. A 1002 (session_lost) is returned: the session's owner
// makes a new session and decides about retrying.
//
// A cheap handle; use it from the io_context's one thread. Calls may overlap.
#include "core/error.hpp"
#include "upstream/http_client.hpp"
#include "upstream/token_keeper.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace reel::upstream {

struct session_info {
  std::string session_id;
  std::string task_id;  // as text, whatever type the server used
  nlohmann::json raw;
};

struct credits_info {
  std::int64_t available = 0;
  std::int64_t frozen = 0;
  std::int64_t total = 0;
};

struct session_snapshot {
  nlohmann::json draft;            // verbatim, unknown keys kept; null when the session has none
  nlohmann::json video_infos;      // an array (empty when absent)
  nlohmann::json generated_media;  // an array (empty when absent)
  nlohmann::json raw;              // the whole payload
};

struct upload_result {
  std::vector<nlohmann::json> uploaded;  // one media info per file or URL, as the server sent it
  nlohmann::json raw;
};

struct render_info {
  std::string id;
  std::string status;  // pending, processing, completed, failed, cancelled (as the server says)
  int progress = 0;
  std::string output_url;  // output.url, else outputUrl (top level or in data); empty: none yet
  nlohmann::json error;    // the job's own error object when it failed; null otherwise
  bool already_submitted = false;  // render_submit: the id existed (409), this is its status
  nlohmann::json raw;
};

class nemo_api {
 public:
  nemo_api(http_client http, token_keeper keeper)
      : http_(std::move(http)), keeper_(std::move(keeper)) {}

  // POST /api/tasks/me/with-session/nemo_agent {"task_name":"project","language":...}.
  boost::asio::awaitable<core::result<session_info>> create_session(std::string language) const;
  // GET /api/credits/balance/simple.
  boost::asio::awaitable<core::result<credits_info>> credits() const;
  // GET /api/state/nemo_agent/me/<sid>/latest: data.state (or data) draft, video_infos, media.
  boost::asio::awaitable<core::result<session_snapshot>> state(std::string session_id) const;

  // POST /api/upload-video/nemo_agent/me/<sid>, multipart field "files", streamed from `path`
  // (never held in memory) under the name `name` (empty: the file's own); `progress` counts
  // request body bytes. Fails bad_request when the file cannot be read.
  boost::asio::awaitable<core::result<upload_result>> upload_file(std::string session_id,
                                                                  std::filesystem::path path,
                                                                  std::string name,
                                                                  progress_fn progress = {}) const;
  // The same call with {"urls":[...],"source_type":"url"}.
  boost::asio::awaitable<core::result<upload_result>> upload_urls(
      std::string session_id, std::vector<std::string> urls) const;

  // POST /run_sse with the ADK body; the event stream's bytes go to `on_chunk` as they arrive
  // (parse them with core::sse_parser). Never retried, whatever happens: a message is sent at
  // most once. Succeeds when the stream ended normally; a stream cut midway fails with
  // upstream_unavailable after the chunks that arrived; a refusal before streaming (JSON) fails
  // mapped (a 1001 also marks the token for renewal, so the next call gets a fresh one).
  boost::asio::awaitable<core::result<void>> run_sse(std::string session_id, std::string text,
                                                     chunk_fn on_chunk) const;

  // POST /api/render/proxy/lambda {"id","sessionId","draft","output"}; `draft` sent as given.
  // A duplicate id (409) answers the existing job's status with already_submitted = true.
  boost::asio::awaitable<core::result<render_info>> render_submit(std::string render_id,
                                                                  std::string session_id,
                                                                  nlohmann::json draft,
                                                                  nlohmann::json output) const;
  // GET /api/render/proxy/lambda/<id>.
  boost::asio::awaitable<core::result<render_info>> render_status(std::string render_id) const;
  // DELETE /api/render/proxy/lambda/<id>.
  boost::asio::awaitable<core::result<render_info>> render_cancel(std::string render_id) const;

  // Downloads `url` (an output URL, or a target on the API such as
  // "/api/render/proxy/lambda/<id>/download") into `dest` from `from_byte` (Range resume).
  // The token goes only to the API's own origin. Bytes already written stay on failure.
  boost::asio::awaitable<core::result<download_result>> download(std::string url,
                                                                 std::filesystem::path dest,
                                                                 std::uint64_t from_byte,
                                                                 progress_fn progress = {}) const;

  const token_keeper& keeper() const noexcept { return keeper_; }
  const http_client& http() const noexcept { return http_; }

 private:
  http_client http_;
  token_keeper keeper_;
};

// Parsers of the payloads above (lenient, exposed for tests).
render_info parse_render(const nlohmann::json& body, const nlohmann::json& data);
session_snapshot parse_state(const nlohmann::json& data);

}  // namespace reel::upstream
