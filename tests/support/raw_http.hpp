#pragma once
// Plain blocking sockets for tests that must send what a polite client would not: foreign Host
// headers, broken requests, bodies that are too large, upgrades that are never read.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <chrono>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace reel::test {

class raw_conn {
 public:
  explicit raw_conn(std::uint16_t port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("connect failed");
  }
  ~raw_conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_conn(const raw_conn&) = delete;
  raw_conn& operator=(const raw_conn&) = delete;

  void send(const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      auto n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;  // the peer may close early (413): that is what some tests check
      off += static_cast<std::size_t>(n);
    }
  }
  // Reads what arrives until the peer closes or `quiet` passes with nothing new.
  std::string read_all(std::chrono::milliseconds quiet = std::chrono::milliseconds(3000)) {
    std::string out;
    char buf[65536];
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }
  // Reads one HTTP response (headers plus Content-Length bytes of body).
  std::string read_response(std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    std::string out;
    char buf[65536];
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t want = 0;
        auto cl = lower(out.substr(0, end)).find("content-length:");
        if (cl != std::string::npos) want = std::stoul(out.substr(cl + 15));
        if (out.size() >= end + 4 + want) return out.substr(0, end + 4 + want);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  // True when the peer has closed (EOF or reset) within `wait`.
  bool closed_within(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    char buf[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
      }
    }
    return false;
  }
  int fd() const { return fd_; }

  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

 private:
  int fd_ = -1;
};

struct raw_response {
  int status = 0;
  std::string head;  // status line and headers, lower-cased
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  bool has_header(const std::string& lower_name) const {
    return head.find("\r\n" + lower_name + ":") != std::string::npos;
  }
};

inline raw_response parse_response(const std::string& text) {
  raw_response r;
  auto end = text.find("\r\n\r\n");
  if (text.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(text.substr(9, 3));
  r.head = raw_conn::lower(text.substr(0, end));
  r.body = text.substr(end + 4);
  return r;
}

// One request on a new connection. `headers` are extra lines ("Name: value\r\n" each).
inline raw_response http(std::uint16_t port, const std::string& method, const std::string& target,
                         const std::string& key, const std::string& body = {},
                         const std::string& headers = {}, const std::string& host = {}) {
  raw_conn c(port);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " +
                    (host.empty() ? "127.0.0.1:" + std::to_string(port) : host) + "\r\n";
  if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
  req += headers;
  if (!body.empty() || method == "POST")
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  req += "Connection: close\r\n\r\n" + body;
  c.send(req);
  return parse_response(c.read_response());
}

}  // namespace reel::test
