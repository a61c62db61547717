// Export: render jobs (create, poll, cancel) and the MP4 they produce (download with Range).
#include "fake_nemo/http_range.hpp"
#include "fake_nemo/routes.hpp"
#include "fake_nemo/sample_media.hpp"

#include <algorithm>

namespace reel::fake_nemo {
namespace {

bool valid_render_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.';
  });
}

// Moves a job along: by status polls, or by sim time when knobs::render_sim_time is set.
void advance(world& w, render_record& r) {
  if (r.status != "pending" && r.status != "processing") return;
  const auto& k = w.k;
  bool done = false;
  if (k.render_sim_time.count() > 0) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(w.now() - r.created);
    const double frac = static_cast<double>(elapsed.count()) / k.render_sim_time.count();
    if (frac >= 1.0) {
      done = true;
    } else if (frac >= 0.1) {
      r.status = "processing";
      r.progress = std::clamp(static_cast<int>(frac * 100), 1, 99);
    }
  } else {
    const int pending = std::max(0, k.render_pending_polls);
    const int processing = std::max(0, k.render_processing_polls);
    if (r.polls > pending + processing) {
      done = true;
    } else if (r.polls > pending) {
      r.status = "processing";
      r.progress = std::clamp(100 * (r.polls - pending) / (processing + 1), 1, 99);
    }
  }
  if (!done) return;
  if (k.render_result == render_outcome::failed) {
    r.status = "failed";
    return;
  }
  r.status = "completed";
  r.progress = 100;
}

std::string file_url(const call_ctx& c, const std::string& id) {
  return origin(c) + "/files/" + id + ".mp4";
}

nlohmann::json view(call_ctx& c, render_record& r) {
  nlohmann::json v{{"id", r.id},
                   {"status", r.status},
                   {"progress", r.progress},
                   {"sessionId", r.session_id},
                   {"createdAt", iso8601(r.created)}};
  if (r.status == "failed") {
    v["error"] = {{"code", 5000}, {"message", "render failed on the GPU node"}};
  }
  if (r.status != "completed") return v;
  const auto& mp4 = shared_sample_mp4();
  const auto url = file_url(c, r.id);
  nlohmann::json output{
      {"format", "mp4"}, {"size", mp4.size}, {"sha256", mp4.sha256}, {"duration", 2000}};
  if (c.w.k.render_url == url_placement::output_url) output["url"] = url;
  if (c.w.k.render_url == url_placement::data_flat) v["outputUrl"] = url;
  v["output"] = std::move(output);
  return v;
}

void publish(world& w, render_record& r, const std::string& url) {
  if (r.published || r.status != "completed") return;
  r.published = true;
  const auto s = w.sessions.find(r.session_id);
  if (s == w.sessions.end()) return;
  s->second.generated_media.push_back(
      {{"render_id", r.id}, {"type", "video"}, {"format", "mp4"}, {"url", url}});
}

render_record* owned_render(call_ctx& c, const std::string& id) {
  const auto it = c.w.renders.find(id);
  if (it == c.w.renders.end() || it->second.user_id != c.user->id) return nullptr;
  c.session_id = it->second.session_id;
  return &it->second;
}

// The sample MP4 (or a Range of it) as a response.
sim_response mp4_response(const call_ctx& c) {
  const auto& mp4 = shared_sample_mp4();
  const auto range = parse_range(c.req.head.header("Range"), mp4.size);
  sim_response r;
  r.headers = {{"Accept-Ranges", "bytes"},
               {"ETag", "\"" + mp4.sha256 + "\""},
               {"X-Content-SHA256", mp4.sha256}};
  if (range.what == range_result::kind::unsatisfiable) {
    r.status = 416;
    r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(mp4.size));
    return r;
  }
  r.headers.emplace_back("Content-Type", "video/mp4");
  r.kind = body_kind::file;
  r.file = {mp4.path, 0, mp4.size};
  if (range.what == range_result::kind::partial) {
    r.status = 206;
    r.file.offset = range.first;
    r.file.length = range.last - range.first + 1;
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                std::to_string(range.last) + "/" +
                                                std::to_string(mp4.size));
  }
  return r;
}

}  // namespace

sim_response render_create(call_ctx& c) {
  auto& w = c.w;
  const auto body = json_body(c.req);
  const std::string id =
      body && body->is_object() && body->contains("id") && (*body)["id"].is_string()
          ? (*body)["id"].get<std::string>()
          : std::string();
  if (!id.empty()) ++w.count.render_posts[id];

  const auto& h = c.req.head;
  const bool attributed = !h.header("X-Skill-Source").empty() &&
                          !h.header("X-Skill-Version").empty() &&
                          !h.header("X-Skill-Platform").empty();
  if (w.k.plan_blocked || (w.k.require_attribution && !attributed)) {
    return http_error(402, 402,
                      "Free plan export blocked: register or upgrade your plan to unlock export");
  }
  if (!valid_render_id(id) || !(*body).contains("sessionId") || !(*body)["sessionId"].is_string() ||
      !(*body).contains("draft") || !(*body)["draft"].is_object()) {
    return http_error(
        400, 400,
        "body must be {\"id\":\"render_<...>\",\"sessionId\",\"draft\":{...},\"output\"}");
  }
  auto* s = owned_session(c, (*body)["sessionId"].get<std::string>());
  if (!s) return business_error(w.k, 1002, "session not found");

  if (const auto it = w.renders.find(id); it != w.renders.end()) {
    auto& existing = it->second;
    if (!w.k.duplicate_render_conflict) return ok(w.k, view(c, existing));
    return http_error(409, 4090, "render " + id + " already exists",
                      {{"id", id}, {"status", existing.status}, {"progress", existing.progress}});
  }
  render_record r;
  r.id = id;
  r.session_id = s->id;
  r.user_id = c.user->id;
  r.draft = (*body)["draft"];
  r.output = body->value("output", nlohmann::json::object());
  r.headers = h.headers;
  r.created = w.now();
  auto& stored = w.renders.emplace(id, std::move(r)).first->second;
  return ok(w.k, view(c, stored));
}

sim_response render_status(call_ctx& c) {
  auto* r = owned_render(c, c.route.param);
  if (!r) return http_error(404, 404, "render not found");
  ++r->polls;
  ++c.w.count.render_polls[r->id];
  advance(c.w, *r);
  publish(c.w, *r, file_url(c, r->id));
  auto v = view(c, *r);
  if (c.w.k.render_url == url_placement::top_level && r->status == "completed") {
    auto resp = ok(c.w.k, std::move(v));
    auto body = nlohmann::json::parse(resp.body);
    body["outputUrl"] = file_url(c, r->id);
    resp.body = body.dump();
    return resp;
  }
  return ok(c.w.k, std::move(v));
}

sim_response render_cancel(call_ctx& c) {
  auto* r = owned_render(c, c.route.param);
  if (!r) return http_error(404, 404, "render not found");
  if (r->status == "pending" || r->status == "processing") r->status = "cancelled";
  return ok(c.w.k, {{"id", r->id}, {"status", r->status}, {"progress", r->progress}});
}

sim_response render_download(call_ctx& c) {
  auto* r = owned_render(c, c.route.param);
  if (!r) return http_error(404, 404, "render not found");
  ++c.w.count.downloads[r->id];
  if (r->status != "completed") {
    return http_error(409, 4091, "render not completed", {{"id", r->id}, {"status", r->status}});
  }
  return mp4_response(c);
}

sim_response file(call_ctx& c) {
  const auto& id = c.route.param;
  const auto it = c.w.renders.find(id);
  if (it == c.w.renders.end() || it->second.status != "completed") {
    return http_error(404, 404, "no such file");
  }
  c.session_id = it->second.session_id;
  ++c.w.count.downloads[id];
  return mp4_response(c);
}

}  // namespace reel::fake_nemo
