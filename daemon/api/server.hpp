#pragma once
// The HTTP/WebSocket listener on loopback. Sessions only move bytes: requests go to the router,
// WebSocket ops to the hub. Runs on one io_context thread; not thread-safe.
#include "api/api_context.hpp"
#include "api/router.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace reel::api {

struct server_state;

class server {
 public:
  server(boost::asio::io_context& io, api_context& ctx, router& routes);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens; returns the bound port (useful with port 0). Fails with a message that
  // names the address (in use, not permitted, not loopback).
  core::result<std::uint16_t> bind(const std::string& host, std::uint16_t port);
  // Starts the accept loop; a failure of the loop is logged and stops accepting.
  void start();
  // Stops accepting, closes WebSockets with 1001, lets in-flight responses finish and closes idle
  // connections. `on_idle` runs once no connection is left.
  void shutdown(std::function<void()> on_idle);

  std::size_t connections() const noexcept;
  std::size_t ws_clients() const noexcept;

 private:
  std::shared_ptr<server_state> state_;
};

}  // namespace reel::api
