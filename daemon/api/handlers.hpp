#pragma once
// The REST handlers, one function each (listed in router.cpp's table).
#include "api/api_context.hpp"
#include "api/http_types.hpp"

#include <boost/asio/awaitable.hpp>

namespace reel::api {

using boost::asio::awaitable;

// System: health, status, metrics, app events.
awaitable<response> get_health(api_context& ctx, request req);
awaitable<response> get_status(api_context& ctx, request req);
awaitable<response> get_metrics(api_context& ctx, request req);
// POST /v1/events: {"topic":"app:<name>","event","data"} -> 201 {"topic","seq"}.
awaitable<response> post_event(api_context& ctx, request req);

// /v1/status's body.
nlohmann::json status_json(api_context& ctx);

}  // namespace reel::api
