#pragma once
// What can go wrong between reel and reeld, carried as a value, and the exit code each failure
// ends the process with (spec/local-api.md: 0 done, 1 failed, 2 bad usage, 3 not reachable).
#include "core/error.hpp"

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace reel::cli {

enum class failure {
  unreachable,  // nothing answered at the address (refused, no route, connect timeout): exit 3
  timeout,      // connected, but the daemon did not answer in time: exit 1
  daemon,       // the daemon said no (HTTP status >= 400, a failed WS result, a close): exit 1
  protocol,     // the answer is not what reeld sends (not HTTP, not JSON, no hello): exit 1
  cancelled,    // stopped by the user (Ctrl-C): exit 1
  local,        // failed before talking to the daemon (an unreadable key file): exit 1
  usage,        // a bad command line or address: exit 2
};

// One failure. `error` always holds a message for a person; `code_name` is the wire code that
// --json prints: the daemon's own (even one this client does not know) or one of reel's:
// daemon_unreachable, bad_usage, key_unreadable, bad_response, timeout, cancelled.
struct client_error {
  failure kind = failure::daemon;
  core::error error;
  std::string code_name;
  int http_status = 0;      // set when the daemon answered over HTTP
  int close_code = 0;       // set when the daemon closed the WebSocket
  nlohmann::json envelope;  // the daemon's {"error":{...}} as received, else null
};

template <class T>
using client_result = boost::system::result<T, client_error>;

// A failure made by reel itself; `code` is mapped onto core::errc where one fits.
client_error make_failure(failure kind, std::string code_name, std::string message);

// The failure an HTTP answer with status >= 400 carries: its envelope when the body is one
// (unknown codes kept in code_name), else one made from the status line.
client_error error_from_response(int http_status, std::string_view reason, std::string_view body);

// The failure a WebSocket {"type":"result","ok":false,"error":{...}} carries.
client_error error_from_ws_result(const nlohmann::json& result_message);

// The process exit code for a failure kind.
int exit_code(failure kind) noexcept;

// Lets client_result<T>::value() throw (found by ADL); reel code checks results instead.
[[noreturn]] void throw_exception_from_error(const client_error& e,
                                             const boost::source_location& loc);

}  // namespace reel::cli
