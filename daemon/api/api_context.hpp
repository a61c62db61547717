#pragma once
// What the handlers and the server share: configuration, the key, the hub, the store, metrics.
// Owned by main(); everything here outlives the server.
#include "core/config.hpp"
#include "core/metrics.hpp"
#include "service/hub.hpp"
#include "store/database.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace reel::api {

struct api_context {
  const core::config& cfg;
  std::string api_key;
  std::string state_dir;
  std::string listen;  // the bound address, port 0 resolved
  std::uint16_t port = 0;
  service::hub& hub;
  store::database& db;
  core::metrics& metrics;
  std::function<double()> uptime_s;
  std::function<std::size_t()> ws_clients;
};

}  // namespace reel::api
