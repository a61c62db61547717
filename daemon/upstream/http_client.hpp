#pragma once
// HTTP/1.1 to the NemoVideo API (spec/upstream-nemovideo.md): HTTPS with certificate and host
// name verification always on (plain HTTP only when base_url says so, for the simulator), a
// small pool of kept-alive connections, a timeout on connect, on each write and on each read,
// the attribution headers on every call, and bodies streamed from files, to callbacks (SSE) and
// to files (downloads with Range resume). Every failure is a core::error; no message, log line
// or exception text carries the bearer token.
//
// A cheap handle (copies share one pool). Use it from the io_context's one thread; calls may
// overlap (each takes its own connection). Pending calls keep the shared state alive, so the
// handle may die before them.
#include "core/config.hpp"
#include "core/error.hpp"
#include "upstream/multipart.hpp"
#include "upstream/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel::upstream {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_request {
  std::string method = "GET";
  std::string target;              // "/api/..." on the base URL (its path, if any, is prefixed)
  std::string body;                // sent as is when `files` is empty
  std::string content_type;        // of `body`; empty: no Content-Type
  std::vector<upload_part> files;  // non-empty: a multipart/form-data body streamed from disk
  header_list headers;             // more headers (Accept, X-Client-Id, Range, ...)
  std::string bearer;              // Authorization: Bearer <bearer>; empty: none
  // May be sent again on a fresh connection when a reused one turns out to be closed before any
  // answer arrived. False for calls that must never be repeated (a chat message).
  bool replayable = true;
};

struct http_response {
  int status = 0;
  header_list headers;
  std::string body;       // empty when the body went to a callback or a file
  bool streamed = false;  // the body went to a callback or a file

  // The first header named `name` (case-insensitive); empty when absent.
  std::string header(std::string_view name) const;
};

// Bytes of the body done so far and the total (0 when unknown).
using progress_fn = std::function<void(std::uint64_t done, std::uint64_t total)>;
// One piece of a streamed body as it arrives; return false to stop (the call fails: cancelled).
using chunk_fn = std::function<bool(std::string_view chunk)>;

struct client_options {
  std::string base_url = "https://mega-api-prod.nemovideo.ai";
  std::string ca_file;  // PEM, trusted beside the system store
  std::string skill_source = "reel";
  std::string skill_version;
  std::string skill_platform = "unknown";
  std::chrono::milliseconds connect_timeout{10'000};    // resolve + connect + TLS handshake
  std::chrono::milliseconds request_timeout{60'000};    // each write, each read
  std::chrono::milliseconds sse_idle_timeout{660'000};  // each read of a stream()
  std::size_t pool_size = 4;                            // idle connections kept
  std::chrono::milliseconds max_idle{30'000};           // an idle connection older is closed
  std::uint64_t max_body = 64ull << 20;                 // largest body collected in memory

  // The [upstream] section of `cfg`.
  static client_options from_config(const core::config& cfg);
};

struct client_stats {
  std::uint64_t connections_opened = 0;  // TCP (and TLS) connections made
  std::uint64_t requests = 0;            // requests written
  std::uint64_t reused = 0;              // requests sent on a kept-alive connection
};

struct download_result {
  http_response response;  // status, headers; body only when not saved (an error answer)
  bool saved = false;      // 200/206: the body is in the file; 416 at the end: already complete
  bool resumed = false;    // 206: appended from the requested byte
  std::uint64_t bytes_on_disk = 0;
  std::optional<std::uint64_t> total;  // the full size when the server said it
};

class http_client {
 public:
  // Fails (bad_request) when base_url is not an http(s) URL or ca_file cannot be loaded.
  static core::result<http_client> make(boost::asio::any_io_executor ex, client_options o);

  // One request; the whole response body collected (up to max_body). `progress` follows the
  // request body (uploads). Any HTTP status is a success here: callers map statuses.
  boost::asio::awaitable<core::result<http_response>> send(http_request req,
                                                           progress_fn progress = {}) const;

  // One request whose 2xx text/event-stream body goes to `on_chunk` as it arrives (reads time out
  // after sse_idle_timeout); any other answer is collected in the body as send() would. A stream
  // cut before its end fails with upstream_unavailable after the chunks that did arrive.
  boost::asio::awaitable<core::result<http_response>> stream(http_request req,
                                                             chunk_fn on_chunk) const;

  // GET `url` (absolute, or a target on the base URL) into `dest`, from `from_byte` on with a
  // Range header when it is not 0 (200 instead of 206 restarts the file). `bearer` is sent only
  // to the base URL's origin. On failure the bytes written so far stay: resume from the file size.
  boost::asio::awaitable<core::result<download_result>> download(std::string url,
                                                                 std::filesystem::path dest,
                                                                 std::uint64_t from_byte,
                                                                 std::string bearer,
                                                                 progress_fn progress = {}) const;

  // True when `url` is relative or names the base URL's origin.
  bool same_origin(std::string_view url) const;
  // Closes every idle connection (shutdown).
  void close_idle() const;
  client_stats stats() const;
  const client_options& options() const;
  boost::asio::any_io_executor executor() const;

  struct impl;

 private:
  explicit http_client(std::shared_ptr<impl> i) : impl_(std::move(i)) {}
  std::shared_ptr<impl> impl_;
};

}  // namespace reel::upstream
