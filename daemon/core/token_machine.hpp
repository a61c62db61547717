#pragma once
// The upstream token's life as a sans-io state machine (design.md rule 3): which token a call
// uses, when an anonymous token is renewed, and how one renewal is shared by every caller that
// needs it (single flight). Time comes in as wall-clock milliseconds; the adapter
// (upstream/token_keeper) does the I/O, the waiting and the persistence.
//
// Contract (spec/upstream-nemovideo.md): anonymous tokens come from POST
// /api/auth/anonymous-token with X-Client-Id; 1001 means expired or invalid (renew, or report
// when the token is the user's own); HTTP 429 means wait and retry once; HTTP 400 means the
// client id is missing (make one and retry).
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reel::core {

// What /v1/status says about the token (never its value).
enum class token_state { valid, renewing, missing, user_supplied, expired };

// "valid", "renewing", "missing", "user_supplied", "expired".
std::string_view to_string(token_state s) noexcept;

struct token_status {
  token_state state = token_state::missing;
  std::optional<std::int64_t> expires_at_ms;  // anonymous tokens only
};

// What a caller that wants a token does next.
struct token_action {
  enum class kind {
    use,   // send the call with `token`; report a 1001 with `generation`
    wait,  // wait until renewal round `round` ends, then acquire(now, round) again
    fail,  // give up with `err`
  };
  kind what = kind::fail;
  std::string token;
  std::uint64_t generation = 0;
  std::uint64_t round = 0;
  // The adapter starts renewal round `round` now (exactly one action per round says so).
  bool start_renewal = false;
  error err;
};

// How one anonymous-token request ended.
struct renewal_result {
  enum class kind { ok, rate_limited, missing_client_id, failed };
  kind what = kind::failed;
  std::string token;               // ok
  std::int64_t expires_at_ms = 0;  // ok
  error err;                       // rate_limited, missing_client_id, failed
};

// What the renewal task does next.
struct renewal_step {
  enum class kind {
    request,            // send the anonymous-token request (again)
    wait_then_request,  // sleep `wait_ms`, then request
    new_client_id,      // make and persist a new client id, then request
    done,               // the round ended (see succeeded); wake every waiter
  };
  kind what = kind::done;
  std::int64_t wait_ms = 0;
  bool succeeded = false;  // done: a new token is in place (persist token() and expires_at_ms())
};

class token_machine {
 public:
  struct options {
    std::int64_t renew_margin_ms = 3600'000;   // renew this long before expiry
    std::int64_t rate_limit_wait_ms = 30'000;  // wait after a 429 before the one retry
  };

  // A non-empty `user_token` (NEMO_TOKEN / upstream.token) is used as is and never renewed.
  token_machine(options o, std::string user_token);

  // Restores a persisted anonymous token (ignored for a user token or an empty `token`).
  void restore(std::string token, std::int64_t expires_at_ms);

  // A caller wants a token at `now_ms`. `waited_round` is the round it waited for (0: none);
  // a caller whose round failed gets that failure instead of starting another round.
  token_action acquire(std::int64_t now_ms, std::uint64_t waited_round = 0);

  // A call made with `generation` was answered 1001. A user token is left alone (the call
  // reports token_invalid); an anonymous token still current is marked rejected, so the next
  // acquire renews it. An older generation is ignored (a renewal already replaced it).
  void reject(std::uint64_t generation);

  // The renewal task's first step for round `round` (always `request`).
  renewal_step begin_round(std::uint64_t round);
  // Feeds one attempt's outcome at `now_ms`; returns the next step.
  renewal_step on_attempt(const renewal_result& r, std::int64_t now_ms);

  token_status status(std::int64_t now_ms) const;
  bool user_supplied() const noexcept { return user_; }
  // The current token (empty when none); for persistence after a successful round.
  const std::string& token() const noexcept { return token_; }
  std::int64_t expires_at_ms() const noexcept { return expires_at_ms_; }
  std::uint64_t generation() const noexcept { return generation_; }

 private:
  bool usable(std::int64_t now_ms) const noexcept;
  token_action start_round(bool proactive, std::int64_t now_ms);
  renewal_step finish(bool ok, error err, std::int64_t now_ms);

  options opt_;
  bool user_ = false;
  std::string token_;
  std::int64_t expires_at_ms_ = 0;
  std::uint64_t generation_ = 0;
  bool rejected_ = false;

  // The renewal round in flight (0: none) and the last one that ended.
  std::uint64_t round_ = 0;
  std::uint64_t next_round_ = 1;
  bool proactive_ = false;      // the round in flight started while the token was usable
  int rate_limit_retries_ = 0;  // within the round
  int client_id_retries_ = 0;   // within the round
  std::uint64_t last_round_ = 0;
  bool last_ok_ = false;
  error last_err_;

  // After a failed round: no new proactive round before this; no new round at all before
  // fail_until_ms_ (a rate limit), answering fail_err_ instead.
  std::int64_t proactive_blocked_until_ms_ = 0;
  std::int64_t fail_until_ms_ = 0;
  error fail_err_;
};

// The expiry of a freshly issued token from its `data` object, leniently: `expires_in` seconds,
// else `expires_at` (epoch seconds or milliseconds, or ISO 8601 "2025-01-31T12:00:00Z" with an
// optional fraction and offset), else 7 days after `now_ms`.
std::int64_t token_expiry_ms(const nlohmann::json& data, std::int64_t now_ms);

// Milliseconds since the epoch for an ISO 8601 / RFC 3339 date-time; nullopt when malformed.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace reel::core
