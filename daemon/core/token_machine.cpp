#include "core/token_machine.hpp"

#include <charconv>
#include <cmath>
#include <utility>

namespace reel::core {
namespace {

constexpr std::int64_t week_ms = 7LL * 24 * 3600 * 1000;

token_action use(const std::string& token, std::uint64_t generation) {
  token_action a;
  a.what = token_action::kind::use;
  a.token = token;
  a.generation = generation;
  return a;
}

token_action wait_for(std::uint64_t round) {
  token_action a;
  a.what = token_action::kind::wait;
  a.round = round;
  return a;
}

token_action fail_with(error e) {
  token_action a;
  a.what = token_action::kind::fail;
  a.err = std::move(e);
  return a;
}

renewal_step step(renewal_step::kind k, std::int64_t wait_ms = 0) {
  renewal_step s;
  s.what = k;
  s.wait_ms = wait_ms;
  return s;
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool take_digits(std::string_view& s, std::size_t n, int& out) {
  if (s.size() < n) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  s.remove_prefix(n);
  return true;
}

bool take_char(std::string_view& s, std::string_view allowed) {
  if (s.empty() || allowed.find(s.front()) == std::string_view::npos) return false;
  s.remove_prefix(1);
  return true;
}

std::optional<double> number_of(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty()) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(token_state s) noexcept {
  switch (s) {
    case token_state::valid:
      return "valid";
    case token_state::renewing:
      return "renewing";
    case token_state::missing:
      return "missing";
    case token_state::user_supplied:
      return "user_supplied";
    case token_state::expired:
      return "expired";
  }
  return "missing";
}

token_machine::token_machine(options o, std::string user_token) : opt_(o) {
  if (!user_token.empty()) {
    user_ = true;
    token_ = std::move(user_token);
    generation_ = 1;
  }
}

void token_machine::restore(std::string token, std::int64_t expires_at_ms) {
  if (user_ || token.empty()) return;
  token_ = std::move(token);
  expires_at_ms_ = expires_at_ms;
  rejected_ = false;
  ++generation_;
}

bool token_machine::usable(std::int64_t now_ms) const noexcept {
  return !token_.empty() && !rejected_ && now_ms < expires_at_ms_;
}

token_action token_machine::acquire(std::int64_t now_ms, std::uint64_t waited_round) {
  if (user_) return use(token_, generation_);
  // A waiter shares the outcome of the round it waited for, failure included: otherwise every
  // waiter of a failed round would start a round of its own, one after the other.
  if (waited_round != 0 && waited_round == last_round_ && !last_ok_ && round_ == 0 &&
      !usable(now_ms))
    return fail_with(last_err_);
  if (round_ != 0) return usable(now_ms) ? use(token_, generation_) : wait_for(round_);
  if (usable(now_ms)) {
    if (now_ms < expires_at_ms_ - opt_.renew_margin_ms || now_ms < proactive_blocked_until_ms_)
      return use(token_, generation_);
    // Inside the margin: renew in the background while callers keep the still-valid token.
    auto a = start_round(true, now_ms);
    auto u = use(token_, generation_);
    u.round = a.round;
    u.start_renewal = true;
    return u;
  }
  if (now_ms < fail_until_ms_) {
    auto e = fail_err_;
    e.retry_after_s = static_cast<double>(fail_until_ms_ - now_ms) / 1000.0;
    return fail_with(std::move(e));
  }
  return start_round(false, now_ms);
}

token_action token_machine::start_round(bool proactive, std::int64_t) {
  round_ = next_round_++;
  proactive_ = proactive;
  rate_limit_retries_ = 0;
  client_id_retries_ = 0;
  auto a = wait_for(round_);
  a.start_renewal = true;
  return a;
}

void token_machine::reject(std::uint64_t generation) {
  if (user_) return;
  if (generation == generation_ && !token_.empty()) rejected_ = true;
}

renewal_step token_machine::begin_round(std::uint64_t) {
  return step(renewal_step::kind::request);
}

renewal_step token_machine::on_attempt(const renewal_result& r, std::int64_t now_ms) {
  switch (r.what) {
    case renewal_result::kind::ok:
      token_ = r.token;
      expires_at_ms_ = r.expires_at_ms;
      rejected_ = false;
      ++generation_;
      fail_until_ms_ = 0;
      proactive_blocked_until_ms_ = 0;
      return finish(true, {}, now_ms);
    case renewal_result::kind::rate_limited: {
      if (rate_limit_retries_ == 0) {
        ++rate_limit_retries_;
        return step(renewal_step::kind::wait_then_request, opt_.rate_limit_wait_ms);
      }
      auto e = r.err;
      e.code = errc::rate_limited;
      e.retry_after_s = static_cast<double>(opt_.rate_limit_wait_ms) / 1000.0;
      if (proactive_ && usable(now_ms)) {
        // One token per client id per 7 days: the current token is the one we will get until
        // it expires, so stop trying early.
        proactive_blocked_until_ms_ = expires_at_ms_;
      } else {
        fail_until_ms_ = now_ms + opt_.rate_limit_wait_ms;
        fail_err_ = e;
      }
      return finish(false, std::move(e), now_ms);
    }
    case renewal_result::kind::missing_client_id:
      if (client_id_retries_ == 0) {
        ++client_id_retries_;
        return step(renewal_step::kind::new_client_id);
      }
      return finish(false, r.err, now_ms);
    case renewal_result::kind::failed:
      if (proactive_ && usable(now_ms))
        proactive_blocked_until_ms_ = now_ms + opt_.rate_limit_wait_ms;
      return finish(false, r.err, now_ms);
  }
  return finish(false, r.err, now_ms);
}

renewal_step token_machine::finish(bool ok, error err, std::int64_t) {
  last_round_ = round_;
  last_ok_ = ok;
  last_err_ = std::move(err);
  round_ = 0;
  proactive_ = false;
  auto s = step(renewal_step::kind::done);
  s.succeeded = ok;
  return s;
}

token_status token_machine::status(std::int64_t now_ms) const {
  token_status s;
  if (user_) {
    s.state = token_state::user_supplied;
    return s;
  }
  if (!token_.empty()) s.expires_at_ms = expires_at_ms_;
  if (round_ != 0)
    s.state = token_state::renewing;
  else if (token_.empty())
    s.state = token_state::missing;
  else if (!usable(now_ms))
    s.state = token_state::expired;
  else
    s.state = token_state::valid;
  return s;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!take_digits(s, 4, y) || !take_char(s, "-") || !take_digits(s, 2, mo) || !take_char(s, "-") ||
      !take_digits(s, 2, d) || !take_char(s, "Tt ") || !take_digits(s, 2, h) ||
      !take_char(s, ":") || !take_digits(s, 2, mi) || !take_char(s, ":") || !take_digits(s, 2, sec))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::int64_t ms = 0;
  if (!s.empty() && (s.front() == '.' || s.front() == ',')) {
    s.remove_prefix(1);
    int scale = 100, digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      ms += (s.front() - '0') * scale;
      scale /= 10;
      ++digits;
      s.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
  }
  std::int64_t offset_min = 0;
  if (take_char(s, "Zz")) {
  } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    const int sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!take_digits(s, 2, oh)) return std::nullopt;
    take_char(s, ":");
    if (!take_digits(s, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
  } else if (!s.empty()) {
    return std::nullopt;
  }
  if (!s.empty()) return std::nullopt;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  return secs * 1000 + ms;
}

std::int64_t token_expiry_ms(const nlohmann::json& data, std::int64_t now_ms) {
  if (!data.is_object()) return now_ms + week_ms;
  if (auto it = data.find("expires_in"); it != data.end()) {
    if (auto v = number_of(*it); v && *v > 0 && std::isfinite(*v))
      return now_ms + static_cast<std::int64_t>(*v * 1000.0);
  }
  if (auto it = data.find("expires_at"); it != data.end()) {
    if (auto v = number_of(*it); v && *v > 0 && std::isfinite(*v))
      return *v > 1e11 ? static_cast<std::int64_t>(*v) : static_cast<std::int64_t>(*v * 1000.0);
    if (it->is_string())
      if (auto ms = parse_iso8601_ms(it->get_ref<const std::string&>())) return *ms;
  }
  return now_ms + week_ms;
}

}  // namespace reel::core
