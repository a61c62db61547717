#pragma once
// Stands in for systemd's notify socket: a Unix datagram socket whose path goes to reeld as
// NOTIFY_SOCKET, and a thread that stamps the moment READY=1 arrives (sd_notify(3)).
#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace reel::bench {

class notify_listener {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // Binds a datagram socket at `path` (which must not exist and must fit sockaddr_un) and starts
  // listening at once, so a datagram sent right after the next spawn is not missed. Throws
  // std::runtime_error when the socket cannot be made.
  explicit notify_listener(std::string path);
  ~notify_listener();
  notify_listener(const notify_listener&) = delete;
  notify_listener& operator=(const notify_listener&) = delete;

  // "NOTIFY_SOCKET=<path>", for the daemon's environment.
  std::string env() const { return "NOTIFY_SOCKET=" + path_; }

  // When READY=1 arrived; waits for it up to 10 s after construction. nullopt when it did not
  // come.
  std::optional<time_point> ready_at();

 private:
  void receive();

  std::string path_;
  int fd_ = -1;
  std::optional<time_point> ready_at_;
  std::thread thread_;
};

}  // namespace reel::bench
