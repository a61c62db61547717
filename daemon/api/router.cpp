#include "api/router.hpp"

#include "api/handlers.hpp"

#include <spdlog/spdlog.h>

namespace reel::api {

router::router(api_context& ctx) : ctx_(ctx) {
  // The one table of routes.
  add("GET", "/v1/health", get_health, true);
  add("GET", "/v1/status", get_status);
  add("GET", "/metrics", get_metrics);
  add("POST", "/v1/events", post_event);
  add("GET", "/v1/credits", get_credits);
  add("POST", "/v1/sessions", post_session);
  add("GET", "/v1/sessions", list_sessions);
  add("GET", "/v1/sessions/{id}", get_session);
  add("DELETE", "/v1/sessions/{id}", delete_session);
  add("POST", "/v1/sessions/{id}/media", post_media, false, body_kind::file);
  add("GET", "/v1/sessions/{id}/media", list_media);
  add("GET", "/v1/sessions/{id}/state", get_session_state);
  add("POST", "/v1/sessions/{id}/messages", post_message);
  add("POST", "/v1/sessions/{id}/renders", post_render);
  add("GET", "/v1/renders", list_renders);
  add("GET", "/v1/renders/{id}", get_render);
  add("DELETE", "/v1/renders/{id}", delete_render);
  add("GET", "/v1/renders/{id}/output", get_render_output);
}

void router::add(std::string method, std::string pattern, handler fn, bool is_public,
                 body_kind body) {
  table_.add(std::move(method), std::move(pattern));
  entries_.push_back({fn, is_public, body});
}

core::route_match router::match(std::string_view method, std::string_view path) const {
  return table_.match(method, path);
}

body_kind router::body_of(const core::route_match& m) const {
  return m.outcome == core::route_match::kind::found ? entries_[m.index].body : body_kind::json;
}

std::size_t router::body_limit(const core::route_match& m) const {
  return static_cast<std::size_t>(body_of(m) == body_kind::file ? ctx_.cfg.api.max_media_body
                                                                : ctx_.cfg.api.max_json_body);
}

bool router::is_public(const core::route_match& m) const {
  return m.outcome == core::route_match::kind::found && entries_[m.index].is_public;
}

response router::unmatched(const core::route_match& m, const request& req) {
  if (m.outcome == core::route_match::kind::method_not_allowed) {
    auto r = response::error(core::make_error(core::errc::method_not_allowed,
                                              req.method + " is not allowed on " + req.path));
    r.headers.emplace_back("Allow", m.allow);
    return r;
  }
  return response::error(core::make_error(core::errc::not_found, "no such path: " + req.path));
}

boost::asio::awaitable<response> router::handle(core::route_match m, request req) const {
  if (m.outcome != core::route_match::kind::found) co_return unmatched(m, req);
  req.params = m.params;
  const std::string method = req.method;
  try {
    co_return co_await entries_[m.index].fn(ctx_, std::move(req));
  } catch (const core::error_exception& e) {
    co_return response::error(e.err());
  } catch (const std::exception& e) {
    // The one boundary per request: details go to the log, never to the client.
    spdlog::error("handler {} {} failed: {}", method, m.name, e.what());
  }
  co_return response::error(
      core::make_error(core::errc::internal, "internal error; see the daemon's log"));
}

core::result<nlohmann::json> json_body(const request& req) {
  using out = core::result<nlohmann::json>;
  if (req.body.empty()) return core::json_value(nlohmann::json::object());
  try {
    auto j = nlohmann::json::parse(req.body);
    if (!j.is_object())
      return out(boost::system::in_place_error,
                 core::make_error(core::errc::bad_request, "the body must be a JSON object"));
    return core::json_value(std::move(j));
  } catch (const nlohmann::json::parse_error& e) {
    return out(boost::system::in_place_error,
               core::make_error(core::errc::bad_request, "the body is not valid JSON (byte " +
                                                             std::to_string(e.byte) + ")"));
  }
}

}  // namespace reel::api
