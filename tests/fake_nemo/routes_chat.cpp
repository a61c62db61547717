// POST /run_sse: one agent turn as an ADK event stream; the turn edits the session's draft.
#include "fake_nemo/draft_editor.hpp"
#include "fake_nemo/routes.hpp"
#include "fake_nemo/sse_framer.hpp"

#include <optional>

namespace reel::fake_nemo {
namespace {

sim_response event_stream(std::vector<sse_chunk> chunks) {
  sim_response r;
  r.headers.emplace_back("Content-Type", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  r.kind = body_kind::sse;
  r.sse = std::move(chunks);
  return r;
}

// A business error, as JSON or (knobs::sse_errors_in_stream) as one SSE error event.
sim_response turn_error(call_ctx& c, int code, std::string message, nlohmann::json data = nullptr) {
  if (!c.w.k.sse_errors_in_stream) return business_error(c.w.k, code, std::move(message), data);
  adk_context ctx;
  ctx.invocation_id = "e-" + c.w.random_hex(12);
  turn_script s;
  s.error(std::to_string(code), std::move(message));
  return event_stream(frame_chunks(to_frames(s, ctx), framing{}));
}

std::vector<media_ref> media_of(const session_record& s) {
  std::vector<media_ref> out;
  for (const auto& v : s.video_infos) {
    const auto type = v.value("type", std::string("video"));
    out.push_back({v.value("media_id", std::string()), v.value("name", std::string()),
                   type == "image"   ? media_kind::image
                   : type == "audio" ? media_kind::audio
                                     : media_kind::video,
                   v.value("duration", std::int64_t{0})});
  }
  return out;
}

std::string message_text(const nlohmann::json& body) {
  std::string text;
  const auto msg = body.find("new_message");
  if (msg == body.end() || !msg->is_object()) return text;
  const auto parts = msg->find("parts");
  if (parts == msg->end() || !parts->is_array()) return text;
  for (const auto& p : *parts) {
    if (p.is_object() && p.contains("text") && p["text"].is_string()) {
      if (!text.empty()) text += "\n";
      text += p["text"].get<std::string>();
    }
  }
  return text;
}

}  // namespace

sim_response run_sse(call_ctx& c) {
  auto& w = c.w;
  const auto body = json_body(c.req);
  if (!body || !body->is_object() || !(*body).contains("session_id") ||
      !(*body)["session_id"].is_string()) {
    return http_error(400, 400,
                      "body must be {\"app_name\",\"user_id\",\"session_id\",\"new_message\"}");
  }
  auto* s = owned_session(c, (*body)["session_id"].get<std::string>());
  if (!s) return turn_error(c, 1002, "session not found");
  auto& user = *c.user;
  const auto cost = w.k.turn_cost;
  if (user.available < cost) {
    return turn_error(c, 2001, "insufficient credits",
                      {{"available", user.available}, {"required", cost}});
  }
  user.available -= cost;
  user.frozen += cost;
  c.settle_user = user.id;
  c.settle_amount = cost;

  std::optional<turn_script> script;
  if (!s->queued.empty()) {
    script = std::move(s->queued.front());
    s->queued.pop_front();
  }
  const auto media = media_of(*s);
  if (script) {
    for (const auto& e : script->edits()) apply_message(s->draft, e, media);
  }
  edit_outcome outcome;
  if (!script || script->applies_message()) {
    outcome = apply_message(s->draft, message_text(*body), media);
  }
  if (!script) {
    ++w.unscripted_turns;
    const bool silent = w.k.silent_every > 0 && w.unscripted_turns % w.k.silent_every == 0;
    script = unscripted_turn(outcome.reply, outcome.operations, silent, w.k.sse_heartbeats);
  }
  ++s->turns;

  adk_context ctx;
  ctx.invocation_id = "e-" + w.random_hex(12);
  ctx.timestamp = std::chrono::duration<double>(w.now().time_since_epoch()).count();
  framing f;
  f.dribble = w.k.sse_dribble;
  f.seed = w.k.sse_seed + static_cast<std::uint32_t>(s->turns);
  f.drop_after_events = w.k.sse_drop_after_events;
  f.gap = w.k.sse_gap;
  return event_stream(frame_chunks(to_frames(*script, ctx), f));
}

}  // namespace reel::fake_nemo
