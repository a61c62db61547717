#pragma once
// The simulator's handlers (internal): one function per endpoint, each mapping a request plus the
// world to a response. Called with the simulator's mutex held, after faults and auth.
#include "fake_nemo/http_types.hpp"
#include "fake_nemo/world.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace reel::fake_nemo {

// One request in flight.
struct call_ctx {
  world& w;
  const sim_request& req;
  const route_match& route;
  token_record* token = nullptr;  // the authenticated token (null for anonymous-token, files)
  user_record* user = nullptr;    // its user
  std::string session_id;         // the session the request named (for counters)
  std::string settle_user;        // run_sse: whose frozen credits to settle when the stream ends
  std::int64_t settle_amount = 0;
};

// ---- replies (reply.cpp)
// A JSON body with `status`.
sim_response json_reply(int status, const nlohmann::json& body);
// Success: {"code":0,"message":"success","data":data}, or bare `data` without the envelope.
sim_response ok(const knobs& k, nlohmann::json data);
// A business error (1001, 1002, 2001, 4001, 4002): HTTP 200, or the mapped status when
// knobs::business_http_status.
sim_response business_error(const knobs& k, int code, std::string message,
                            nlohmann::json data = nullptr);
// An HTTP-level error with a {"code":code,"message"} body.
sim_response http_error(int status, int code, std::string message, nlohmann::json data = nullptr);
// A 5xx as a proxy would answer it: a small HTML page.
sim_response gateway_error(int status);
// The request body as JSON; nullopt when it is not a JSON value.
std::optional<nlohmann::json> json_body(const sim_request& req);
// "http(s)://<Host header or base_url host>" for URLs the simulator hands out.
std::string origin(const call_ctx& c);
// RFC 3339 UTC ("2024-05-01T12:00:00Z").
std::string iso8601(sim_time t);
// The live session `sid` owned by the caller, or null (and records sid for counters).
session_record* owned_session(call_ctx& c, const std::string& sid);

// ---- routes_account.cpp
sim_response anonymous_token(call_ctx& c);
sim_response create_session(call_ctx& c);
sim_response credits(call_ctx& c);
sim_response state(call_ctx& c);
// ---- routes_upload.cpp
sim_response upload(call_ctx& c);
// ---- routes_chat.cpp
sim_response run_sse(call_ctx& c);
// ---- routes_render.cpp
sim_response render_create(call_ctx& c);
sim_response render_status(call_ctx& c);
sim_response render_cancel(call_ctx& c);
sim_response render_download(call_ctx& c);
sim_response file(call_ctx& c);

}  // namespace reel::fake_nemo
