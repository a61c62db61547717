#include "fake_nemo/simulator.hpp"

#include "fake_nemo/draft_editor.hpp"
#include "fake_nemo/routes.hpp"
#include "fake_nemo/world.hpp"

#include <cstdio>

namespace reel::fake_nemo {
namespace {

constexpr std::size_t log_capacity = 1000;

// The token of "Authorization: Bearer <t>"; empty when absent or another scheme.
std::string bearer(const request_head& h) {
  const auto v = h.header("Authorization");
  if (v.size() < 7 || to_lower(v.substr(0, 7)) != "bearer ") return {};
  auto t = v.substr(7);
  while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  return t;
}

// Checks the bearer token; accepts it (counting the call) or explains why not.
bool authenticate(call_ctx& c, const std::string& token) {
  auto& w = c.w;
  const auto it = w.tokens.find(token);
  if (it == w.tokens.end()) return false;
  auto& t = it->second;
  if (t.revoked || w.now() >= t.expires) return false;
  if (w.k.token_valid_calls > 0 && t.calls >= w.k.token_valid_calls) {
    t.revoked = true;  // "expired after N calls": stays expired even if the knob changes
    return false;
  }
  ++t.calls;
  const auto u = w.users.find(t.user_id);
  if (u == w.users.end()) return false;
  c.token = &t;
  c.user = &u->second;
  return true;
}

sim_response dispatch(call_ctx& c) {
  switch (c.route.ep) {
    case endpoint::anonymous_token:
      return anonymous_token(c);
    case endpoint::create_session:
      return create_session(c);
    case endpoint::run_sse:
      return run_sse(c);
    case endpoint::upload:
      return upload(c);
    case endpoint::credits:
      return credits(c);
    case endpoint::state:
      return state(c);
    case endpoint::render_create:
      return render_create(c);
    case endpoint::render_status:
      return render_status(c);
    case endpoint::render_cancel:
      return render_cancel(c);
    case endpoint::render_download:
      return render_download(c);
    case endpoint::file:
      return file(c);
    case endpoint::not_found:
      break;
  }
  return http_error(404, 404, "not found");
}

int envelope_code(const sim_response& r) {
  if (r.kind != body_kind::text || r.body.empty() || r.body.front() != '{') return 0;
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("code") || !j["code"].is_number_integer()) return 0;
  return j["code"].get<int>();
}

}  // namespace

simulator::simulator() : w_(std::make_unique<world>()) {}
simulator::~simulator() = default;

knobs simulator::get_knobs() const {
  std::lock_guard lock(mu_);
  return w_->k;
}

void simulator::set_knobs(knobs k) {
  std::lock_guard lock(mu_);
  w_->k = std::move(k);
}

void simulator::update_knobs(const std::function<void(knobs&)>& change) {
  std::lock_guard lock(mu_);
  change(w_->k);
}

void simulator::fail_next(endpoint ep, int count, int http_status) {
  std::lock_guard lock(mu_);
  w_->fail_arms[ep] = fault_arm{count, http_status, 0};
}

void simulator::drop_next(endpoint ep, int count, std::uint64_t after_bytes) {
  std::lock_guard lock(mu_);
  w_->drop_arms[ep] = fault_arm{count, 0, after_bytes};
}

void simulator::clear_faults() {
  std::lock_guard lock(mu_);
  w_->fail_arms.clear();
  w_->drop_arms.clear();
}

void simulator::add_token(const std::string& token, std::int64_t credits) {
  std::lock_guard lock(mu_);
  const auto user_id = "reg:" + token;
  auto& u = w_->users[user_id];
  u.id = user_id;
  u.available = credits;
  token_record t;
  t.token = token;
  t.user_id = user_id;
  t.issued = w_->now();
  t.expires = sim_time::max();
  w_->tokens[token] = std::move(t);
}

void simulator::expire_token(const std::string& token) {
  std::lock_guard lock(mu_);
  if (const auto it = w_->tokens.find(token); it != w_->tokens.end()) it->second.revoked = true;
}

void simulator::expire_all_tokens() {
  std::lock_guard lock(mu_);
  for (auto& [_, t] : w_->tokens) t.revoked = true;
}

void simulator::lose_session(const std::string& session_id) {
  std::lock_guard lock(mu_);
  w_->sessions.erase(session_id);
}

void simulator::lose_all_sessions() {
  std::lock_guard lock(mu_);
  w_->sessions.clear();
}

bool simulator::set_credits(const std::string& token, std::int64_t available) {
  std::lock_guard lock(mu_);
  const auto t = w_->tokens.find(token);
  if (t == w_->tokens.end()) return false;
  w_->users[t->second.user_id].available = available;
  return true;
}

void simulator::reset_rate_limit() {
  std::lock_guard lock(mu_);
  w_->client_tokens.clear();
}

void simulator::advance_clock(std::chrono::seconds by) {
  std::lock_guard lock(mu_);
  w_->clock_shift += by;
}

void simulator::queue_turn(const std::string& session_id, turn_script script) {
  std::lock_guard lock(mu_);
  if (const auto it = w_->sessions.find(session_id); it != w_->sessions.end()) {
    it->second.queued.push_back(std::move(script));
  }
}

counters simulator::get_counters() const {
  std::lock_guard lock(mu_);
  return w_->count;
}

std::vector<request_record> simulator::requests() const {
  std::lock_guard lock(mu_);
  return {w_->log.begin(), w_->log.end()};
}

std::vector<std::string> simulator::session_ids() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, _] : w_->sessions) out.push_back(id);
  return out;
}

std::optional<nlohmann::json> simulator::session_state(const std::string& session_id) const {
  std::lock_guard lock(mu_);
  const auto it = w_->sessions.find(session_id);
  if (it == w_->sessions.end()) return std::nullopt;
  return nlohmann::json{{"draft", it->second.draft},
                        {"video_infos", it->second.video_infos},
                        {"generated_media", it->second.generated_media}};
}

std::optional<render_view> simulator::render(const std::string& render_id) const {
  std::lock_guard lock(mu_);
  const auto it = w_->renders.find(render_id);
  if (it == w_->renders.end()) return std::nullopt;
  const auto& r = it->second;
  return render_view{r.id, r.session_id, r.status, r.progress, r.polls, r.draft, r.headers};
}

std::string simulator::token_of(const std::string& client_id) const {
  std::lock_guard lock(mu_);
  const auto it = w_->client_tokens.find(client_id);
  return it == w_->client_tokens.end() ? std::string() : it->second;
}

void simulator::set_base_url(std::string url) {
  std::lock_guard lock(mu_);
  w_->base_url = std::move(url);
}

void simulator::set_verbose(bool on) {
  std::lock_guard lock(mu_);
  verbose_ = on;
}

void simulator::set_stream_observer(std::function<void(std::string_view)> observer) {
  std::lock_guard lock(mu_);
  stream_observer_ = std::move(observer);
}

std::uint64_t simulator::body_limit() const {
  std::lock_guard lock(mu_);
  return w_->k.body_limit;
}

void simulator::settle_turn(const std::string& user_id, std::int64_t amount) {
  std::lock_guard lock(mu_);
  const auto u = w_->users.find(user_id);
  if (u == w_->users.end()) return;
  u->second.frozen -= amount;
  u->second.spent += amount;
}

sim_response simulator::handle(const sim_request& req) {
  std::lock_guard lock(mu_);
  auto& w = *w_;
  const auto route = match_route(req.head.method, target_path(req.head.target));
  call_ctx c{w, req, route};
  ++w.count.total;
  ++w.count.by_endpoint[route.ep];
  const auto token = bearer(req.head);
  if (!token.empty()) ++w.count.by_token[token];

  sim_response resp;
  try {
    if (route.ep == endpoint::not_found) {
      resp = http_error(404, 404, "not found");
    } else if (!route.method_allowed) {
      resp = http_error(405, 405, "method not allowed");
      resp.headers.emplace_back("Allow", route.allow);
    } else if (auto arm = w.fail_arms.find(route.ep);
               arm != w.fail_arms.end() && arm->second.remaining > 0) {
      --arm->second.remaining;
      const int status = arm->second.status;
      resp = status >= 500 ? gateway_error(status) : http_error(status, status, "injected fault");
    } else if (route.ep != endpoint::anonymous_token && route.ep != endpoint::file &&
               !authenticate(c, token)) {
      resp = business_error(w.k, 1001, "token expired or invalid");
    } else {
      resp = dispatch(c);
    }
  } catch (const std::exception& e) {
    resp = http_error(500, 500, std::string("simulator error: ") + e.what());
  }

  if (!c.session_id.empty()) ++w.count.by_session[c.session_id];
  if (auto arm = w.drop_arms.find(route.ep);
      arm != w.drop_arms.end() && arm->second.remaining > 0) {
    --arm->second.remaining;
    resp.cut_after = arm->second.after_bytes;
  }
  resp.delay = w.k.delay;
  if (const auto d = w.k.endpoint_delay.find(route.ep); d != w.k.endpoint_delay.end()) {
    resp.delay += d->second;
  }
  if (req.body.too_large) resp.close = true;
  if (resp.kind == body_kind::sse) resp.on_write = stream_observer_;
  if (c.settle_amount > 0) {
    // Credits stay frozen while the turn streams; the connection runs on_done at its end.
    resp.on_done = [self = shared_from_this(), user = c.settle_user, amount = c.settle_amount] {
      self->settle_turn(user, amount);
    };
  }

  request_record rec{req.head.method,  req.head.target, route.ep,
                     req.head.headers, resp.status,     envelope_code(resp)};
  if (verbose_) {
    std::fprintf(stderr, "fake_nemo: %s %s -> %d%s\n", rec.method.c_str(), rec.target.c_str(),
                 rec.status, rec.code ? (" code " + std::to_string(rec.code)).c_str() : "");
  }
  w.log.push_back(std::move(rec));
  if (w.log.size() > log_capacity) w.log.pop_front();
  return resp;
}

}  // namespace reel::fake_nemo
