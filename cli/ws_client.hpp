#pragma once
// The WebSocket side of reeld (/v1/ws): upgrade with the key, the server's hello, ops with ids
// and their results, events. Blocking calls, each with a time limit, driven on one io_context.
#include "cli/client_error.hpp"
#include "cli/client_options.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace reel::cli {

class ws_client {
 public:
  // Connects, upgrades (Authorization: Bearer <key>) and reads the hello. Fails: unreachable;
  // daemon (upgrade refused, with its envelope, e.g. 401); timeout; protocol (no hello).
  static client_result<ws_client> connect(client_options opts, std::string target = "/v1/ws");

  ws_client(ws_client&&) noexcept;
  ws_client& operator=(ws_client&&) noexcept;
  ~ws_client();  // closes politely if still open

  // The server's greeting: {"type":"hello","version":1,...}.
  const nlohmann::json& hello() const noexcept;

  // Sends {"id":N,"op":op,...fields} (`fields` a JSON object); returns N (1, 2, ...).
  client_result<std::int64_t> send(std::string_view op,
                                   nlohmann::json fields = nlohmann::json::object());

  // Sends an op and waits (io_timeout) for the result with its id; messages that arrive first
  // are kept for next(). Returns the result's "data" (null when absent); ok:false fails with
  // the daemon's error (failure::daemon).
  client_result<nlohmann::json> call(std::string_view op,
                                     nlohmann::json fields = nlohmann::json::object());

  // The next message (kept ones first). With a timeout, running out fails with failure::timeout
  // and the connection stays usable; without one it waits for a message, the end of the
  // connection or stop. The daemon closing fails with failure::daemon and close_code set.
  client_result<nlohmann::json> next(std::optional<std::chrono::milliseconds> timeout);

  // Sends a close frame and waits briefly for the daemon's; never fails.
  void close();

 private:
  struct impl;
  explicit ws_client(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace reel::cli
