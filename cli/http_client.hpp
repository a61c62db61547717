#pragma once
// HTTP/1.1 to reeld: one connection per request, the key in every request, time limits on
// connect, write and each read, and bodies either whole or streamed (text/event-stream). A
// request body is a string, or parts (strings and files) sent in chunks as they are read.
#include "cli/client_error.hpp"
#include "cli/client_options.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel::cli {

// One piece of a streamed request body: bytes held here, or a file read while it is sent.
struct body_part {
  enum class kind { bytes, file };
  kind what = kind::bytes;
  std::string data;  // the bytes, or the file's path

  static body_part bytes(std::string b) { return {kind::bytes, std::move(b)}; }
  static body_part file(std::string path) { return {kind::file, std::move(path)}; }
};

struct http_request {
  std::string method = "GET";  // any HTTP verb
  std::string target;          // "/v1/status"
  std::string body;
  std::string content_type;  // sent when not empty
  std::string accept = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones
  // When not empty, the body instead of `body`: Content-Length is the sum of the parts (files
  // by their size when the request starts), and files are read and sent 256 KiB at a time, so
  // a body of any size costs constant memory. A file that cannot be read fails the request
  // with failure::local before anything is sent; one that shrinks while sent fails it too.
  std::vector<body_part> parts;
  // Called from the sending thread after each chunk of a `parts` body: bytes sent, total.
  std::function<void(std::uint64_t sent, std::uint64_t total)> on_progress;
  // The wait for the answer's header once the body is sent, when not the io_timeout (a daemon
  // that answers after uploading to the cloud); writes and later reads keep the io_timeout.
  std::optional<std::chrono::milliseconds> answer_timeout;
};

struct http_response {
  int status = 0;
  std::string reason;
  std::string content_type;
  std::string body;  // empty when the body was streamed to a callback
};

class http_client {
 public:
  // Receives body bytes as they arrive; returns false to stop reading (the request still
  // succeeds, with what was read so far).
  using chunk_callback = std::function<bool(std::string_view bytes)>;
  // Receives each line of a streamed body (see line_splitter); false stops.
  using line_callback = std::function<bool(std::string_view line)>;

  explicit http_client(client_options opts) : opts_(std::move(opts)) {}

  const client_options& options() const noexcept { return opts_; }

  // Sends `req` and reads the answer whole, whatever its status. Fails only when there is no
  // HTTP answer: unreachable, timeout, cancelled, protocol.
  client_result<http_response> send(const http_request& req) const;

  // Sends `req`; a 2xx body goes to `on_chunk` as it arrives (each read waits at most
  // io_timeout), any other status is read whole into the response.
  client_result<http_response> send_streaming(const http_request& req,
                                              const chunk_callback& on_chunk) const;

  // The JSON body of a 2xx answer to METHOD target (with an optional JSON body). Fails with the
  // daemon's error for other statuses, failure::protocol for a body that is not JSON.
  client_result<nlohmann::json> call_json(std::string_view method, std::string_view target,
                                          const nlohmann::json* body = nullptr) const;
  client_result<nlohmann::json> get_json(std::string_view target) const {
    return call_json("GET", target);
  }
  // The JSON body of a 2xx answer to `req` (any body, parts included), as call_json.
  client_result<nlohmann::json> call_json(const http_request& req) const;

  // Streams a text/event-stream answer line by line (Accept: text/event-stream). Returns the
  // status of a 2xx answer; other statuses fail with the daemon's error.
  client_result<int> stream_lines(http_request req, const line_callback& on_line) const;

 private:
  client_options opts_;
};

}  // namespace reel::cli
