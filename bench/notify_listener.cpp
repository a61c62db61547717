#include "notify_listener.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace reel::bench {

notify_listener::notify_listener(std::string path) : path_(std::move(path)) {
  sockaddr_un addr{};
  if (path_.size() >= sizeof(addr.sun_path)) throw std::runtime_error("notify path too long");
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("cannot create the notify socket");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot bind the notify socket at " + path_);
  }
  // A daemon that never says READY must not hang the bench: recv gives up after 10 s.
  timeval tv{10, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  // A blocked thread stamps the arrival itself; polling would add its period to the measurement.
  thread_ = std::thread(&notify_listener::receive, this);
}

notify_listener::~notify_listener() {
  // shutdown() wakes a recv() that still waits (the daemon died before READY).
  ::shutdown(fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
  ::unlink(path_.c_str());
}

void notify_listener::receive() {
  char buf[4096];
  for (;;) {
    auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    std::string_view msg(buf, static_cast<std::size_t>(n));
    // READY=1 is one line among others (STATUS=...).
    if (msg.rfind("READY=1", 0) == 0 || msg.find("\nREADY=1") != std::string_view::npos) {
      ready_at_ = now;
      return;
    }
  }
}

std::optional<notify_listener::time_point> notify_listener::ready_at() {
  // The thread ends on READY=1 or on its receive timeout; join() makes ready_at_ safe to read.
  if (thread_.joinable()) thread_.join();
  return ready_at_;
}

}  // namespace reel::bench
