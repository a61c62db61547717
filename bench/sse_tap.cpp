#include "sse_tap.hpp"

#include "delivery_recorder.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <charconv>
#include <string>
#include <string_view>
#include <thread>

namespace reel::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};

}  // namespace

struct sse_tap::impl {
  impl(std::uint16_t target, std::size_t n)
      : target_port(target), stamps(n), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}

  // Every complete "[#N]" in `tail` + `bytes` not stamped yet is stamped `now`; `tail` keeps the
  // last bytes, where a marker may continue in the next read.
  void scan(std::string& tail, std::string_view bytes, std::int64_t now) {
    tail.append(bytes);
    std::size_t at = 0, keep_from = tail.size() > 16 ? tail.size() - 16 : 0;
    while ((at = tail.find("[#", at)) != std::string::npos) {
      const auto close = tail.find(']', at);
      if (close == std::string::npos) {
        keep_from = std::min(keep_from, at);
        break;
      }
      std::size_t v = 0;
      auto [end, ec] = std::from_chars(tail.data() + at + 2, tail.data() + close, v);
      if (ec == std::errc{} && end == tail.data() + close && v < stamps.size()) {
        std::int64_t none = 0;
        stamps[v].compare_exchange_strong(none, now, std::memory_order_relaxed);
      }
      at = close;
    }
    tail.erase(0, keep_from);
  }

  // Copies one direction until either side closes; `stamping` for the simulator's side.
  static asio::awaitable<void> pump(impl* self, std::shared_ptr<tcp::socket> from,
                                    std::shared_ptr<tcp::socket> to, bool stamping) {
    std::vector<char> buf(256 * 1024);
    std::string tail;
    for (;;) {
      auto [ec, n] = co_await from->async_read_some(asio::buffer(buf), use_tuple);
      if (ec) break;
      if (stamping) self->scan(tail, std::string_view(buf.data(), n), monotonic_ns());
      auto [wec, wn] = co_await asio::async_write(*to, asio::buffer(buf.data(), n), use_tuple);
      if (wec) break;
    }
    boost::system::error_code ignored;
    to->shutdown(tcp::socket::shutdown_send, ignored);
  }

  static asio::awaitable<void> serve(impl* self) {
    for (;;) {
      auto [ec, s] = co_await self->acceptor.async_accept(use_tuple);
      if (ec) co_return;
      auto client = std::make_shared<tcp::socket>(std::move(s));
      auto upstream = std::make_shared<tcp::socket>(self->io);
      auto [cec] = co_await upstream->async_connect(
          {asio::ip::make_address("127.0.0.1"), self->target_port}, use_tuple);
      if (cec) continue;
      client->set_option(tcp::no_delay(true));
      upstream->set_option(tcp::no_delay(true));
      // A relay connection that fails just ends: each side then sees its peer close.
      asio::co_spawn(self->io, pump(self, client, upstream, false), [](std::exception_ptr) {});
      asio::co_spawn(self->io, pump(self, upstream, client, true), [](std::exception_ptr) {});
    }
  }

  asio::io_context io{1};
  std::uint16_t target_port;
  std::vector<std::atomic<std::int64_t>> stamps;
  tcp::acceptor acceptor;
  std::thread thread;
};

sse_tap::sse_tap(std::uint16_t target_port, std::size_t markers)
    : impl_(std::make_unique<impl>(target_port, markers)) {
  // The accept loop ends only with the io_context; a failure leaves the bench without an
  // upstream, which its own deadline reports.
  asio::co_spawn(impl_->io, impl::serve(impl_.get()), [](std::exception_ptr) {});
  impl_->thread = std::thread([i = impl_.get()] { i->io.run(); });
}

sse_tap::~sse_tap() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t sse_tap::port() const noexcept {
  return impl_->acceptor.local_endpoint().port();
}

std::int64_t sse_tap::stamp(std::size_t i) const noexcept {
  return i < impl_->stamps.size() ? impl_->stamps[i].load(std::memory_order_relaxed) : 0;
}

std::size_t sse_tap::markers() const noexcept {
  return impl_->stamps.size();
}

}  // namespace reel::bench
