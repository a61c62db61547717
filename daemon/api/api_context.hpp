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
#include <vector>

#include <nlohmann/json.hpp>

namespace reel::service {
class session_service;
class render_service;
class turn_service;
}

namespace reel::api {

// A part of /v1/status that a component owns: it fills its key of the status object.
using status_part = std::function<void(nlohmann::json& status)>;

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
  // Services, set by main() before the server starts.
  service::session_service* sessions = nullptr;
  service::turn_service* turns = nullptr;  // messages and their turns
  service::render_service* renders = nullptr;
  // Components that add to /v1/status (the token keeper, backends); run in order.
  std::vector<status_part> status_parts;
};

}  // namespace reel::api
