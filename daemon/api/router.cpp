#include "api/router.hpp"

#include "core/ws_protocol.hpp"
#include "reel/version.hpp"
#include "store/events_repo.hpp"
#include "store/jobs_repo.hpp"
#include "store/media_repo.hpp"
#include "store/sessions_repo.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace reel::api {

router::router(api_context& ctx) : ctx_(ctx) {
  add(
      "GET", "/v1/health",
      [](const request&) {
        return response::json(200, {{"status", "ok"}});
      },
      true);
  add("GET", "/v1/status",
      [this](const request&) { return response::json(200, status_json(ctx_)); });
  add("POST", "/v1/events", [this](const request& req) { return publish_event(ctx_, req); });
  add("GET", "/metrics", [this](const request&) {
    ctx_.metrics.gauge("reel_uptime_seconds") = ctx_.uptime_s();
    ctx_.metrics.gauge("reel_sessions") =
        static_cast<double>(store::sessions_repo(ctx_.db).count());
    for (const auto& [state, n] : store::jobs_repo(ctx_.db).count_by_state())
      ctx_.metrics.gauge("reel_jobs", {{"state", state}}) = static_cast<double>(n);
    return response::text(200, ctx_.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

void router::add(std::string method, std::string pattern, handler fn, bool is_public,
                 bool media_body) {
  table_.add(std::move(method), std::move(pattern));
  entries_.push_back({std::move(fn), is_public, media_body});
}

core::route_match router::match(std::string_view method, std::string_view path) const {
  return table_.match(method, path);
}

std::size_t router::body_limit(const core::route_match& m) const {
  bool media = m.outcome == core::route_match::kind::found && entries_[m.index].media_body;
  return static_cast<std::size_t>(media ? ctx_.cfg.api.max_media_body : ctx_.cfg.api.max_json_body);
}

bool router::is_public(const core::route_match& m) const {
  return m.outcome == core::route_match::kind::found && entries_[m.index].is_public;
}

response router::handle(const core::route_match& m, request& req) const {
  if (m.outcome == core::route_match::kind::not_found)
    return response::error(core::make_error(core::errc::not_found, "no such path: " + req.path));
  if (m.outcome == core::route_match::kind::method_not_allowed) {
    auto r = response::error(core::make_error(core::errc::method_not_allowed,
                                              req.method + " is not allowed on " + req.path));
    r.headers.emplace_back("Allow", m.allow);
    return r;
  }
  req.params = m.params;
  try {
    return entries_[m.index].fn(req);
  } catch (const core::error_exception& e) {
    return response::error(e.err());
  } catch (const std::exception& e) {
    // The one boundary per request: details go to the log, never to the client.
    spdlog::error("handler {} {} failed: {}", req.method, m.name, e.what());
    return response::error(
        core::make_error(core::errc::internal, "internal error; see the daemon's log"));
  }
}

// Parses a JSON object body; a malformed one is a bad_request naming where it broke.
core::result<nlohmann::json> json_body(const request& req) {
  using out = core::result<nlohmann::json>;
  try {
    auto j = nlohmann::json::parse(req.body);
    if (!j.is_object())
      return out(boost::system::in_place_error,
                 core::make_error(core::errc::bad_request, "the body must be a JSON object"));
    // nlohmann::json converts to almost anything, so the value is placed explicitly.
    return out(boost::system::in_place_value, std::move(j));
  } catch (const nlohmann::json::parse_error& e) {
    return out(boost::system::in_place_error,
               core::make_error(core::errc::bad_request, "the body is not valid JSON (byte " +
                                                             std::to_string(e.byte) + ")"));
  }
}

response publish_event(api_context& ctx, const request& req) {
  auto body = json_body(req);
  if (!body) return response::error(body.error());
  // The same rules as the WebSocket op, by parsing the body as one.
  nlohmann::json msg = *body;
  msg["op"] = "publish";
  msg["id"] = 0;
  nlohmann::json id;
  auto parsed = core::parse_ws_request(msg.dump(), id);
  if (!parsed) return response::error(parsed.error());
  if (!core::publishable_topic(parsed->topic))
    return response::error(core::make_error(core::errc::forbidden,
                                            "local tools may publish to app:<name> topics only"));
  auto e = ctx.hub.publish(parsed->topic, parsed->event, parsed->data);
  return response::json(201, {{"topic", e.topic}, {"seq", e.seq}});
}

nlohmann::json status_json(api_context& ctx) {
  nlohmann::json jobs = nlohmann::json::object();
  for (auto s :
       {"queued", "submitting", "rendering", "downloading", "completed", "failed", "cancelled"})
    jobs[s] = 0;
  for (const auto& [state, n] : store::jobs_repo(ctx.db).count_by_state()) jobs[state] = n;
  nlohmann::json backends = nlohmann::json::array();
  backends.push_back({{"name", "local"},
                      {"default", true},
                      {"health", "unavailable"},
                      {"detail", "the local backend is not in this build yet"}});
  backends.push_back({{"name", "nemovideo"},
                      {"default", false},
                      {"health", "unavailable"},
                      {"detail", "the cloud backend is not in this build yet"}});
  return {
      {"version", reel::version},
      {"uptime_s", ctx.uptime_s()},
      {"pid", static_cast<std::int64_t>(::getpid())},
      {"listen", ctx.listen},
      {"state_dir", ctx.state_dir},
      {"backends", std::move(backends)},
      {"upstream",
       {{"token", {{"state", "missing"}, {"source", nullptr}, {"expires_at", nullptr}}},
        {"credits", nullptr}}},
      {"counts",
       {{"sessions", store::sessions_repo(ctx.db).count()},
        {"media", store::media_repo(ctx.db).count()},
        {"jobs", std::move(jobs)},
        {"ws_clients", ctx.ws_clients()},
        {"events_stored", store::events_repo(ctx.db).count()}}},
  };
}

}  // namespace reel::api
