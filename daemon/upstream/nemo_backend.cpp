#include "upstream/nemo_backend.hpp"

#include "core/sse_parser.hpp"
#include "core/upstream_errors.hpp"
#include "core/ws_protocol.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <utility>
#include <vector>

namespace reel::upstream {

namespace asio = boost::asio;
using service::async_result;

struct nemo_backend::shared {
  std::optional<nemo_api> api;
  core::error config_error;
  options opt;
  // What health() says beyond the token: the last call that could not reach the service.
  std::optional<std::string> last_failure;
  std::chrono::steady_clock::time_point last_failure_at{};
  std::optional<service::credit_balance> last_credits;
  std::optional<std::int64_t> seen_expiry;  // the anonymous token's expiry last observed

  // Bookkeeping after every call: reachability for health(), token renewals for subscribers.
  template <class T>
  void note(const core::result<T>& r) {
    if (r) {
      last_failure.reset();
    } else if (r.error().code == core::errc::upstream_unavailable ||
               r.error().code == core::errc::timeout) {
      last_failure = r.error().message;
      last_failure_at = std::chrono::steady_clock::now();
    }
    if (!api) return;
    const auto st = api->keeper().status();
    if (st.state != core::token_state::valid || !st.expires_at_ms) return;
    if (seen_expiry && *seen_expiry != *st.expires_at_ms && opt.on_token_renewed)
      opt.on_token_renewed({{"expires_at", core::rfc3339_ms(*st.expires_at_ms)}});
    seen_expiry = st.expires_at_ms;
  }
};

namespace {

using shared_ptr = std::shared_ptr<nemo_backend::shared>;

const nlohmann::json* member(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::optional<double> number_of(const nlohmann::json* j) {
  if (!j) return std::nullopt;
  if (j->is_number()) return j->get<double>();
  if (j->is_string()) {
    try {
      std::size_t used = 0;
      const auto& s = j->get_ref<const std::string&>();
      double v = std::stod(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::string text_of(const nlohmann::json* j) {
  if (!j) return {};
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number_integer()) return std::to_string(j->get<std::int64_t>());
  return {};
}

core::error not_configured(const nemo_backend::shared& s) {
  return s.config_error;
}

// A session without its upstream id cannot be used; the owner replaces it as if the cloud had
// lost it (1002), which is what it amounts to.
core::result<std::string> upstream_id(const store::session_row& row) {
  if (row.upstream_session_id && !row.upstream_session_id->empty()) return *row.upstream_session_id;
  auto e = core::make_error(core::errc::session_lost,
                            "This session has no session on the video service yet.");
  e.hint = "Reel starts a new session and tries once more.";
  return e;
}

asio::awaitable<core::result<service::created_session>> do_create(shared_ptr s,
                                                                  store::session_row row) {
  if (!s->api) co_return not_configured(*s);
  const std::string language =
      row.language && !row.language->empty() ? *row.language : s->opt.default_language;
  auto made = co_await s->api->create_session(language);
  s->note(made);
  if (!made) co_return made.error();
  service::created_session out;
  out.upstream_session_id = made->session_id;
  if (!made->task_id.empty()) out.upstream_task_id = made->task_id;
  co_return out;
}

// The cloud's name for an uploaded file. Outside the coroutine: GCC 12 miscompiles string
// literal arrays that live across a co_await.
std::optional<std::string> upstream_ref_of(const nlohmann::json& info) {
  for (auto key : {"media_id", "mediaId", "id", "url"})
    if (auto ref = text_of(member(info, key)); !ref.empty()) return ref;
  return std::nullopt;
}

// A file streamed from disk, or a URL the cloud fetches itself.
asio::awaitable<core::result<upload_result>> send_media(shared_ptr s, std::string sid,
                                                        service::media_source src,
                                                        service::progress_fn progress) {
  if (!src.path.empty()) {
    auto r = co_await s->api->upload_file(std::move(sid), src.path, src.name, std::move(progress));
    co_return r;
  }
  std::vector<std::string> urls{src.url};
  auto r = co_await s->api->upload_urls(std::move(sid), std::move(urls));
  co_return r;
}

asio::awaitable<core::result<service::media_added>> do_add_media(shared_ptr s,
                                                                 store::session_row row,
                                                                 service::media_source src,
                                                                 service::progress_fn progress) {
  if (!s->api) co_return not_configured(*s);
  auto sid = upstream_id(row);
  if (!sid) co_return sid.error();
  auto up = co_await send_media(s, *sid, std::move(src), std::move(progress));
  s->note(up);
  if (!up) co_return up.error();
  service::media_added out;
  nlohmann::json info =
      up->uploaded.empty() ? nlohmann::json::object() : std::move(up->uploaded.front());
  out.meta = media_meta_from_cloud(info);
  out.upstream_ref = upstream_ref_of(info);
  co_return out;
}

asio::awaitable<core::result<service::credit_balance>> do_credits(shared_ptr s) {
  if (!s->api) co_return not_configured(*s);
  auto c = co_await s->api->credits();
  s->note(c);
  if (!c) co_return c.error();
  service::credit_balance b{c->available, c->frozen, c->total};
  const bool changed = !s->last_credits || s->last_credits->available != b.available ||
                       s->last_credits->frozen != b.frozen || s->last_credits->total != b.total;
  s->last_credits = b;
  if (changed && s->opt.on_credits_changed)
    s->opt.on_credits_changed({{"backend", "nemovideo"},
                               {"available", b.available},
                               {"frozen", b.frozen},
                               {"total", b.total}});
  co_return b;
}

asio::awaitable<core::result<service::backend_state>> do_state(shared_ptr s,
                                                               store::session_row row) {
  if (!s->api) co_return not_configured(*s);
  auto sid = upstream_id(row);
  if (!sid) co_return sid.error();
  auto snap = co_await s->api->state(*sid);
  s->note(snap);
  if (!snap) co_return snap.error();
  service::backend_state out;
  out.draft = std::move(snap->draft);
  out.media = std::move(snap->video_infos);
  out.generated = std::move(snap->generated_media);
  co_return out;
}

// Turns the stream's bytes into agent items as they arrive. Lives in the chat coroutine's
// frame; the chunk callback points at it.
struct turn_reader {
  core::sse_parser parser;
  std::vector<core::sse_event> events;
  service::item_fn on_item;
  std::optional<core::agent_item> first_error;
  std::optional<core::error> broken;

  bool feed(std::string_view bytes) {
    events.clear();
    auto fed = parser.feed(bytes, events);
    for (const auto& ev : events) deliver(ev);
    if (!fed) {
      broken = fed.error();
      return false;  // stops the call: the rest of the stream cannot be read
    }
    return true;
  }

  void deliver(const core::sse_event& ev) {
    if (ev.kind != core::sse_kind::message) {
      core::agent_item beat;
      beat.kind = core::agent_item_kind::heartbeat;
      if (on_item) on_item(beat);
      return;
    }
    for (const auto& item : core::decode_agent_event(ev.data)) {
      if (item.kind == core::agent_item_kind::error && !first_error) first_error = item;
      if (on_item) on_item(item);
    }
  }
};

// The local error for an error event of the stream. The upstream's own words are not echoed
// (fixed messages only, as for every other answer).
core::error stream_error(const core::agent_item& item, const core::upstream_context& ctx) {
  if (item.upstream_code) return core::map_upstream_code(*item.upstream_code, ctx);
  auto e = core::make_error(core::errc::upstream_error,
                            "The video service reported an error during the turn.");
  e.hint = "Try the message again; if it keeps failing, start a new session.";
  return e;
}

bool stream_reader_fn(turn_reader* reader, std::string_view bytes) {
  return reader->feed(bytes);
}

asio::awaitable<core::result<void>> do_chat(shared_ptr s, store::session_row row, std::string text,
                                            service::item_fn on_item) {
  if (!s->api) co_return not_configured(*s);
  auto sid = upstream_id(row);
  if (!sid) co_return sid.error();
  // The token the stream will use (run_sse takes the same one at once): an error event saying
  // 1001 must mark exactly this token as refused.
  auto lease = co_await s->api->keeper().acquire();
  s->note(lease);
  if (!lease) co_return lease.error();
  auto reader = std::make_unique<turn_reader>();
  reader->on_item = std::move(on_item);
  turn_reader* raw = reader.get();
  auto ran = co_await s->api->run_sse(*sid, std::move(text), [raw](std::string_view bytes) {
    return stream_reader_fn(raw, bytes);
  });
  reader->parser.finish();
  s->note(ran);
  if (reader->broken) {
    spdlog::warn("nemovideo: a chat stream could not be parsed: {}", reader->broken->message);
    co_return core::make_error(core::errc::upstream_error,
                               "The video service sent a chat stream Reel cannot read.");
  }
  if (!ran) co_return ran.error();
  if (reader->first_error) {
    const auto ctx = s->api->keeper().context();
    auto e = stream_error(*reader->first_error, ctx);
    if (e.code == core::errc::token_invalid) s->api->keeper().report_rejected(*lease);
    co_return e;
  }
  co_return core::result<void>{};
}

}  // namespace

nlohmann::json media_meta_from_cloud(const nlohmann::json& info) {
  nlohmann::json meta = nlohmann::json::object();
  if (!info.is_object()) return meta;
  // The contract names no unit; the service's infos carry milliseconds ("d" in drafts is ms
  // too), so a duration over 1000 that is a whole number is read as ms. Seconds stay seconds.
  if (auto ms = number_of(member(info, "duration_ms"))) {
    meta["duration_s"] = *ms / 1000.0;
  } else if (auto d = number_of(member(info, "duration"))) {
    const bool looks_ms = *d >= 1000 && std::floor(*d) == *d;
    meta["duration_s"] = looks_ms ? *d / 1000.0 : *d;
  }
  if (auto n = number_of(member(info, "size"))) meta["size"] = static_cast<std::int64_t>(*n);
  for (auto key : {"width", "height"})
    if (auto n = number_of(member(info, key))) meta[key] = static_cast<std::int64_t>(*n);
  for (auto key : {"format", "type"})
    if (auto t = text_of(member(info, key)); !t.empty()) meta[key] = t;
  meta["cloud"] = info;
  return meta;
}

nemo_backend::nemo_backend(nemo_api api, options o) : s_(std::make_shared<shared>()) {
  s_->api.emplace(std::move(api));
  s_->opt = std::move(o);
  const auto st = s_->api->keeper().status();
  if (st.state == core::token_state::valid) s_->seen_expiry = st.expires_at_ms;
}

nemo_backend::nemo_backend(core::error why, options o) : s_(std::make_shared<shared>()) {
  s_->config_error = std::move(why);
  if (s_->config_error.code == core::errc::internal)
    s_->config_error.code = core::errc::bad_request;
  s_->opt = std::move(o);
}

nlohmann::json nemo_backend::health() const {
  nlohmann::json h{{"name", "nemovideo"}, {"default", s_->opt.is_default}};
  if (!s_->api) {
    h["health"] = "unavailable";
    h["detail"] = "not configured: " + s_->config_error.message;
    return h;
  }
  if (s_->last_failure) {
    const auto ago = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now() - s_->last_failure_at)
                         .count();
    h["health"] = "degraded";
    h["detail"] = "the last call failed " + std::to_string(ago) + " s ago: " + *s_->last_failure;
    return h;
  }
  const auto st = s_->api->keeper().status();
  h["health"] = "ok";
  switch (st.state) {
    case core::token_state::valid:
      h["detail"] = "anonymous token valid until " +
                    (st.expires_at_ms ? core::rfc3339_ms(*st.expires_at_ms) : std::string("?"));
      break;
    case core::token_state::renewing:
      h["detail"] = "renewing the anonymous token";
      break;
    case core::token_state::user_supplied:
      h["detail"] = "using your own token";
      break;
    case core::token_state::expired:
      h["detail"] = "the anonymous token expired; a new one is requested on the next call";
      break;
    case core::token_state::missing:
      h["detail"] = "no token yet; a free anonymous token is requested on the first call";
      break;
  }
  return h;
}

nlohmann::json nemo_backend::upstream_status() const {
  nlohmann::json token{{"state", "missing"}, {"source", nullptr}, {"expires_at", nullptr}};
  if (s_->api) {
    const auto st = s_->api->keeper().status();
    token["state"] = std::string(core::to_string(st.state));
    if (st.state == core::token_state::user_supplied)
      token["source"] = s_->opt.user_token_source;
    else if (st.state != core::token_state::missing)
      token["source"] = "anonymous";
    if (st.expires_at_ms && st.state != core::token_state::user_supplied)
      token["expires_at"] = core::rfc3339_ms(*st.expires_at_ms);
  }
  return {{"token", std::move(token)},
          {"credits", s_->last_credits ? credits_json(*s_->last_credits) : nlohmann::json()}};
}

async_result<service::created_session> nemo_backend::create_session(store::session_row session) {
  return do_create(s_, std::move(session));
}

async_result<service::media_added> nemo_backend::add_media(store::session_row session,
                                                           service::media_source source,
                                                           service::progress_fn progress) {
  return do_add_media(s_, std::move(session), std::move(source), std::move(progress));
}

async_result<service::credit_balance> nemo_backend::credits() {
  return do_credits(s_);
}

async_result<service::backend_state> nemo_backend::state(store::session_row session) {
  return do_state(s_, std::move(session));
}

async_result<void> nemo_backend::chat(store::session_row session, std::string text,
                                      service::item_fn on_item) {
  return do_chat(s_, std::move(session), std::move(text), std::move(on_item));
}

}  // namespace reel::upstream
