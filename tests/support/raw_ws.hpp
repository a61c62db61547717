#pragma once
// A minimal blocking WebSocket client (RFC 6455) over raw_conn, for tests that need control a
// library client would not give: no key in the upgrade, a client that never reads, exact close
// codes.
#include "support/raw_http.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace reel::test {

struct ws_frame {
  int opcode = -1;  // 1 text, 2 binary, 8 close, 9 ping, 10 pong; -1 nothing (timeout or EOF)
  std::string payload;
  int close_code() const {
    return payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                     static_cast<unsigned char>(payload[1])
                               : 0;
  }
  std::string close_reason() const { return payload.size() > 2 ? payload.substr(2) : ""; }
  nlohmann::json json() const { return nlohmann::json::parse(payload, nullptr, false); }
};

class raw_ws {
 public:
  // Connects and upgrades. `key` empty: no Authorization header. `extra` are more header lines.
  // upgrade_response() holds the server's answer (101, or an error response).
  raw_ws(std::uint16_t port, const std::string& key, const std::string& extra = {},
         const std::string& host = {}, int rcvbuf = 0)
      : conn_(port, rcvbuf) {
    std::string req =
        "GET /v1/ws HTTP/1.1\r\nHost: " +
        (host.empty() ? "127.0.0.1:" + std::to_string(port) : host) +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
    req += extra + "\r\n";
    conn_.send(req);
    // Read the response head byte-wise: frames may follow it directly.
    std::string head;
    char c;
    while (head.size() < 65536 && head.find("\r\n\r\n") == std::string::npos) {
      if (!read_exact(&c, 1, 5000)) break;
      head += c;
    }
    upgrade_ = parse_response(head);
    if (upgrade_.status != 101 && upgrade_.head.find("content-length:") != std::string::npos) {
      auto cl = upgrade_.head.find("content-length:");
      std::size_t n = std::stoul(upgrade_.head.substr(cl + 15));
      upgrade_.body.resize(n);
      read_exact(upgrade_.body.data(), n, 5000);
    }
  }

  const raw_response& upgrade_response() const { return upgrade_; }

  void send_text(const std::string& text) { send_frame(1, text); }
  void send_close(int code) {
    std::string p;
    p += static_cast<char>(code >> 8);
    p += static_cast<char>(code & 0xff);
    send_frame(8, p);
  }

  // The next message (fragments joined) or close frame; pings are answered and skipped.
  // opcode -1 on timeout or EOF.
  ws_frame read(int timeout_ms = 5000) {
    ws_frame first = read_frame(timeout_ms);
    while (first.opcode >= 0 && !fin_ && first.opcode < 8) {
      ws_frame more = read_frame(timeout_ms);
      if (more.opcode != 0) return ws_frame{};
      first.payload += more.payload;
    }
    return first;
  }

  // One frame as it comes (continuations have opcode 0); pings answered and skipped.
  ws_frame read_frame(int timeout_ms = 5000) {
    for (;;) {
      ws_frame f;
      unsigned char h[2];
      if (!read_exact(reinterpret_cast<char*>(h), 2, timeout_ms)) return f;
      std::uint64_t len = h[1] & 0x7f;
      if (len == 126) {
        unsigned char b[2];
        if (!read_exact(reinterpret_cast<char*>(b), 2, timeout_ms)) return f;
        len = (std::uint64_t{b[0]} << 8) | b[1];
      } else if (len == 127) {
        unsigned char b[8];
        if (!read_exact(reinterpret_cast<char*>(b), 8, timeout_ms)) return f;
        len = 0;
        for (unsigned char x : b) len = (len << 8) | x;
      }
      f.payload.resize(len);
      if (len && !read_exact(f.payload.data(), len, timeout_ms)) return ws_frame{};
      f.opcode = h[0] & 0x0f;
      fin_ = (h[0] & 0x80) != 0;
      if (f.opcode == 9) {
        send_frame(10, f.payload);
        continue;
      }
      return f;
    }
  }
  // The next text frame as JSON, skipping nothing; null on timeout, close or EOF.
  nlohmann::json read_json(int timeout_ms = 5000) {
    auto f = read(timeout_ms);
    if (f.opcode != 1) {
      last_ = f;
      return nullptr;
    }
    return f.json();
  }
  const ws_frame& last_non_text() const { return last_; }
  raw_conn& conn() { return conn_; }

 private:
  bool read_exact(char* out, std::size_t n, int timeout_ms) {
    std::size_t got = 0;
    while (got < n) {
      pollfd p{conn_.fd(), POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      auto r = ::recv(conn_.fd(), out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }
  void send_frame(int opcode, const std::string& payload) {
    std::string f;
    f += static_cast<char>(0x80 | opcode);
    if (payload.size() < 126) {
      f += static_cast<char>(0x80 | payload.size());
    } else if (payload.size() < 65536) {
      f += static_cast<char>(0x80 | 126);
      f += static_cast<char>(payload.size() >> 8);
      f += static_cast<char>(payload.size() & 0xff);
    } else {
      f += static_cast<char>(0x80 | 127);
      for (int i = 7; i >= 0; --i) f += static_cast<char>((payload.size() >> (8 * i)) & 0xff);
    }
    unsigned char mask[4];
    for (auto& m : mask) m = static_cast<unsigned char>(rng_());
    f.append(reinterpret_cast<char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
      f += static_cast<char>(payload[i] ^ static_cast<char>(mask[i % 4]));
    conn_.send(f);
  }

  raw_conn conn_;
  raw_response upgrade_;
  ws_frame last_;
  bool fin_ = true;
  std::minstd_rand rng_{12345};
};

}  // namespace reel::test
