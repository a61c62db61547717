// The only Beast translation unit of the simulator: reads requests (bodies streamed in 64 KiB
// pieces), hands them to the simulator, writes what it answers. One coroutine per connection.
#include "fake_nemo/connection.hpp"

#include "fake_nemo/body_collector.hpp"
#include "fake_nemo/body_source.hpp"
#include "fake_nemo/endpoint.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <type_traits>
#include <vector>

namespace reel::fake_nemo {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

using plain_stream = beast::tcp_stream;
using tls_stream = net::ssl::stream<beast::tcp_stream>;

constexpr auto idle_timeout = 60s;  // waiting for the next request on a kept-alive connection
constexpr auto io_timeout = 30s;    // any single read or write
constexpr auto drain_timeout = 2s;  // reading the rest of a refused body before closing
constexpr std::size_t piece_size = 64 * 1024;

constexpr auto tuple = net::as_tuple(net::use_awaitable);

// Runs a response's on_done exactly once, whatever way the coroutine leaves.
struct done_guard {
  std::function<void()> f;
  ~done_guard() {
    if (f) f();
  }
};

request_head to_head(const http::request_header<>& h) {
  request_head head;
  head.method = std::string(h.method_string());
  head.target = std::string(h.target());
  for (const auto& field : h) {
    head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return head;
}

net::awaitable<void> sleep_for(std::chrono::milliseconds ms) {
  net::steady_timer t(co_await net::this_coro::executor, ms);
  co_await t.async_wait(tuple);
}

template <class Stream>
net::awaitable<void> session(Stream stream, std::shared_ptr<simulator> sim) {
  constexpr bool tls = std::is_same_v<Stream, tls_stream>;
  auto& lowest = beast::get_lowest_layer(stream);
  if constexpr (tls) {
    lowest.expires_after(io_timeout);
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, tuple);
    if (ec) co_return;
  }
  beast::flat_buffer buffer;
  // Beast reads at most the buffer's free capacity (at least 512 bytes) per receive: without
  // room reserved, a large upload arrives in ~1 KiB reads.
  buffer.reserve(piece_size);
  std::vector<char> piece(piece_size);
  for (;;) {
    // ---- request header
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(boost::none);  // the simulator's own limit applies, with its own answer
    lowest.expires_after(idle_timeout);
    if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, tuple); ec) {
      co_return;  // the peer left, went quiet, or sent garbage
    }
    auto head = to_head(parser.get().base());
    const auto route = match_route(head.method, target_path(head.target));
    body_collector collector(head.header("Content-Type"), route.ep == endpoint::upload);
    const auto limit = sim->body_limit();

    // ---- request body, streamed
    bool complete = true;
    if (const auto declared = parser.content_length(); declared && *declared > limit) {
      complete = false;  // refuse without reading; the rest is drained after the answer
    } else {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        lowest.expires_after(io_timeout);
        if (auto [ec, n] = co_await http::async_write(stream, cont, tuple); ec) co_return;
      }
      std::uint64_t received = 0;
      while (!parser.is_done()) {
        parser.get().body().data = piece.data();
        parser.get().body().size = piece.size();
        lowest.expires_after(io_timeout);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, tuple);
        if (ec == http::error::need_buffer) ec = {};
        if (ec) co_return;
        const auto got = piece.size() - parser.get().body().size;
        received += got;
        if (received > limit) {
          complete = false;
          break;
        }
        collector.feed(std::string_view(piece.data(), got));
      }
    }
    const bool wants_keep_alive = parser.get().keep_alive();

    // ---- the answer
    sim_response resp = sim->handle(sim_request{std::move(head), collector.finish(complete)});
    done_guard done{std::move(resp.on_done)};
    if (resp.delay.count() > 0) co_await sleep_for(resp.delay);
    body_source source(resp);
    const bool sse = resp.kind == body_kind::sse;
    const bool keep = wants_keep_alive && complete && !resp.close && !source.cut();

    http::response<http::empty_body> res{static_cast<http::status>(resp.status), 11};
    res.set(http::field::server, "fake_nemo");
    for (const auto& [name, value] : resp.headers) res.set(name, value);
    if (sse) {
      res.chunked(true);
    } else {
      res.content_length(source.content_length());
    }
    res.keep_alive(keep);
    http::response_serializer<http::empty_body> sr{res};
    lowest.expires_after(io_timeout);
    if (auto [ec, n] = co_await http::async_write_header(stream, sr, tuple); ec) co_return;

    while (auto p = source.next()) {
      if (p->pause.count() > 0) co_await sleep_for(p->pause);
      if (p->bytes.empty()) continue;  // an empty chunk would read as the last chunk
      lowest.expires_after(io_timeout);
      if (resp.on_write) resp.on_write(p->bytes);
      auto [ec, n] =
          sse ? co_await net::async_write(stream, http::make_chunk(net::buffer(p->bytes)), tuple)
              : co_await net::async_write(stream, net::buffer(p->bytes), tuple);
      if (ec) co_return;
    }
    if (source.cut()) {
      lowest.close();  // the fault: no last chunk, no close_notify, just gone
      co_return;
    }
    if (sse) {
      lowest.expires_after(io_timeout);
      if (auto [ec, n] = co_await net::async_write(stream, http::make_chunk_last(), tuple); ec) {
        co_return;
      }
    }
    if (!complete) {
      // Read (and drop) what the client still sends so it can read our answer before the close.
      beast::error_code ignored;
      lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest.expires_after(drain_timeout);
      for (;;) {
        auto [ec, n] = co_await stream.async_read_some(net::buffer(piece), tuple);
        if (ec) break;
      }
      co_return;
    }
    if (!keep) break;
  }
  lowest.expires_after(5s);
  if constexpr (tls) {
    co_await stream.async_shutdown(tuple);
  } else {
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
}

void report(const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "fake_nemo: connection failed: %s\n", ex.what());
  }
}

}  // namespace

void spawn_connection(tcp::socket socket, std::shared_ptr<simulator> sim,
                      std::shared_ptr<net::ssl::context> tls) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // dribbled SSE bytes leave one by one
  const auto ex = socket.get_executor();
  // A failing connection ends alone: report() logs it, the listener keeps accepting.
  if (tls) {
    net::co_spawn(ex, session(tls_stream(plain_stream(std::move(socket)), *tls), std::move(sim)),
                  report);
  } else {
    net::co_spawn(ex, session(plain_stream(std::move(socket)), std::move(sim)), report);
  }
}

}  // namespace reel::fake_nemo
