#include "fake_nemo/server.hpp"

#include "fake_nemo/connection.hpp"
#include "fake_nemo/sample_media.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <thread>

namespace reel::fake_nemo {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Accepts until the acceptor is closed or the io_context stops.
net::awaitable<void> accept_loop(tcp::acceptor acceptor, std::shared_ptr<simulator> sim,
                                 std::shared_ptr<net::ssl::context> tls) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: wait a little instead of spinning.
      net::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(net::as_tuple(net::use_awaitable));
      continue;
    }
    spawn_connection(std::move(socket), sim, tls);
  }
}

}  // namespace

struct server::impl {
  server_options options;
  std::shared_ptr<simulator> sim = std::make_shared<simulator>();
  std::optional<net::io_context> ioc;
  std::thread thread;
  std::uint16_t port = 0;
  bool started = false;
};

server::server(server_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
  impl_->sim->set_verbose(impl_->options.verbose);
}

server::~server() {
  stop();
}

std::uint16_t server::start() {
  auto& m = *impl_;
  if (m.started) throw std::logic_error("fake_nemo::server::start called twice");
  m.started = true;
  shared_sample_mp4();  // fail early (and not on the first download) when ffmpeg is missing

  std::shared_ptr<net::ssl::context> tls;
  if (m.options.tls) {
    tls = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1);
    tls->use_certificate_chain_file(m.options.tls->cert_chain.string());
    tls->use_private_key_file(m.options.tls->private_key.string(), net::ssl::context::pem);
  }

  m.ioc.emplace(1);
  tcp::acceptor acceptor(*m.ioc);
  const tcp::endpoint ep(net::ip::make_address(m.options.host), m.options.port);
  acceptor.open(ep.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen();
  m.port = acceptor.local_endpoint().port();
  m.sim->set_base_url(base_url());

  net::co_spawn(*m.ioc, accept_loop(std::move(acceptor), m.sim, tls),
                [](const std::exception_ptr& e) {
                  // The listener only ends on stop(); anything else is reported and the
                  // server stays up for the connections it already has.
                  if (!e) return;
                  try {
                    std::rethrow_exception(e);
                  } catch (const std::exception& ex) {
                    std::fprintf(stderr, "fake_nemo: accept loop failed: %s\n", ex.what());
                  }
                });
  m.thread = std::thread([&ioc = *m.ioc] { ioc.run(); });
  return m.port;
}

void server::stop() {
  auto& m = *impl_;
  if (!m.ioc) return;
  m.ioc->stop();
  if (m.thread.joinable()) m.thread.join();
  m.ioc.reset();  // destroys the listener and every connection's coroutine (closing sockets)
}

std::uint16_t server::port() const noexcept {
  return impl_->port;
}

std::string server::base_url() const {
  const auto& m = *impl_;
  return std::string(m.options.tls ? "https" : "http") + "://" + m.options.host + ":" +
         std::to_string(m.port);
}

simulator& server::sim() noexcept {
  return *impl_->sim;
}

std::shared_ptr<simulator> server::shared_sim() const noexcept {
  return impl_->sim;
}

}  // namespace reel::fake_nemo
