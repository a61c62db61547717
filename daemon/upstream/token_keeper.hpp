#pragma once
// The upstream token (spec/upstream-nemovideo.md "Headers", "Error codes"): the user's own token
// when configured (upstream.token / NEMO_TOKEN; never renewed, a 1001 is reported), else an
// anonymous token made with a persisted client id (UUID v4), persisted with its expiry, renewed
// ahead of expiry and after a 1001 by ONE request shared by every caller waiting at that moment
// (the decisions are core::token_machine; this adapter does the I/O and the waiting). HTTP 429
// waits upstream.rate_limit_wait_s and retries once; HTTP 400 makes a new client id and retries.
//
// A cheap handle (copies share one state); use it from the io_context's one thread. The
// settings repository must outlive every copy and every pending call.
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/token_machine.hpp"
#include "core/upstream_errors.hpp"
#include "store/settings_repo.hpp"
#include "upstream/http_client.hpp"

#include <nlohmann/json.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace reel::upstream {

// A token handed to one call; report a 1001 with it so the right token is renewed.
struct token_lease {
  std::string token;
  std::uint64_t generation = 0;
};

// A JSON call's answer after the envelope was unwrapped.
struct api_reply {
  int status = 0;
  header_list headers;
  nlohmann::json body;  // the whole body; null when it was not JSON
  nlohmann::json data;  // the envelope's `data`, or the body when there is no envelope
};

struct keeper_options {
  std::string user_token;  // non-empty: user_supplied, never renewed
  std::chrono::milliseconds renew_margin{3'600'000};
  std::chrono::milliseconds rate_limit_wait{30'000};
  std::string register_url = core::upstream_context{}.register_url;  // out_of_credits hints

  // upstream.token (NEMO_TOKEN is its environment alias), token_renew_margin_s, rate_limit_wait_s.
  static keeper_options from_config(const core::config& cfg);
};

// Wall-clock milliseconds since the epoch (tests inject their own).
using wall_clock = std::function<std::int64_t()>;

class token_keeper {
 public:
  // Restores the persisted client id and anonymous token (settings keys "upstream.client_id",
  // "upstream.token@<origin>", "upstream.token_expires_ms@<origin>"). Settings failures are
  // logged, never thrown: the keeper then works from memory.
  token_keeper(http_client http, store::settings_repo& settings, keeper_options o,
               wall_clock now = {});

  // A token to call with: at once when one is valid, else after the shared renewal. Fails with
  // the renewal's error (rate_limited, upstream_unavailable, timeout, ...).
  boost::asio::awaitable<core::result<token_lease>> acquire() const;

  // The call made with `lease` was answered 1001: the next acquire() renews (anonymous tokens).
  void report_rejected(const token_lease& lease) const;

  // One JSON call with the bearer attached and the envelope unwrapped. After a 1001 it renews
  // the anonymous token and sends the request once more; after an HTTP 429 it waits
  // rate_limit_wait and sends once more. Fails with the mapped core::error (upstream_errors).
  boost::asio::awaitable<core::result<api_reply>> call(http_request req,
                                                       progress_fn progress = {}) const;

  // For /v1/status: the state and expiry, never the token.
  core::token_status status() const;
  // What error mapping needs (anonymous or not, client id, registration link).
  core::upstream_context context() const;
  // The persisted X-Client-Id; empty before the first anonymous token was requested.
  std::string client_id() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

// The body of an answer as JSON: null when it is empty or not JSON.
nlohmann::json parse_body(const http_response& r);

}  // namespace reel::upstream
