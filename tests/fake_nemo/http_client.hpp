#pragma once
// The tests' small HTTP/1.1 client (HTTP or HTTPS with verification against a CA file): each call
// runs on a private io_context with one overall timeout, and keeps whatever arrived when the
// server cuts the connection, so fault tests can look at partial bodies.
#include "fake_nemo/http_types.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::fake_nemo::testing {

struct client_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = false;
  std::string ca_file;                    // TLS: the CA to verify the server against
  std::string verify_name = "localhost";  // TLS: SNI and the name the certificate must carry
  std::chrono::seconds timeout{20};       // the whole call
};

struct request_spec {
  std::string method = "GET";
  std::string target = "/";
  header_list headers;
  std::string body;
};

// A body made on the fly: prefix, then `head`, then filler bytes up to `size` (head included),
// then suffix. Lets a test upload hundreds of megabytes without holding them.
struct streamed_body {
  std::string prefix;
  std::string head;
  std::uint64_t size = 0;
  std::string suffix;
};

struct http_reply {
  int status = 0;  // 0 when no response header arrived
  header_list headers;
  std::string body;       // as much as arrived
  bool complete = false;  // the whole response arrived
  std::string error;      // what went wrong when !complete

  std::string header(std::string_view name) const { return find_header(headers, name); }
  // The body as JSON; null when it is not JSON.
  nlohmann::json json() const;
};

class http_client {
 public:
  explicit http_client(client_options options);

  // One request on a new connection. Transport failures land in the reply, never throw.
  http_reply send(request_spec r) const;
  // Like send(), with `b` as the body (Content-Length announced up front).
  http_reply send_streamed(request_spec r, streamed_body b) const;
  // Several requests, in order, on one kept-alive connection.
  std::vector<http_reply> send_all(std::vector<request_spec> rs) const;

  http_reply get(std::string target, header_list headers = {}) const;
  http_reply post_json(std::string target, const nlohmann::json& body,
                       header_list headers = {}) const;

 private:
  client_options options_;
};

}  // namespace reel::fake_nemo::testing
