// Render jobs: start an export, list and read jobs, cancel, serve the finished file.
#include "api/handlers.hpp"
#include "api/router.hpp"
#include "core/render_job.hpp"
#include "service/render_service.hpp"

#include <sys/stat.h>
#include <algorithm>
#include <charconv>
#include <cstdint>

namespace reel::api {
namespace {

service::render_service& renders_of(api_context& ctx) {
  if (!ctx.renders)
    throw core::error_exception(
        core::make_error(core::errc::internal, "render jobs are not available"));
  return *ctx.renders;
}

std::int64_t int_query(const request& req, std::string_view name, std::int64_t fallback,
                       std::int64_t lo, std::int64_t hi) {
  auto v = core::query_param(req.query, name);
  if (!v) return fallback;
  std::int64_t n = fallback;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) return fallback;
  return std::clamp(n, lo, hi);
}

response not_found(const std::string& id) {
  return response::error(core::make_error(core::errc::not_found, "no render job " + id));
}

}  // namespace

awaitable<response> post_render(api_context& ctx, request req) {
  auto& renders = renders_of(ctx);
  auto body = json_body(req);
  if (!body) co_return response::error(body.error());
  auto job = co_await renders.start(req.params["id"], std::move(*body));
  if (!job) co_return response::error(job.error());
  auto r = response::json(202, core::to_api_json(*job));
  r.headers.emplace_back("Location", "/v1/renders/" + job->id);
  co_return r;
}

awaitable<response> list_renders(api_context& ctx, request req) {
  auto& renders = renders_of(ctx);
  std::optional<std::string> state = core::query_param(req.query, "state");
  if (state && !core::render_state_from_string(*state))
    co_return response::error(
        core::make_error(core::errc::bad_request,
                         "state: expected queued, submitting, rendering, downloading, "
                         "completed, failed or cancelled"));
  const auto limit = int_query(req, "limit", 100, 1, 1000);
  const auto offset = int_query(req, "offset", 0, 0, INT64_MAX);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& j : renders.list(limit, offset, state)) list.push_back(core::to_api_json(j));
  co_return response::json(200, {{"renders", std::move(list)}});
}

awaitable<response> get_render(api_context& ctx, request req) {
  const auto& id = req.params["id"];
  auto job = renders_of(ctx).find(id);
  if (!job) co_return not_found(id);
  co_return response::json(200, core::to_api_json(*job));
}

awaitable<response> delete_render(api_context& ctx, request req) {
  auto job = co_await renders_of(ctx).cancel(req.params["id"]);
  if (!job) co_return response::error(job.error());
  co_return response::json(200, core::to_api_json(*job));
}

awaitable<response> get_render_output(api_context& ctx, request req) {
  const auto& id = req.params["id"];
  auto job = renders_of(ctx).find(id);
  if (!job) co_return not_found(id);
  if (job->state != core::render_state::completed)
    co_return response::error(core::make_error(
        core::errc::conflict,
        "render " + id + " is " + std::string(core::to_string(job->state)) + ", not completed"));
  struct stat st {};
  if (job->output.path.empty() || ::stat(job->output.path.c_str(), &st) != 0)
    co_return response::error(core::make_error(
        core::errc::not_found, "the finished file of render " + id + " is no longer there"));
  co_return response::file_at(job->output.path, "video/mp4");
}

}  // namespace reel::api
