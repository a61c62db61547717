#include "reference_relay.hpp"

#include "core/text_norm.hpp"
#include "core/ws_protocol.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <nlohmann/json.hpp>

#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

#include <chrono>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace reel::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};
using frame_ptr = std::shared_ptr<const std::string>;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the JSON string that starts at `s[at]` (just after its opening quote) to `out`.
void append_json_string(std::string_view s, std::size_t at, std::string& out) {
  while (at < s.size()) {
    const auto stop = s.find_first_of("\"\\", at);
    if (stop == std::string_view::npos) return;
    out.append(s.substr(at, stop - at));
    if (s[stop] == '"') return;
    if (stop + 1 >= s.size()) return;
    const char e = s[stop + 1];
    at = stop + 2;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (at + 4 > s.size()) return;
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) cp = cp * 16 + static_cast<unsigned>(hex_value(s[at + i]));
        at += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && at + 6 <= s.size() && s[at] == '\\' &&
            s[at + 1] == 'u') {
          unsigned lo = 0;
          for (int i = 0; i < 4; ++i)
            lo = lo * 16 + static_cast<unsigned>(hex_value(s[at + 2 + i]));
          at += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        core::append_utf8(static_cast<char32_t>(cp), out);
        break;
      }
      default:
        out += e;
        break;  // \" \\ \/
    }
  }
}

// A whole WebSocket frame, header included: a server's frames are not masked, so the same bytes
// go to every subscriber.
std::string ws_text_frame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out += static_cast<char>(0x81);  // FIN, text
  const auto n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n < 65536) {
    out += static_cast<char>(126);
    out += static_cast<char>((n >> 8) & 0xFF);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  }
  out.append(payload);
  return out;
}

struct subscriber {
  explicit subscriber(tcp::socket s) : ws(std::move(s)) {}
  websocket::stream<tcp::socket> ws;  // the handshake and reads; writes go to the socket
  std::deque<frame_ptr> queue;        // frames not yet written in full
  std::size_t written = 0;            // bytes of queue.front() already written
  bool waiting = false;               // for the socket to take more
  bool dead = false;
};

}  // namespace

struct reference_relay::impl {
  impl(reference_upstream u, std::chrono::microseconds h)
      : up(std::move(u)), hold(h), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}

  void publish(const std::string& name, const nlohmann::json& data) {
    auto f = std::make_shared<const std::string>(
        ws_text_frame(core::ws_event_frame({topic, ++seq, name, data.dump(), unix_ms()})));
    for (auto& s : subs) {
      if (s->dead) continue;
      s->queue.push_back(f);
      if (!s->waiting) flush(s);
    }
  }

  // Writes what the socket takes now (one sendmsg of up to 64 frames); waits for room for the
  // rest.
  void flush(const std::shared_ptr<subscriber>& s) {
    auto& sock = s->ws.next_layer();
    while (!s->queue.empty()) {
      iovec iov[64];
      std::size_t n = 0;
      for (auto it = s->queue.begin(); it != s->queue.end() && n < 64; ++it, ++n) {
        const std::size_t skip = n == 0 ? s->written : 0;
        iov[n].iov_base = const_cast<char*>((*it)->data() + skip);
        iov[n].iov_len = (*it)->size() - skip;
      }
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = n;
      const auto sent = ::sendmsg(sock.native_handle(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        s->dead = true;
        return;
      }
      auto left = static_cast<std::size_t>(sent);
      while (left > 0) {
        const auto rest = s->queue.front()->size() - s->written;
        if (left < rest) {
          s->written += left;
          left = 0;
        } else {
          left -= rest;
          s->written = 0;
          s->queue.pop_front();
        }
      }
    }
    if (s->queue.empty()) return;
    s->waiting = true;
    sock.async_wait(tcp::socket::wait_write, [this, s](boost::system::error_code ec) {
      s->waiting = false;
      if (ec) {
        s->dead = true;
        return;
      }
      flush(s);
    });
  }

  asio::awaitable<void> subscribe(tcp::socket sock) {
    sock.set_option(tcp::no_delay(true));
    auto s = std::make_shared<subscriber>(std::move(sock));
    if (auto [ec] = co_await s->ws.async_accept(use_tuple); ec) co_return;
    s->ws.text(true);
    s->ws.auto_fragment(false);  // one frame per message, as reeld writes them
    const std::string hello = R"({"type":"hello","version":1})";
    if (auto [ec, n] = co_await s->ws.async_write(asio::buffer(hello), use_tuple); ec) co_return;
    beast::flat_buffer b;
    if (auto [ec, n] = co_await s->ws.async_read(b, use_tuple); ec) co_return;
    const std::string ok = R"({"type":"result","id":1,"ok":true})";
    if (auto [ec, n] = co_await s->ws.async_write(asio::buffer(ok), use_tuple); ec) co_return;
    subs.push_back(s);
    for (;;) {  // the client sends nothing more; this answers pings and sees the close
      b.clear();
      if (auto [ec, n] = co_await s->ws.async_read(b, use_tuple); ec) break;
    }
    s->dead = true;
  }

  asio::awaitable<void> serve() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(use_tuple);
      if (ec) co_return;
      asio::co_spawn(io, subscribe(std::move(sock)), asio::detached);
    }
  }

  // The text of every complete `data:` line in `lines` (the rest stays for the next read).
  static void take_text(std::string& lines, std::string& text) {
    std::size_t at = 0;
    for (;;) {
      const auto eol = lines.find('\n', at);
      if (eol == std::string::npos) break;
      const std::string_view line(lines.data() + at, eol - at);
      if (line.starts_with("data:")) {
        const auto key = line.find(R"("text":")");
        if (key != std::string_view::npos) append_json_string(line, key + 8, text);
      }
      at = eol + 1;
    }
    lines.erase(0, at);
  }

  asio::awaitable<void> turn() {
    tcp::socket s(io);
    if (auto [ec] =
            co_await s.async_connect({asio::ip::make_address("127.0.0.1"), up.port}, use_tuple);
        ec) {
      fail("connect: " + ec.message());
      co_return;
    }
    s.set_option(tcp::no_delay(true));
    http::request<http::string_body> req{http::verb::post, "/run_sse", 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(up.port));
    req.set(http::field::authorization, "Bearer " + up.token);
    req.set(http::field::accept, "text/event-stream");
    req.set(http::field::content_type, "application/json");
    req.body() = nlohmann::json{{"app_name", "nemo_agent"},
                                {"user_id", "me"},
                                {"session_id", up.session},
                                {"new_message", {{"parts", {{{"text", "stream the benchmark"}}}}}}}
                     .dump();
    req.prepare_payload();
    if (auto [ec, n] = co_await http::async_write(s, req, use_tuple); ec) {
      fail("write: " + ec.message());
      co_return;
    }
    beast::flat_buffer buf;
    buf.reserve(64 * 1024);  // Beast reads no more than the free room (reeld does the same)
    http::response_parser<http::buffer_body> p;
    p.body_limit(boost::none);
    if (auto [ec, n] = co_await http::async_read_header(s, buf, p, use_tuple); ec) {
      fail("read header: " + ec.message());
      co_return;
    }
    publish("chat.started", {{"turn", turn_id}});
    std::vector<char> body(64 * 1024);
    std::string lines;
    while (!p.is_done()) {
      p.get().body().data = body.data();
      p.get().body().size = body.size();
      auto [ec, n] = co_await http::async_read_some(s, buf, p, use_tuple);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        fail("read body: " + ec.message());
        break;
      }
      // Beast parses one chunk per call: parse every chunk already read before relaying.
      while (buf.size() > 0 && p.get().body().size > 0 && !p.is_done()) {
        beast::error_code pec;
        const auto used = p.put(buf.data(), pec);
        buf.consume(used);
        if (pec == http::error::need_buffer || pec == http::error::need_more) break;
        if (pec) {
          fail("parse body: " + pec.message());
          co_return;
        }
        if (used == 0) break;
      }
      lines.append(body.data(), body.size() - p.get().body().size);
      take_text(lines, pending);
      if (pending.empty()) continue;
      if (hold.count() == 0) {
        send_pending();
      } else if (!held) {
        held = true;
        hold_timer.expires_after(hold);
        hold_timer.async_wait([this](boost::system::error_code wait_ec) {
          held = false;
          if (!wait_ec) send_pending();
        });
      }
    }
    if (held) hold_timer.cancel();
    send_pending();
    publish("chat.text", {{"turn", turn_id}, {"text", whole}, {"final", true}});
    publish("chat.done", {{"turn", turn_id}});
  }

  // The text taken since the last chat.text goes out as one.
  void send_pending() {
    if (pending.empty()) return;
    whole += pending;
    publish("chat.text", {{"turn", turn_id}, {"text", pending}, {"final", false}});
    pending.clear();
  }

  void fail(std::string what) {
    std::lock_guard lock(mu);
    if (err.empty()) err = std::move(what);
  }

  asio::io_context io{1};
  reference_upstream up;
  std::chrono::microseconds hold;
  asio::steady_timer hold_timer{io};
  bool held = false;
  std::string pending, whole;  // text not sent yet; all the text so far
  tcp::acceptor acceptor;
  std::vector<std::shared_ptr<subscriber>> subs;
  std::string topic = "session:reference";
  std::string turn_id = "t_reference";
  std::int64_t seq = 0;
  mutable std::mutex mu;
  std::string err;
  std::thread thread;
};

reference_relay::reference_relay(reference_upstream up, std::chrono::microseconds hold)
    : impl_(std::make_unique<impl>(std::move(up), hold)) {
  asio::co_spawn(impl_->io, impl_->serve(), asio::detached);
  impl_->thread = std::thread([i = impl_.get()] {
    ::pthread_setname_np(::pthread_self(), "reference");  // for perf and top
    auto guard = asio::make_work_guard(i->io);
    i->io.run();
  });
}

reference_relay::~reference_relay() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t reference_relay::port() const noexcept {
  return impl_->acceptor.local_endpoint().port();
}

void reference_relay::start_turn() {
  asio::post(impl_->io, [i = impl_.get()] { asio::co_spawn(i->io, i->turn(), asio::detached); });
}

double reference_relay::cpu_s() const {
  clockid_t id{};
  if (pthread_getcpuclockid(impl_->thread.native_handle(), &id) != 0) return 0;
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string reference_relay::error() const {
  std::lock_guard lock(impl_->mu);
  return impl_->err;
}

}  // namespace reel::bench
