#pragma once
// The cloud's answers turned into local values (spec/upstream-nemovideo.md "Responses" and
// "Error codes"): one table from its codes and HTTP statuses to local errors with messages and
// hints for a person (design.md rule 9), and the envelope unwrapping. Messages are fixed text
// from the table: nothing the upstream sends is echoed, so no token can leak through them.
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace reel::core {

// What out_of_credits needs to say: who holds the token and where to register.
struct upstream_context {
  // True for the daemon's own anonymous token, false for a token the user configured.
  bool anonymous_token = true;
  // Registration page; "?bind=<client_id>" (or "&bind=") is appended.
  std::string register_url = "https://nemovideo.ai/register";
  // The persisted X-Client-Id; the link is left without `bind` when empty.
  std::string client_id;
};

// The registration link: `base` plus bind=<client_id> (percent-encoded); `base` when no id.
std::string registration_link(std::string_view base, std::string_view client_id);

// The local error for a code the upstream sent (in an envelope or an SSE error event): 1001,
// 1002, 2001, 4001, 4002, or an HTTP-like 400/401/402/429/4xx/5xx; any other code gives
// upstream_error. `upstream_code` is always set to `code`.
error map_upstream_code(int code, const upstream_context& ctx = {});

// The local error for an HTTP status answered without a usable envelope (same table).
error map_http_status(int status, const upstream_context& ctx = {});

// The payload of a response: for a 2xx with an envelope {"code":0,...}, its `data` (the body
// itself when there is no `data`); for a 2xx without an envelope (no integer `code` beside a
// `message` or `data`), the body as is. A non-zero envelope code is mapped (a contract code
// wins over the HTTP status; an unknown one on a non-2xx is mapped by the status, keeping the
// code); a non-2xx without an envelope (HTML from a proxy: pass null) is mapped by status.
result<nlohmann::json> unwrap_envelope(const nlohmann::json& body, int http_status,
                                       const upstream_context& ctx = {});

}  // namespace reel::core
