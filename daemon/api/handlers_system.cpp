// System handlers: health, status, metrics, and app events published over REST.
#include "api/handlers.hpp"
#include "api/router.hpp"
#include "core/ws_protocol.hpp"
#include "reel/version.hpp"
#include "service/session_service.hpp"
#include "store/events_repo.hpp"
#include "store/jobs_repo.hpp"
#include "store/media_repo.hpp"
#include "store/sessions_repo.hpp"

#include <unistd.h>

namespace reel::api {

awaitable<response> get_health(api_context&, request) {
  co_return response::json(200, {{"status", "ok"}});
}

awaitable<response> get_status(api_context& ctx, request) {
  co_return response::json(200, status_json(ctx));
}

awaitable<response> get_metrics(api_context& ctx, request) {
  ctx.metrics.gauge("reel_uptime_seconds") = ctx.uptime_s();
  ctx.metrics.gauge("reel_sessions") = static_cast<double>(store::sessions_repo(ctx.db).count());
  for (const auto& [state, n] : store::jobs_repo(ctx.db).count_by_state())
    ctx.metrics.gauge("reel_jobs", {{"state", state}}) = static_cast<double>(n);
  co_return response::text(200, ctx.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
}

awaitable<response> post_event(api_context& ctx, request req) {
  auto body = json_body(req);
  if (!body) co_return response::error(body.error());
  // The same rules as the WebSocket op, by parsing the body as one.
  nlohmann::json msg = *body;
  msg["op"] = "publish";
  msg["id"] = 0;
  nlohmann::json id;
  auto parsed = core::parse_ws_request(msg.dump(), id);
  if (!parsed) co_return response::error(parsed.error());
  if (!core::publishable_topic(parsed->topic))
    co_return response::error(core::make_error(
        core::errc::forbidden, "local tools may publish to app:<name> topics only"));
  auto e = ctx.hub.publish(parsed->topic, parsed->event, parsed->data);
  co_return response::json(201, {{"topic", e.topic}, {"seq", e.seq}});
}

nlohmann::json status_json(api_context& ctx) {
  nlohmann::json jobs = nlohmann::json::object();
  for (auto s :
       {"queued", "submitting", "rendering", "downloading", "completed", "failed", "cancelled"})
    jobs[s] = 0;
  for (const auto& [state, n] : store::jobs_repo(ctx.db).count_by_state()) jobs[state] = n;
  nlohmann::json backends = nlohmann::json::array();
  if (ctx.sessions)
    for (const auto& [name, b] : ctx.sessions->backends()) backends.push_back(b->health());
  nlohmann::json out{
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
  for (const auto& part : ctx.status_parts) part(out);
  return out;
}

}  // namespace reel::api
