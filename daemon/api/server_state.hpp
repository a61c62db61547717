#pragma once
// Internal to the server's translation units: the state that connections share.
#include "api/api_context.hpp"
#include "api/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <unordered_set>

namespace reel::api {

// A live connection the server can ask to stop (shutdown).
class connection {
 public:
  virtual ~connection() = default;
  virtual void stop() = 0;
};

struct server_state {
  server_state(boost::asio::io_context& io_, api_context& ctx_, router& routes_)
      : io(io_), ctx(ctx_), routes(routes_), acceptor(io_) {}

  boost::asio::io_context& io;
  api_context& ctx;
  router& routes;
  boost::asio::ip::tcp::acceptor acceptor;
  bool stopping = false;
  std::unordered_set<connection*> connections;
  std::size_t ws_clients = 0;
  std::function<void()> on_idle;

  // Registers/unregisters; the last one out after shutdown calls on_idle.
  void add(connection* c) { connections.insert(c); }
  void remove(connection* c);

  std::chrono::seconds read_timeout() const {
    return std::chrono::seconds(ctx.cfg.api.read_timeout_s);
  }
  std::chrono::seconds write_timeout() const {
    return std::chrono::seconds(ctx.cfg.api.write_timeout_s);
  }
};

// A co_spawn completion handler that logs the exception that ended a coroutine (rule 7).
struct log_failure {
  const char* what;
  bool critical = false;
  void operator()(std::exception_ptr e) const;
};

using http_request = boost::beast::http::request<boost::beast::http::empty_body>;

// Serves one WebSocket connection after the HTTP upgrade request was read and checked.
// `authorized` is true when the upgrade carried the key. Runs until the socket closes.
void start_ws_session(std::shared_ptr<server_state> st, boost::beast::tcp_stream stream,
                      http_request upgrade, bool authorized);

}  // namespace reel::api
