#pragma once
// How the HTTP and WebSocket clients reach the daemon: address, key, time limits, cancellation.
#include "cli/daemon_address.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace reel::cli {

struct client_options {
  daemon_address address;
  std::optional<std::string> api_key;  // sent as "Authorization: Bearer <key>" when set
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{30000};  // each write, and each wait for bytes
  std::function<bool()> stop;                   // polled about every 100 ms; true cancels
  std::function<void(std::string_view)> trace;  // -v: one line per step; never sees the key

  void log(std::string_view line) const {
    if (trace) trace(line);
  }
};

// "start it with ..." lines for a daemon that is not reachable.
inline constexpr std::string_view start_daemon_hint =
    "start the daemon with one of:\n"
    "  reeld                          (in the foreground)\n"
    "  systemctl --user start reeld   (the user unit)\n"
    "  sudo systemctl start reeld     (the system unit)\n"
    "or point reel at it with --host HOST:PORT or $REEL_HOST";

}  // namespace reel::cli
