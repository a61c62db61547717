#pragma once
// Stands in for systemd's notify socket (sd_notify(3)): a Unix datagram socket whose path goes to
// reeld as NOTIFY_SOCKET, and a thread that stamps each message as it arrives.
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace reel::test {

class notify_socket {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  struct message {
    std::string text;  // e.g. "READY=1\nSTATUS=listening on ..."
    time_point at;
  };

  // Binds at `path` (must not exist) and starts receiving at once, so a message sent right after
  // the next spawn is not missed. Throws std::runtime_error when the socket cannot be made.
  explicit notify_socket(std::string path) : path_(std::move(path)) {
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
    // A blocked thread stamps each arrival itself; polling would add its period to timings.
    thread_ = std::thread([this] { receive(); });
  }
  ~notify_socket() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes the blocked recv()
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  // "NOTIFY_SOCKET=<path>", for the daemon's environment.
  std::string env() const { return "NOTIFY_SOCKET=" + path_; }

  // The first message containing the line `line` ("READY=1"), waiting up to `timeout`.
  std::optional<message> wait_for(const std::string& line,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    std::optional<message> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& m : messages_)
        if (has_line(m.text, line)) {
          found = m;
          return true;
        }
      return false;
    });
    return found;
  }
  // How many messages so far contain the line `line`.
  std::size_t count(const std::string& line) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& m : messages_) n += has_line(m.text, line) ? 1 : 0;
    return n;
  }

  static bool has_line(const std::string& text, const std::string& line) {
    for (std::size_t at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) {
      bool starts = at == 0 || text[at - 1] == '\n';
      bool ends = at + line.size() == text.size() || text[at + line.size()] == '\n' ||
                  line.back() == '=';
      if (starts && ends) return true;
    }
    return false;
  }

 private:
  void receive() {
    char buf[4096];
    for (;;) {
      auto n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) return;
      std::lock_guard lock(mu_);
      messages_.push_back({std::string(buf, static_cast<std::size_t>(n)),
                           std::chrono::steady_clock::now()});
      cv_.notify_all();
    }
  }

  std::string path_;
  int fd_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<message> messages_;
  std::thread thread_;
};

}  // namespace reel::test
