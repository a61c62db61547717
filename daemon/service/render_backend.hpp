#pragma once
// The render side of a backend, in the terms of core::render_machine's actions: the cloud
// (upstream/nemo_render_backend: submit = POST /api/render/proxy/lambda, status = GET .../<id>)
// and the local engine (submit starts ffmpeg, status reports its progress, download moves the
// finished file) implement it, so render_service drives both the same way.
//
// Answers are what the backend said as {HTTP status, JSON body}, or that it said nothing; the
// service classifies them (core::classify_render_answer), so a backend never decides what a
// 409 or a 5xx means. A local backend answers in the same shape: 200 with a status body
// ({"status":"processing","progress":0.4} ...), 404 for an id it does not know, 409 for an id
// it already has. Calls are coroutines on the event loop; they may be cancelled (terminal
// cancellation): they then end soon, their answer ignored. They never throw for expected
// failures.
#include "core/render_machine.hpp"
#include "core/render_status.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace reel::service {

// One answer to a render call.
struct render_reply {
  int http_status = 0;  // 0: no answer at all (network, timeout, refused): see `failure`
  nlohmann::json body;  // the body as JSON; null when it was empty or not JSON
  std::string failure;  // why there was no answer (for a person)
};

// The reply as the machine's inputs read it (ok / duplicate / not found / failed).
core::render_answer classify(const render_reply& r);

// What is submitted: the job's id (the backend's id too), the draft as stored, the options.
struct render_submission {
  std::string id;
  std::string session;                          // ours
  std::optional<std::string> upstream_session;  // the backend's name for it, when it has one
  nlohmann::json draft;
  nlohmann::json options;  // {"format","quality","resolution"?}
};

// A download into `part_path` from byte `from` (0: truncate; else append from there).
struct render_fetch {
  std::string id;
  std::string url;  // the file's URL as the status said; empty: the backend's direct download
  std::string part_path;
  std::uint64_t from = 0;
};

// Bytes in the part file so far, and the whole size when known (0 when not).
using fetch_progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

using render_fetch_result = core::render_machine::download_result;
using render_check_result = core::render_machine::verify_result;

class render_backend {
 public:
  virtual ~render_backend() = default;

  // "nemovideo" or "local": the name sessions and jobs carry.
  virtual std::string_view name() const noexcept = 0;

  // What the backend knows of `id`, asked before anything is sent again (404: nothing).
  virtual boost::asio::awaitable<render_reply> lookup(std::string id) = 0;
  // Starts the render with our id; an id it already has answers 409 (or 200 with the job).
  virtual boost::asio::awaitable<render_reply> submit(render_submission s) = 0;
  // The render's status (progress, the file's URL once completed).
  virtual boost::asio::awaitable<render_reply> status(std::string id) = 0;
  // Stops the render (best effort; the answer is only logged).
  virtual boost::asio::awaitable<render_reply> cancel(std::string id) = 0;

  // Fetches the finished file into f.part_path (Range from f.from), fsyncs it, and reads its
  // size and sha256: complete; a transfer that stopped midway: cut (bytes_so_far = the part
  // file's size); no bytes: failed, with the fault (HTTP status 0 when there was no answer).
  virtual boost::asio::awaitable<render_fetch_result> download(render_fetch f,
                                                               fetch_progress progress) = 0;
  // Checks that `path` is a playable MP4 (ffprobe): ok with its duration, or why not.
  virtual boost::asio::awaitable<render_check_result> verify(std::string path) = 0;

  // The polling pace for this backend's jobs, from the configured one: the cloud keeps it; the
  // local engine, which answers from memory, asks to be polled far more often.
  virtual core::render_policy tune(core::render_policy configured) const { return configured; }
};

}  // namespace reel::service
