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

// Sessions (handlers_sessions.cpp): create, list, read, forget; media; state; credits.
// POST /v1/sessions {"language"?,"backend"?,"title"?} -> 201 the session.
awaitable<response> post_session(api_context& ctx, request req);
// GET /v1/sessions?limit&offset -> {"sessions":[...]}, newest first.
awaitable<response> list_sessions(api_context& ctx, request req);
awaitable<response> get_session(api_context& ctx, request req);
// DELETE /v1/sessions/{id} -> 204, or 404.
awaitable<response> delete_session(api_context& ctx, request req);
// POST /v1/sessions/{id}/media (a file route): multipart field "files", or JSON {"paths"} /
// {"urls"}; every file checked before any is sent -> 201 {"media":[...]}.
awaitable<response> post_media(api_context& ctx, request req);
awaitable<response> list_media(api_context& ctx, request req);
// GET /v1/sessions/{id}/state -> {"session","draft","summary","media",...}.
awaitable<response> get_session_state(api_context& ctx, request req);
// GET /v1/credits?backend= -> {"available","frozen","total"}.
awaitable<response> get_credits(api_context& ctx, request req);

// Render jobs (handlers_renders.cpp).
// POST /v1/sessions/{id}/renders {"format"?,"quality"?,"resolution"?,"dest"?} -> 202 the job,
// stored before anything is sent upstream.
awaitable<response> post_render(api_context& ctx, request req);
// GET /v1/renders?state&limit&offset -> {"renders":[...]}, newest first.
awaitable<response> list_renders(api_context& ctx, request req);
awaitable<response> get_render(api_context& ctx, request req);
// DELETE /v1/renders/{id} -> 200 the job, cancelled locally and upstream; 409 when finished.
awaitable<response> delete_render(api_context& ctx, request req);
// GET /v1/renders/{id}/output -> the MP4 (Range served); 409 until completed.
awaitable<response> get_render_output(api_context& ctx, request req);

// Messages (handlers_chat.cpp): POST /v1/sessions/{id}/messages {"text"} -> 202 {"route","turn"};
// with Accept: text/event-stream, 202 and the turn's events as SSE until chat.done/chat.error.
awaitable<response> post_message(api_context& ctx, request req);

// /v1/status's body.
nlohmann::json status_json(api_context& ctx);

}  // namespace reel::api
