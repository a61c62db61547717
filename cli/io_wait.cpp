#include "cli/io_wait.hpp"

#include <boost/asio/connect.hpp>

#include <algorithm>

namespace reel::cli::detail {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Small slices keep Ctrl-C prompt without a signal handler inside Asio.
constexpr auto slice = std::chrono::milliseconds(100);

std::string seconds_text(std::chrono::milliseconds ms) {
  auto s = ms.count() / 1000.0;
  auto text = std::to_string(s);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text + " s";
}

client_error unreachable(const client_options& opts, const std::string& reason) {
  auto e = make_failure(failure::unreachable, "daemon_unreachable",
                        "cannot reach reeld at " + opts.address.authority() + " (" +
                            opts.address.source_description() + "): " + reason);
  e.error.hint = std::string(start_daemon_hint);
  return e;
}

}  // namespace

wait_outcome run_until(asio::io_context& ioc, const bool& done, clock::time_point deadline,
                       const std::function<bool()>& stop) {
  while (!done) {
    if (stop && stop()) return wait_outcome::stopped;
    auto now = clock::now();
    if (now >= deadline) return wait_outcome::timed_out;
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_for(std::min<clock::duration>(slice, deadline - now));
  }
  return wait_outcome::done;
}

void drain(asio::io_context& ioc, const bool& done) {
  while (!done) {
    if (ioc.stopped()) ioc.restart();
    if (ioc.run_one() == 0) break;  // nothing left that could finish
  }
}

client_result<tcp::socket> connect_socket(asio::io_context& ioc, const client_options& opts) {
  const auto& addr = opts.address;
  opts.log("connecting to " + addr.authority() + " (" + addr.source_description() + ")");
  auto deadline = clock::now() + opts.connect_timeout;

  tcp::resolver resolver(ioc);
  bool resolved = false;
  boost::system::error_code ec;
  tcp::resolver::results_type endpoints;
  resolver.async_resolve(addr.host, std::to_string(addr.port), tcp::resolver::numeric_service,
                         [&](boost::system::error_code e, tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                           resolved = true;
                         });
  auto outcome = run_until(ioc, resolved, deadline, opts.stop);
  if (outcome != wait_outcome::done) {
    resolver.cancel();
    drain(ioc, resolved);
    if (outcome == wait_outcome::stopped) return wait_failure(outcome, opts, "connecting");
    return unreachable(
        opts, "cannot resolve " + addr.host + " within " + seconds_text(opts.connect_timeout));
  }
  if (ec) return unreachable(opts, "cannot resolve " + addr.host + ": " + ec.message());

  tcp::socket socket(ioc);
  bool connected = false;
  asio::async_connect(socket, endpoints, [&](boost::system::error_code e, const tcp::endpoint&) {
    ec = e;
    connected = true;
  });
  outcome = run_until(ioc, connected, deadline, opts.stop);
  if (outcome != wait_outcome::done) {
    socket.close();
    drain(ioc, connected);
    if (outcome == wait_outcome::stopped) return wait_failure(outcome, opts, "connecting");
    return unreachable(opts, "no answer within " + seconds_text(opts.connect_timeout));
  }
  if (ec) {
    auto reason =
        ec == asio::error::connection_refused ? std::string("connection refused") : ec.message();
    return unreachable(opts, reason);
  }
  return socket;
}

client_error io_failure(const boost::system::error_code& ec, const client_options& opts,
                        std::string_view what) {
  return make_failure(failure::protocol, "bad_response",
                      "lost the connection to reeld at " + opts.address.authority() + " while " +
                          std::string(what) + ": " + ec.message());
}

client_error wait_failure(wait_outcome outcome, const client_options& opts, std::string_view what) {
  if (outcome == wait_outcome::stopped)
    return make_failure(failure::cancelled, "cancelled", "cancelled while " + std::string(what));
  return make_failure(failure::timeout, "timeout",
                      "reeld at " + opts.address.authority() + " did not answer within " +
                          seconds_text(opts.io_timeout) + " while " + std::string(what));
}

}  // namespace reel::cli::detail
