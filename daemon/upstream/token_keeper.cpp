#include "upstream/token_keeper.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <charconv>
#include <exception>

namespace reel::upstream {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct token_keeper::impl {
  impl(http_client h, store::settings_repo& s, keeper_options o, wall_clock c)
      : http(std::move(h)),
        settings(s),
        opt(std::move(o)),
        now(std::move(c)),
        machine({opt.renew_margin.count(), opt.rate_limit_wait.count()}, opt.user_token),
        wake(http.executor()) {
    // The condition the waiters wait on: a timer that never fires; cancel() wakes them all.
    wake.expires_at(asio::steady_timer::time_point::max());
  }

  http_client http;
  store::settings_repo& settings;
  keeper_options opt;
  wall_clock now;
  core::token_machine machine;
  asio::steady_timer wake;
  std::string client_id;
  std::string token_key;
  std::string expiry_key;

  void save(std::string_view key, std::string_view value) {
    try {
      settings.set(key, value, now());
    } catch (const std::exception& e) {
      spdlog::warn("upstream: cannot persist {}: {}", key, e.what());
    }
  }

  std::optional<std::string> load(std::string_view key) {
    try {
      return settings.get(key);
    } catch (const std::exception& e) {
      spdlog::warn("upstream: cannot read {}: {}", key, e.what());
      return std::nullopt;
    }
  }

  void new_client_id() {
    client_id = boost::uuids::to_string(boost::uuids::random_generator()());
    save("upstream.client_id", client_id);
    spdlog::info("upstream: made a new client id {}", client_id);
  }

  core::upstream_context context() const {
    core::upstream_context c;
    c.anonymous_token = !machine.user_supplied();
    c.register_url = opt.register_url;
    c.client_id = client_id;
    return c;
  }
};

namespace {

using impl_ptr = std::shared_ptr<token_keeper::impl>;

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso_utc(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool is_token_rejected(const core::error& e) {
  return e.code == core::errc::token_invalid || e.upstream_code == 1001;
}

// One anonymous-token request, classified for the machine.
asio::awaitable<core::renewal_result> request_token(impl_ptr I) {
  core::renewal_result out;
  if (I->client_id.empty()) I->new_client_id();
  http_request req;
  req.method = "POST";
  req.target = "/api/auth/anonymous-token";
  req.headers.emplace_back("X-Client-Id", I->client_id);
  auto r = co_await I->http.send(req);
  if (!r) {
    out.err = r.error();
    co_return out;
  }
  const auto body = parse_body(*r);
  // The envelope may carry the HTTP-like code even with another status: either one counts.
  const int code = body.is_object() && body.contains("code") && body["code"].is_number_integer()
                       ? body["code"].get<int>()
                       : 0;
  if (r->status == 429 || code == 429) {
    out.what = core::renewal_result::kind::rate_limited;
    out.err = core::map_http_status(429, I->context());
    co_return out;
  }
  if (r->status == 400 || code == 400) {
    out.what = core::renewal_result::kind::missing_client_id;
    out.err = core::map_http_status(400, I->context());
    co_return out;
  }
  auto data = core::unwrap_envelope(body, r->status, I->context());
  if (!data) {
    out.err = data.error();
    co_return out;
  }
  const auto* token = data->is_object() && data->contains("token") ? &(*data)["token"] : nullptr;
  if (!token || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    out.err =
        core::make_error(core::errc::upstream_error, "the anonymous-token answer carries no token");
    co_return out;
  }
  out.what = core::renewal_result::kind::ok;
  out.token = token->get<std::string>();
  out.expires_at_ms = core::token_expiry_ms(*data, I->now());
  co_return out;
}

// One renewal round, from its first request to waking every waiter. Never throws: an
// unexpected exception ends the round as a failure, so no waiter is left hanging.
asio::awaitable<void> renew(impl_ptr I, std::uint64_t round) {
  auto step = I->machine.begin_round(round);
  try {
    while (step.what != core::renewal_step::kind::done) {
      if (step.what == core::renewal_step::kind::wait_then_request) {
        spdlog::info("upstream: the anonymous-token call is rate limited; retrying in {} ms",
                     step.wait_ms);
        asio::steady_timer t(I->http.executor());
        t.expires_after(std::chrono::milliseconds(step.wait_ms));
        co_await t.async_wait(use_tuple);
      } else if (step.what == core::renewal_step::kind::new_client_id) {
        I->new_client_id();
      }
      auto result = co_await request_token(I);
      step = I->machine.on_attempt(result, I->now());
    }
  } catch (const std::exception& e) {
    core::renewal_result failed;
    failed.err = core::make_error(core::errc::internal,
                                  std::string("renewing the token failed: ") + e.what());
    step = I->machine.on_attempt(failed, I->now());
  }
  if (step.succeeded) {
    I->save(I->token_key, I->machine.token());
    I->save(I->expiry_key, std::to_string(I->machine.expires_at_ms()));
    spdlog::info("upstream: new anonymous token, valid until {}",
                 iso_utc(I->machine.expires_at_ms()));
  } else {
    spdlog::warn("upstream: token renewal failed");
  }
  I->wake.cancel();
}

asio::awaitable<core::result<token_lease>> do_acquire(impl_ptr I) {
  std::uint64_t waited = 0;
  for (;;) {
    auto a = I->machine.acquire(I->now(), waited);
    if (a.start_renewal) {
      asio::co_spawn(I->http.executor(), renew(I, a.round), [](const std::exception_ptr& e) {
        // renew() catches everything; this is for what cannot happen (bad_alloc in its frame).
        if (e) spdlog::error("upstream: the token renewal task ended by an exception");
      });
    }
    switch (a.what) {
      case core::token_action::kind::use:
        co_return token_lease{std::move(a.token), a.generation};
      case core::token_action::kind::fail:
        co_return a.err;
      case core::token_action::kind::wait:
        break;
    }
    waited = a.round;
    co_await I->wake.async_wait(use_tuple);
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none)
      co_return core::make_error(core::errc::cancelled, "cancelled while the token was renewed");
  }
}

asio::awaitable<core::result<api_reply>> do_call(impl_ptr I, http_request req,
                                                 progress_fn progress) {
  bool renewed = false;
  bool waited_429 = false;
  for (;;) {
    auto lease = co_await do_acquire(I);
    if (!lease) co_return lease.error();
    req.bearer = lease->token;
    auto r = co_await I->http.send(req, progress);
    if (!r) co_return r.error();
    api_reply reply;
    reply.status = r->status;
    reply.headers = std::move(r->headers);
    reply.body = parse_body(*r);
    auto data = core::unwrap_envelope(reply.body, reply.status, I->context());
    if (data) {
      reply.data = std::move(*data);
      co_return reply;
    }
    auto err = data.error();
    if (is_token_rejected(err)) {
      I->machine.reject(lease->generation);
      if (!I->machine.user_supplied() && !renewed) {
        renewed = true;
        spdlog::info("upstream: the token was refused (1001); renewing and retrying once");
        continue;
      }
    } else if (err.code == core::errc::rate_limited && !waited_429) {
      waited_429 = true;
      spdlog::info("upstream: rate limited (429); retrying in {} ms",
                   I->opt.rate_limit_wait.count());
      asio::steady_timer t(I->http.executor());
      t.expires_after(I->opt.rate_limit_wait);
      co_await t.async_wait(use_tuple);
      continue;
    }
    co_return err;
  }
}

}  // namespace

nlohmann::json parse_body(const http_response& r) {
  if (r.body.empty()) return nullptr;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

keeper_options keeper_options::from_config(const core::config& cfg) {
  keeper_options o;
  o.user_token = cfg.upstream.token;
  o.renew_margin = std::chrono::seconds(cfg.upstream.token_renew_margin_s);
  o.rate_limit_wait = std::chrono::seconds(cfg.upstream.rate_limit_wait_s);
  return o;
}

token_keeper::token_keeper(http_client http, store::settings_repo& settings, keeper_options o,
                           wall_clock now) {
  if (!now) now = system_ms;
  const auto origin = parse_url(http.options().base_url);
  const std::string suffix = "@" + (origin ? origin->origin() : http.options().base_url);
  impl_ = std::make_shared<impl>(std::move(http), settings, std::move(o), std::move(now));
  auto& I = *impl_;
  // Tokens belong to one service: pointing reeld at another base URL must not send it ours.
  I.token_key = "upstream.token" + suffix;
  I.expiry_key = "upstream.token_expires_ms" + suffix;
  if (auto id = I.load("upstream.client_id")) I.client_id = *id;
  if (I.machine.user_supplied()) return;
  auto token = I.load(I.token_key);
  auto expiry = I.load(I.expiry_key);
  std::int64_t expires = 0;
  if (expiry) std::from_chars(expiry->data(), expiry->data() + expiry->size(), expires);
  if (token && !token->empty() && expires > 0) I.machine.restore(*token, expires);
}

asio::awaitable<core::result<token_lease>> token_keeper::acquire() const {
  return do_acquire(impl_);
}

void token_keeper::report_rejected(const token_lease& lease) const {
  impl_->machine.reject(lease.generation);
}

asio::awaitable<core::result<api_reply>> token_keeper::call(http_request req,
                                                            progress_fn progress) const {
  return do_call(impl_, std::move(req), std::move(progress));
}

core::token_status token_keeper::status() const {
  return impl_->machine.status(impl_->now());
}

core::upstream_context token_keeper::context() const {
  return impl_->context();
}

std::string token_keeper::client_id() const {
  return impl_->client_id;
}

}  // namespace reel::upstream
