#pragma once
// The WebSocket messages of /v1/ws (proto/ws.schema.json): client requests parsed into plain
// structs, server messages written as text. Pure.
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace reel::core {

enum class ws_op {
  auth,
  subscribe,
  unsubscribe,
  ping,
  publish,
  send,
  state,
  render,
  cancel,
  credits
};

struct ws_request {
  nlohmann::json id;  // number or string; null for auth
  ws_op op = ws_op::ping;
  std::string topic;
  std::optional<std::int64_t> since;
  std::string key;    // auth
  std::string event;  // publish
  nlohmann::json data = nlohmann::json::object();
  nlohmann::json body;  // the whole message, for ops that read more fields
};

// Parses one client text frame. Fails with bad_request naming what is wrong; `id_out` gets the
// id when one could be read, so the failure can still be answered by id.
result<ws_request> parse_ws_request(std::string_view text, nlohmann::json& id_out);

// True for "session:<id>", "renders", "status", "*" and "app:<name>".
bool valid_topic(std::string_view topic) noexcept;
// True for topics local tools may publish to ("app:<name>").
bool publishable_topic(std::string_view topic) noexcept;

std::string ws_hello(std::string_view server);
std::string ws_result_ok(const nlohmann::json& id, const nlohmann::json& data);
std::string ws_result_error(const nlohmann::json& id, const error& e);

// One event as sent to subscribers and stored: {"type":"event","topic","seq","event","data","ts"}.
struct event_record {
  std::string topic;
  std::int64_t seq = 0;
  std::string name;
  std::string data;  // JSON text
  std::int64_t ts_ms = 0;
};
std::string ws_event_frame(const event_record& e);

// RFC 3339 UTC with milliseconds ("2026-11-21T10:00:00.000Z") for a Unix time in ms.
std::string rfc3339_ms(std::int64_t unix_ms);

}  // namespace reel::core
