#include "cli/client_error.hpp"

#include <stdexcept>

namespace reel::cli {
namespace {

core::errc errc_for_status(int status) {
  using core::errc;
  switch (status) {
    case 400:
      return errc::bad_request;
    case 401:
      return errc::unauthorized;
    case 403:
      return errc::forbidden;
    case 404:
      return errc::not_found;
    case 405:
      return errc::method_not_allowed;
    case 409:
      return errc::conflict;
    case 413:
      return errc::payload_too_large;
    case 415:
      return errc::unsupported_media;
    case 429:
      return errc::rate_limited;
    case 504:
      return errc::timeout;
    default:
      return status >= 500 ? errc::internal : errc::bad_request;
  }
}

// Reads the envelope leniently: a newer daemon may send codes this client does not know, and
// the person should still see the daemon's message.
client_error from_envelope(const nlohmann::json& envelope, core::errc fallback) {
  client_error e;
  e.kind = failure::daemon;
  e.envelope = envelope;
  const auto& body = envelope.at("error");
  auto parsed = core::error_from_json(envelope);
  if (parsed) {
    e.error = *parsed;
  } else {
    e.error.code = fallback;
    if (body.contains("message") && body["message"].is_string())
      e.error.message = body["message"].get<std::string>();
    if (body.contains("hint") && body["hint"].is_string())
      e.error.hint = body["hint"].get<std::string>();
  }
  if (body.contains("code") && body["code"].is_string())
    e.code_name = body["code"].get<std::string>();
  else
    e.code_name = std::string(core::to_string(e.error.code));
  if (e.error.message.empty()) e.error.message = e.code_name;
  return e;
}

}  // namespace

client_error make_failure(failure kind, std::string code_name, std::string message) {
  client_error e;
  e.kind = kind;
  auto known = core::errc_from_string(code_name);
  if (known)
    e.error.code = *known;
  else if (kind == failure::usage)
    e.error.code = core::errc::bad_request;
  else if (kind == failure::unreachable)
    e.error.code = core::errc::upstream_unavailable;
  else
    e.error.code = core::errc::internal;
  e.error.message = std::move(message);
  e.code_name = std::move(code_name);
  return e;
}

client_error error_from_response(int http_status, std::string_view reason, std::string_view body) {
  auto fallback = errc_for_status(http_status);
  auto j = nlohmann::json::parse(body, nullptr, false);
  client_error e;
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
    e = from_envelope(j, fallback);
  } else {
    e.kind = failure::daemon;
    e.error.code = fallback;
    e.code_name = std::string(core::to_string(fallback));
    e.error.message = "HTTP " + std::to_string(http_status);
    if (!reason.empty()) e.error.message += " " + std::string(reason);
  }
  e.http_status = http_status;
  return e;
}

client_error error_from_ws_result(const nlohmann::json& result_message) {
  if (result_message.is_object() && result_message.contains("error") &&
      result_message["error"].is_object())
    return from_envelope(nlohmann::json{{"error", result_message["error"]}},
                         core::errc::bad_request);
  return make_failure(failure::protocol, "bad_response",
                      "the daemon refused the request without saying why");
}

int exit_code(failure kind) noexcept {
  switch (kind) {
    case failure::unreachable:
      return 3;
    case failure::usage:
      return 2;
    default:
      return 1;
  }
}

void throw_exception_from_error(const client_error& e, const boost::source_location&) {
  throw std::runtime_error(e.error.message);
}

}  // namespace reel::cli
