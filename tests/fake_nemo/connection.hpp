#pragma once
// One accepted connection, served by one coroutine (internal to the server).
#include "fake_nemo/simulator.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace reel::fake_nemo {

// Serves `socket` on its executor until the peer leaves, a timeout fires, or a fault cuts it:
// HTTP/1.1 with keep-alive, TLS first when `tls` is set. Failures end this connection only
// (logged to stderr when they are not ordinary disconnects).
void spawn_connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<simulator> sim,
                      std::shared_ptr<boost::asio::ssl::context> tls);

}  // namespace reel::fake_nemo
