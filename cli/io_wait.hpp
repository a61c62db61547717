#pragma once
// Shared by the HTTP and WebSocket clients (Asio only, no Beast): drive one io_context until an
// operation completes, a deadline passes or the user cancels; and connect with a deadline.
#include "cli/client_error.hpp"
#include "cli/client_options.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>

namespace reel::cli::detail {

using clock = std::chrono::steady_clock;

enum class wait_outcome { done, timed_out, stopped };

// Runs `ioc` until `done` turns true, `deadline` passes or `stop` returns true. Cancels nothing:
// on timed_out/stopped the caller cancels the operation, then calls drain().
wait_outcome run_until(boost::asio::io_context& ioc, const bool& done, clock::time_point deadline,
                       const std::function<bool()>& stop);

// Runs `ioc` until `done`: lets a cancelled operation's handler finish before its state goes.
void drain(boost::asio::io_context& ioc, const bool& done);

// Resolves and connects to opts.address within opts.connect_timeout. Fails with
// failure::unreachable (refused, unresolvable, no answer in time) or failure::cancelled.
client_result<boost::asio::ip::tcp::socket> connect_socket(boost::asio::io_context& ioc,
                                                           const client_options& opts);

// The failure for an I/O error after connecting, `what` naming the step ("reading the answer").
client_error io_failure(const boost::system::error_code& ec, const client_options& opts,
                        std::string_view what);

// The failure for a step that hit its deadline or was cancelled.
client_error wait_failure(wait_outcome outcome, const client_options& opts, std::string_view what);

}  // namespace reel::cli::detail
