#pragma once
// The local error vocabulary (spec/local-api.md "Errors") and its one table to HTTP statuses.
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace reel::core {

// Every code a client may see in {"error":{"code":...}}.
enum class errc {
  bad_request,
  unauthorized,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  unsupported_media,
  rate_limited,
  token_invalid,
  session_lost,
  out_of_credits,
  plan_blocked,
  upstream_unavailable,
  upstream_error,
  timeout,
  cancelled,
  internal,
};

// An expected failure, carried as a value. `message` is for a person and never holds secrets.
struct error {
  errc code = errc::internal;
  std::string message;
  std::optional<int> upstream_code;
  std::optional<std::string> hint;
  std::optional<double> retry_after_s;
};

template <class T>
using result = boost::system::result<T, error>;

// result<nlohmann::json> from a JSON value: json converts to almost anything, so the implicit
// constructor is ambiguous and the value must be placed explicitly.
inline result<nlohmann::json> json_value(nlohmann::json j) {
  return result<nlohmann::json>(boost::system::in_place_value, std::move(j));
}

// The wire name of a code ("out_of_credits").
std::string_view to_string(errc code) noexcept;
// The code for a wire name; nullopt when unknown.
std::optional<errc> errc_from_string(std::string_view name) noexcept;
// The HTTP status a code maps to (the one table; see tests/core/error_test.cpp).
int http_status(errc code) noexcept;

// Short constructors for the common cases.
error make_error(errc code, std::string message);

// {"error":{"code","message","upstream_code","hint","retry_after_s"}} with nulls for absent fields.
nlohmann::json to_json(const error& e);
// Parses the envelope written by to_json; nullopt when `j` is not one.
std::optional<error> error_from_json(const nlohmann::json& j);

// Lets result<T>::value() throw when it holds an error (found by ADL).
class error_exception : public std::exception {
 public:
  explicit error_exception(error e) : error_(std::move(e)) {}
  const char* what() const noexcept override { return error_.message.c_str(); }
  const error& err() const noexcept { return error_; }

 private:
  error error_;
};
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

}  // namespace reel::core
