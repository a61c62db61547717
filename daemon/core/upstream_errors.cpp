#include "core/upstream_errors.hpp"

#include "core/media_type.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace reel::core {
namespace {

using nlohmann::json;

constexpr double rate_limit_wait_s = 30;

// The one table (design.md rule 9). Rows whose text depends on the context (2001's hint,
// 4001's list of formats) are completed in map_upstream_code.
struct row {
  int code;
  errc local;
  std::string_view message;
  std::string_view hint;
};
constexpr std::array<row, 9> table{{
    {1001, errc::token_invalid, "The video service no longer accepts Reel's access token.",
     "Reel gets a new token and retries; if you set the token yourself, replace it."},
    {1002, errc::session_lost, "The video service lost this editing session.",
     "Reel starts a new session and tries once more."},
    {2001, errc::out_of_credits, "You are out of credits on the video service.", ""},
    {4001, errc::unsupported_media, "The video service does not accept this type of file.",
     "Convert the file to one of the accepted formats."},
    {4002, errc::payload_too_large, "The file is too large for the video service.",
     "Compress it (a lower resolution or bitrate) or trim it, then upload again."},
    {400, errc::upstream_error, "The video service rejected the request (missing client id).",
     "Reel creates a client id and retries."},
    // Not in the contract's table: a bare 401 (a gateway's) means the bearer token was refused.
    {401, errc::token_invalid, "The video service no longer accepts Reel's access token.",
     "Reel gets a new token and retries; if you set the token yourself, replace it."},
    {402, errc::plan_blocked,
     "Exporting is blocked on the free plan: a subscription matter, not credits.",
     "Register or upgrade your plan at nemovideo.ai to export; your credits are untouched."},
    {429, errc::rate_limited, "The video service is busy with too many requests from Reel.",
     "Reel waits 30 seconds and retries once; try again shortly if it still fails."},
}};

const row* find_row(int code) {
  for (const auto& r : table)
    if (r.code == code) return &r;
  return nullptr;
}

error from_row(const row& r, int code, const upstream_context& ctx) {
  auto e = make_error(r.local, std::string(r.message));
  e.upstream_code = code;
  if (!r.hint.empty()) e.hint = std::string(r.hint);
  switch (r.code) {
    case 2001:
      if (ctx.anonymous_token) {
        e.message = "The free credits are used up.";
        e.hint = "Register to get more credits and keep this work: " +
                 registration_link(ctx.register_url, ctx.client_id);
      } else {
        e.hint = "Top up your credits at nemovideo.ai, then try again.";
      }
      break;
    case 4001:
      e.message += " Accepted formats: " + accepted_formats(false) + ".";
      break;
    case 429:
      e.retry_after_s = rate_limit_wait_s;
      break;
    default:
      break;
  }
  return e;
}

std::optional<int> integer_code(const json& v) {
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    if (n >= -2147483647 && n <= 2147483647) return static_cast<int>(n);
    return std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// An envelope is {"code": <int>, "message"|"data": ...}; a bare "code" may be payload.
std::optional<int> envelope_code(const json& body) {
  if (!body.is_object() || !(body.contains("message") || body.contains("data")))
    return std::nullopt;
  const auto it = body.find("code");
  return it == body.end() ? std::nullopt : integer_code(*it);
}

bool is_success(int status) {
  return status >= 200 && status < 300;
}

// A json converts from anything, an error included: name the alternative explicitly.
result<json> value(const json& j) {
  return result<json>(boost::system::in_place_value, j);
}

}  // namespace

std::string registration_link(std::string_view base, std::string_view client_id) {
  std::string out(base);
  if (client_id.empty()) return out;
  out += base.find('?') == std::string_view::npos ? "?bind=" : "&bind=";
  constexpr char hex[] = "0123456789ABCDEF";
  for (const char ch : client_id) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

error map_upstream_code(int code, const upstream_context& ctx) {
  if (const auto* r = find_row(code)) return from_row(*r, code, ctx);
  error e;
  if (code >= 500 && code <= 599) {
    e = make_error(errc::upstream_unavailable, "The video service is unavailable right now (HTTP " +
                                                   std::to_string(code) + ").");
    e.hint = "Try again in a minute.";
  } else if (code >= 400 && code <= 499) {
    e = make_error(errc::upstream_error,
                   "The video service rejected the request (HTTP " + std::to_string(code) + ").");
  } else {
    e = make_error(errc::upstream_error,
                   "The video service reported an error (code " + std::to_string(code) + ").");
  }
  e.upstream_code = code;
  return e;
}

error map_http_status(int status, const upstream_context& ctx) {
  return map_upstream_code(status, ctx);
}

result<json> unwrap_envelope(const json& body, int http_status, const upstream_context& ctx) {
  const auto code = envelope_code(body);
  if (!code) {
    if (is_success(http_status)) return value(body);
    return map_http_status(http_status, ctx);
  }
  if (*code == 0) {
    if (!is_success(http_status)) return map_http_status(http_status, ctx);
    const auto data = body.find("data");
    return value(data != body.end() ? *data : body);
  }
  // A code from the contract's table says more than the status it came with (the service may
  // send 1001 with 200 or with 401); an unknown one on an error status says less.
  if (!find_row(*code) && !is_success(http_status)) {
    auto e = map_http_status(http_status, ctx);
    e.upstream_code = *code;
    return e;
  }
  return map_upstream_code(*code, ctx);
}

}  // namespace reel::core
