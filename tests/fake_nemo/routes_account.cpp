// Tokens, sessions, credits and state: the small JSON calls.
#include "fake_nemo/draft_editor.hpp"
#include "fake_nemo/routes.hpp"

namespace reel::fake_nemo {
namespace {

bool live(const world& w, const token_record& t) {
  return !t.revoked && w.now() < t.expires &&
         (w.k.token_valid_calls <= 0 || t.calls < w.k.token_valid_calls);
}

std::string uuid_like(world& w) {
  const auto h = w.random_hex(32);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace

sim_response anonymous_token(call_ctx& c) {
  auto& w = c.w;
  const auto client_id = c.req.head.header("X-Client-Id");
  if (client_id.empty()) return http_error(400, 400, "missing X-Client-Id header");

  // One live token per client id: the contract's "one token per client id per 7 days", read so
  // that a token that expired early (a fault) can be replaced at once.
  if (w.k.rate_limit_tokens) {
    const auto held = w.client_tokens.find(client_id);
    if (held != w.client_tokens.end()) {
      const auto t = w.tokens.find(held->second);
      if (t != w.tokens.end() && live(w, t->second)) {
        return http_error(429, 429, "rate limited: one token per client id per 7 days");
      }
    }
  }

  const auto user_id = "anon:" + client_id;
  auto [user, fresh] = w.users.try_emplace(user_id);
  if (fresh) {
    user->second.id = user_id;
    user->second.available = w.k.starting_credits;
  }
  token_record t;
  t.token = "nmv_" + w.random_hex(40);
  t.user_id = user_id;
  t.client_id = client_id;
  t.issued = w.now();
  t.expires = t.issued + w.k.token_lifetime;
  w.client_tokens[client_id] = t.token;
  const auto token = t.token;
  const auto expires = t.expires;
  w.tokens.emplace(token, std::move(t));
  return ok(w.k, {{"token", token},
                  {"token_type", "Bearer"},
                  {"credits", user->second.available},
                  {"expires_at", iso8601(expires)},
                  {"expires_in", w.k.token_lifetime.count()}});
}

sim_response create_session(call_ctx& c) {
  auto& w = c.w;
  const auto body = json_body(c.req);
  if (!body || !body->is_object()) return http_error(400, 400, "body must be a JSON object");
  session_record s;
  s.id = uuid_like(w);
  s.task_id = "task_" + w.random_hex(16);
  s.user_id = c.user->id;
  s.task_name = body->value("task_name", std::string("project"));
  s.language = body->value("language", std::string("en"));
  s.draft = initial_draft(s.task_name);
  c.session_id = s.id;
  nlohmann::json data{{"session_id", s.id}, {"task_id", s.task_id}};
  w.sessions.emplace(s.id, std::move(s));
  return ok(w.k, std::move(data));
}

sim_response credits(call_ctx& c) {
  const auto& u = *c.user;
  return ok(c.w.k,
            {{"available", u.available}, {"frozen", u.frozen}, {"total", u.available + u.frozen}});
}

sim_response state(call_ctx& c) {
  const auto* s = owned_session(c, c.route.param);
  if (!s) return business_error(c.w.k, 1002, "session not found");
  return ok(c.w.k, {{"session_id", s->id},
                    {"state",
                     {{"draft", s->draft},
                      {"video_infos", s->video_infos},
                      {"generated_media", s->generated_media}}}});
}

}  // namespace reel::fake_nemo
