#include "core/error.hpp"

#include <array>
#include <utility>

namespace reel::core {
namespace {

struct row {
  errc code;
  std::string_view name;
  int status;
};

// The one table from error code to wire name and HTTP status.
constexpr std::array<row, 18> table{{
    {errc::bad_request, "bad_request", 400},
    {errc::unauthorized, "unauthorized", 401},
    {errc::forbidden, "forbidden", 403},
    {errc::not_found, "not_found", 404},
    {errc::method_not_allowed, "method_not_allowed", 405},
    {errc::conflict, "conflict", 409},
    {errc::payload_too_large, "payload_too_large", 413},
    {errc::unsupported_media, "unsupported_media", 415},
    {errc::rate_limited, "rate_limited", 429},
    {errc::token_invalid, "token_invalid", 502},
    {errc::session_lost, "session_lost", 502},
    {errc::out_of_credits, "out_of_credits", 402},
    {errc::plan_blocked, "plan_blocked", 402},
    {errc::upstream_unavailable, "upstream_unavailable", 503},
    {errc::upstream_error, "upstream_error", 502},
    {errc::timeout, "timeout", 504},
    {errc::cancelled, "cancelled", 409},
    {errc::internal, "internal", 500},
}};

const row& find(errc code) noexcept {
  for (const auto& r : table)
    if (r.code == code) return r;
  return table.back();
}

}  // namespace

std::string_view to_string(errc code) noexcept {
  return find(code).name;
}

std::optional<errc> errc_from_string(std::string_view name) noexcept {
  for (const auto& r : table)
    if (r.name == name) return r.code;
  return std::nullopt;
}

int http_status(errc code) noexcept {
  return find(code).status;
}

error make_error(errc code, std::string message) {
  error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

nlohmann::json to_json(const error& e) {
  nlohmann::json body{{"code", to_string(e.code)}, {"message", e.message}};
  body["upstream_code"] = e.upstream_code ? nlohmann::json(*e.upstream_code) : nullptr;
  body["hint"] = e.hint ? nlohmann::json(*e.hint) : nullptr;
  body["retry_after_s"] = e.retry_after_s ? nlohmann::json(*e.retry_after_s) : nullptr;
  return nlohmann::json{{"error", std::move(body)}};
}

std::optional<error> error_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return std::nullopt;
  const auto& b = j["error"];
  if (!b.contains("code") || !b["code"].is_string() || !b.contains("message") ||
      !b["message"].is_string())
    return std::nullopt;
  auto code = errc_from_string(b["code"].get<std::string>());
  if (!code) return std::nullopt;
  error e;
  e.code = *code;
  e.message = b["message"].get<std::string>();
  if (b.contains("upstream_code") && b["upstream_code"].is_number_integer())
    e.upstream_code = b["upstream_code"].get<int>();
  if (b.contains("hint") && b["hint"].is_string()) e.hint = b["hint"].get<std::string>();
  if (b.contains("retry_after_s") && b["retry_after_s"].is_number())
    e.retry_after_s = b["retry_after_s"].get<double>();
  return e;
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw error_exception(e);
}

}  // namespace reel::core
