#pragma once
// `reel status` for people: the daemon's /v1/status as aligned text. Pure; lenient: a field the
// daemon did not send prints as "-".
#include <nlohmann/json.hpp>

#include <string>

namespace reel::cli {

struct status_view_input {
  std::string client_version;  // reel's own
  std::string address;         // what reel connected to: "127.0.0.1:7878"
  std::string address_source;  // "the default", "from $REEL_HOST", ...
  nlohmann::json status;       // the body of GET /v1/status (any shape)
};

// The text, one "label   value" row per line, ending in a newline. Never prints a token.
std::string format_status(const status_view_input& in);

// "12s", "5m 3s", "2h 5m", "3d 4h"; "-" for a negative or missing value.
std::string format_duration(const nlohmann::json& seconds);

}  // namespace reel::cli
