#pragma once
// A tiny stand-in for reeld in a thread: plain blocking POSIX sockets on 127.0.0.1:0. It answers
// HTTP requests with a canned response and speaks just enough WebSocket (RFC 6455: handshake,
// unfragmented text frames, close) to play a scripted subscription.
#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace reel::cli::test {

struct recorded_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct canned_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// What the fake WebSocket does after its hello: answer the first op with a result, then send
// `events` one by one, then wait for the client to close.
struct ws_script {
  bool accept = true;  // false: refuse the upgrade with `refusal`
  canned_response refusal{401, R"({"error":{"code":"unauthorized","message":"bad key"}})"};
  std::vector<nlohmann::json> events;
  bool fail_op = false;  // answer the op with ok:false
  int close_with = 0;    // after the events of the first connection, close with this code
  std::vector<nlohmann::json> events_after_reconnect;  // what later connections send instead
};

class fake_daemon {
 public:
  using handler = std::function<canned_response(const recorded_request&)>;

  explicit fake_daemon(handler h, ws_script ws = {}) : handler_(std::move(h)), ws_(std::move(ws)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~fake_daemon() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  fake_daemon(const fake_daemon&) = delete;
  fake_daemon& operator=(const fake_daemon&) = delete;

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  std::vector<recorded_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // The WebSocket ops the client sent, parsed.
  std::vector<nlohmann::json> ws_ops() const {
    std::lock_guard lock(mutex_);
    return ws_ops_;
  }

 private:
  static bool read_some(int fd, std::string& buf) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    char tmp[4096];
    auto n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
  static void send_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
      auto n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }
  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      handle(c);
      ::close(c);
    }
  }

  void handle(int c) {
    std::string buf;
    while (buf.find("\r\n\r\n") == std::string::npos)
      if (!read_some(c, buf)) return;
    auto head_end = buf.find("\r\n\r\n");
    recorded_request req;
    std::string head = buf.substr(0, head_end);
    auto line_end = head.find("\r\n");
    auto first = head.substr(0, line_end);
    auto sp1 = first.find(' ');
    auto sp2 = first.find(' ', sp1 + 1);
    req.method = first.substr(0, sp1);
    req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      auto line = head.substr(pos, e - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.headers[lower(line.substr(0, colon))] = value;
      }
      pos = e + 2;
    }
    std::size_t length = 0;
    if (auto cl = req.header("content-length"); !cl.empty()) length = std::stoul(cl);
    std::string rest = buf.substr(head_end + 4);
    while (rest.size() < length)
      if (!read_some(c, rest)) return;
    req.body = rest.substr(0, length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
    }
    if (lower(req.header("upgrade")) == "websocket") return websocket(c, req);
    respond(c, handler_(req));
  }

  static void respond(int c, const canned_response& r) {
    send_all(c, "HTTP/1.1 " + std::to_string(r.status) + " X\r\nContent-Type: " + r.content_type +
                    "\r\nContent-Length: " + std::to_string(r.body.size()) +
                    "\r\nConnection: close\r\n\r\n" + r.body);
  }

  static std::string accept_key(const std::string& key) {
    auto in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    ::SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
    unsigned char out[64];
    int n = ::EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  }

  static std::string frame(std::uint8_t opcode, const std::string& payload) {
    std::string f(1, static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
      f += static_cast<char>(payload.size());
    } else {
      f += static_cast<char>(126);
      f += static_cast<char>((payload.size() >> 8) & 0xff);
      f += static_cast<char>(payload.size() & 0xff);
    }
    return f + payload;
  }

  // Reads one masked client frame; returns its opcode and payload.
  static std::optional<std::pair<int, std::string>> read_frame(int c, std::string& buf) {
    auto need = [&](std::size_t n) {
      while (buf.size() < n)
        if (!read_some(c, buf)) return false;
      return true;
    };
    if (!need(2)) return std::nullopt;
    int opcode = static_cast<unsigned char>(buf[0]) & 0x0f;
    std::size_t len = static_cast<unsigned char>(buf[1]) & 0x7f;
    std::size_t off = 2;
    if (len == 126) {
      if (!need(4)) return std::nullopt;
      len = (static_cast<unsigned char>(buf[2]) << 8) | static_cast<unsigned char>(buf[3]);
      off = 4;
    }
    if (!need(off + 4 + len)) return std::nullopt;
    std::string mask = buf.substr(off, 4);
    std::string payload = buf.substr(off + 4, len);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= mask[i % 4];
    buf.erase(0, off + 4 + len);
    return std::pair{opcode, payload};
  }

  void websocket(int c, const recorded_request& req) {
    if (!ws_.accept) return respond(c, ws_.refusal);
    send_all(c,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: " +
                 accept_key(req.header("sec-websocket-key")) + "\r\n\r\n");
    send_all(c, frame(1, R"({"type":"hello","version":1,"server":"reeld/0.1.0"})"));
    std::string buf;
    bool answered = false;
    while (!stop_) {
      auto f = read_frame(c, buf);
      if (!f) return;
      if (f->first == 8) {  // close: echo it
        send_all(c, frame(8, f->second.substr(0, 2)));
        return;
      }
      if (f->first != 1) continue;
      auto op = nlohmann::json::parse(f->second, nullptr, false);
      {
        std::lock_guard lock(mutex_);
        ws_ops_.push_back(op);
      }
      if (answered) continue;
      answered = true;
      nlohmann::json result = {{"type", "result"}, {"id", op.value("id", 0)}};
      if (ws_.fail_op) {
        result["ok"] = false;
        result["error"] = {{"code", "bad_request"}, {"message", "unknown topic"}};
      } else {
        result["ok"] = true;
        result["data"] = nlohmann::json::object();
      }
      send_all(c, frame(1, result.dump()));
      bool first_connection = ws_connections_++ == 0;
      for (const auto& ev : first_connection ? ws_.events : ws_.events_after_reconnect)
        send_all(c, frame(1, ev.dump()));
      if (first_connection && ws_.close_with != 0) {
        std::string payload;
        payload += static_cast<char>((ws_.close_with >> 8) & 0xff);
        payload += static_cast<char>(ws_.close_with & 0xff);
        payload += "outbox full";
        send_all(c, frame(8, payload));
        read_frame(c, buf);  // the client's answering close
        return;
      }
    }
  }

  handler handler_;
  ws_script ws_;
  int ws_connections_ = 0;  // only touched by the server thread
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<recorded_request> requests_;
  std::vector<nlohmann::json> ws_ops_;
};

}  // namespace reel::cli::test
