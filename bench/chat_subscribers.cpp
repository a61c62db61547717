#include "chat_subscribers.hpp"

#include "delivery_recorder.hpp"
#include "ws_frame_splitter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <charconv>
#include <string_view>

namespace reel::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using ws_stream = websocket::stream<beast::tcp_stream>;
using clock = std::chrono::steady_clock;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};

std::string_view text_of(const beast::flat_buffer& b) {
  return {static_cast<const char*>(b.data().data()), b.size()};
}

std::int64_t number_at(std::string_view s, std::size_t at) {
  std::int64_t v = -1;
  std::from_chars(s.data() + at, s.data() + s.size(), v);
  return v;
}

}  // namespace

struct chat_subscribers::impl {
  // Every byte a client reads is kept (the turn's whole stream, about 2 x 48 bytes per piece
  // here) with when each read ended; frames are looked into after the turn, so that while it
  // streams the bench's reader costs the machine little more than the kernel's copy. The buffer
  // is allocated and touched before the turn and grows if the stream is longer.
  struct client {
    client(asio::io_context& io, std::size_t room) : ws(io), frames(room) {}
    ws_stream ws;
    ws_frame_splitter frames;
    std::vector<std::pair<std::size_t, std::int64_t>> reads;  // (bytes kept after it, when)
    std::int64_t last_seq = 0;
    bool done = false;
  };

  explicit impl(chat_subscribers_options o)
      : opts(std::move(o)), endpoint(asio::ip::make_address("127.0.0.1"), opts.port) {
    const std::size_t room = opts.markers * 128 + 256 * 1024;
    for (int i = 0; i < opts.clients; ++i) {
      clients.push_back(std::make_unique<client>(io, room));
      clients.back()->reads.reserve(4096);
    }
    out.received_ns.assign(static_cast<std::size_t>(opts.clients),
                           std::vector<std::int64_t>(opts.markers, 0));
  }

  void fail(std::string what) {
    if (out.failures.size() < 20) out.failures.push_back(std::move(what));
  }

  // One event frame of client `c`, received at `now` (after the turn, from what was kept). The
  // daemon writes type, topic, seq,
  // event, data, ts in that order (core::ws_event_frame), so plain searches find the fields.
  void take(std::size_t c, std::string_view f, std::int64_t now) {
    auto& cl = *clients[c];
    if (f.substr(0, 32).find(R"("type":"event")") == std::string_view::npos) return;
    ++out.events;
    const auto s = f.find(R"("seq":)");
    const auto seq = s == std::string_view::npos ? -1 : number_at(f, s + 6);
    if (cl.last_seq != 0 && seq != cl.last_seq + 1) ++out.gaps;
    cl.last_seq = seq;
    if (f.find(R"("event":"chat.text")") != std::string_view::npos &&
        f.find(R"("final":false)") != std::string_view::npos) {
      // The daemon joins pieces that arrived together into one chat.text: take every marker.
      for (auto m = f.find("[#"); m != std::string_view::npos; m = f.find("[#", m + 2)) {
        const auto i = number_at(f, m + 2);
        if (i < 0 || static_cast<std::size_t>(i) >= opts.markers) continue;
        auto& slot = out.received_ns[c][static_cast<std::size_t>(i)];
        if (slot == 0) {
          slot = now;
          ++out.pieces;
        }
      }
    } else if (ends_turn(f)) {
      cl.done = true;
      ++out.finished;
      if (c == 0)
        out.end_event = f.find("chat.done") != std::string_view::npos ? "chat.done" : "chat.error";
      out.last_receive_ns = std::max(out.last_receive_ns, now);
    }
  }

  asio::awaitable<beast::error_code> open(ws_stream* ws) {
    auto& t = beast::get_lowest_layer(*ws);
    t.expires_after(std::chrono::seconds(10));
    auto [cec] = co_await t.async_connect(endpoint, use_tuple);
    if (cec) co_return cec;
    t.socket().set_option(tcp::no_delay(true));
    t.expires_never();
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws->set_option(websocket::stream_base::decorator(
        [auth = "Bearer " + opts.key](websocket::request_type& req) {
          req.set(beast::http::field::authorization, auth);
        }));
    auto [hec] =
        co_await ws->async_handshake("127.0.0.1:" + std::to_string(opts.port), "/v1/ws", use_tuple);
    if (hec) co_return hec;
    beast::flat_buffer hello;
    auto [rec, n] = co_await ws->async_read(hello, use_tuple);
    co_return rec;
  }

  asio::awaitable<void> run_client(std::size_t c) {
    auto& cl = *clients[c];
    const std::string name = "client " + std::to_string(c);
    if (auto ec = co_await open(&cl.ws)) {
      fail(name + " could not connect: " + ec.message());
      cl.done = true;
      wake.cancel();
      co_return;
    }
    const std::string sub =
        R"({"id":1,"op":"subscribe","topic":"session:)" + opts.session + R"("})";
    auto [wec, wn] = co_await cl.ws.async_write(asio::buffer(sub), use_tuple);
    beast::flat_buffer buf;
    auto [rec, rn] = co_await cl.ws.async_read(buf, use_tuple);
    if (wec || rec || text_of(buf).find(R"("ok":true)") == std::string_view::npos) {
      fail(name + " could not subscribe");
      cl.done = true;
      wake.cancel();
      co_return;
    }
    // Nothing is published before every client is subscribed (the message is sent after), so
    // Beast holds no bytes past the result: the socket is read directly from here on.
    ++out.subscribed;
    wake.cancel();
    auto& sock = beast::get_lowest_layer(cl.ws).socket();
    std::size_t kept = 0;
    while (!cl.done && !stopping) {
      auto space = cl.frames.space();
      if (space.size() < 64 * 1024) {
        cl.frames.grow(std::max<std::size_t>(kept, 1 << 20));
        space = cl.frames.space();
      }
      auto [ec, n] =
          co_await sock.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
      if (ec) {
        if (!stopping) {
          ++out.closed_early;
          fail(name + " lost its connection: " + ec.message());
        }
        break;
      }
      const auto now = monotonic_ns();
      cl.frames.commit(n);
      kept += n;
      out.bytes += static_cast<std::int64_t>(n);
      cl.reads.emplace_back(kept, now);
      // Only frame headers are read now; a small text frame may be the turn's end.
      while (auto f = cl.frames.next()) {
        if (f->opcode == 1 && f->fin && f->payload.size() < 1024 && ends_turn(f->payload)) {
          cl.done = true;
        } else if (f->opcode == 8) {
          ++out.closed_early;
          fail(name + " was closed by the daemon");
          cl.done = true;
          break;
        }
      }
      if (cl.frames.failed()) {
        fail(name + " got a malformed frame");
        break;
      }
    }
    cl.done = true;
    wake.cancel();
  }

  static bool ends_turn(std::string_view f) {
    return f.find(R"("event":"chat.done")") != std::string_view::npos ||
           f.find(R"("event":"chat.error")") != std::string_view::npos;
  }

  // After the turn: every frame client `c` kept, stamped with the end of the read that
  // completed it.
  void look_into(std::size_t c) {
    auto& cl = *clients[c];
    cl.frames.rewind();
    auto read = cl.reads.begin();
    while (auto f = cl.frames.next()) {
      const auto end = cl.frames.parsed();
      while (read != cl.reads.end() && read->first < end) ++read;
      if (read == cl.reads.end()) break;  // cannot be: next() gives only bytes read
      if (f->opcode == 1 && f->fin) take(c, f->payload, read->second);
    }
  }

  asio::awaitable<void> conduct(const std::function<void()>* start) {
    const auto until = clock::now() + opts.deadline;
    auto all = [this](auto pred) {
      for (auto& c : clients)
        if (!pred(*c)) return false;
      return true;
    };
    while (out.subscribed + static_cast<int>(out.failures.size()) < opts.clients &&
           clock::now() < until) {
      wake.expires_at(until);
      co_await wake.async_wait(use_tuple);
    }
    if (out.subscribed == opts.clients) (*start)();
    while (!all([](const client& c) { return c.done; }) && clock::now() < until) {
      wake.expires_at(until);
      co_await wake.async_wait(use_tuple);
    }
    out.timed_out = clock::now() >= until;
    stopping = true;
    beast::error_code ignored;
    for (auto& c : clients) beast::get_lowest_layer(c->ws).socket().close(ignored);
  }

  asio::io_context io{1};
  chat_subscribers_options opts;
  tcp::endpoint endpoint;
  std::vector<std::unique_ptr<client>> clients;
  asio::steady_timer wake{io};
  chat_subscribers_outcome out;
  bool stopping = false;
};

chat_subscribers::chat_subscribers(chat_subscribers_options o)
    : impl_(std::make_unique<impl>(std::move(o))) {}
chat_subscribers::~chat_subscribers() = default;

chat_subscribers_outcome chat_subscribers::run(const std::function<void()>& start) {
  auto& I = *impl_;
  for (std::size_t c = 0; c < I.clients.size(); ++c) {
    asio::co_spawn(I.io, I.run_client(c), [&I, c](std::exception_ptr e) {
      // An exception is a bench bug; the client counts as done so the run can end.
      if (e) {
        I.fail("client " + std::to_string(c) + " threw");
        I.clients[c]->done = true;
        I.wake.cancel();
      }
    });
  }
  asio::co_spawn(I.io, I.conduct(&start), [&I](std::exception_ptr e) {
    if (e) {
      I.fail("the conductor threw");
      I.io.stop();
    }
  });
  I.io.run();
  for (std::size_t c = 0; c < I.clients.size(); ++c) I.look_into(c);
  for (std::size_t c = 0; c < I.clients.size(); ++c)
    for (auto t : I.out.received_ns[c])
      if (t == 0) ++I.out.missing;
  return std::move(I.out);
}

}  // namespace reel::bench
