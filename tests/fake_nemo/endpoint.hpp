#pragma once
// The simulator's route table: every call of spec/upstream-nemovideo.md plus the file server.
#include <optional>
#include <string>
#include <string_view>

namespace reel::fake_nemo {

// One row per upstream call (and the simulator's own file server); `not_found` for the rest.
enum class endpoint {
  anonymous_token,  // POST /api/auth/anonymous-token
  create_session,   // POST /api/tasks/me/with-session/nemo_agent
  run_sse,          // POST /run_sse
  upload,           // POST /api/upload-video/nemo_agent/me/<sid>
  credits,          // GET  /api/credits/balance/simple
  state,            // GET  /api/state/nemo_agent/me/<sid>/latest
  render_create,    // POST /api/render/proxy/lambda
  render_status,    // GET  /api/render/proxy/lambda/<id>
  render_cancel,    // DELETE /api/render/proxy/lambda/<id>
  render_download,  // GET  /api/render/proxy/lambda/<id>/download (simulator's fallback)
  file,             // GET  /files/<id>.mp4 (the output URL, served by the simulator)
  not_found,        // anything else
};

// The stable name of an endpoint ("render_status"); used as the counter key and on the CLI.
std::string_view to_string(endpoint ep) noexcept;
// The endpoint for a name written by to_string; nullopt when unknown.
std::optional<endpoint> endpoint_from_string(std::string_view name) noexcept;

// What the table says about one request line.
struct route_match {
  endpoint ep = endpoint::not_found;
  std::string param;            // the <sid> or <id> captured from the path (raw, not decoded)
  bool method_allowed = false;  // false with ep != not_found means 405
  std::string allow;            // the Allow header for a 405
};

// Matches a method and a path (query already removed); tells 404 (not_found) from 405.
route_match match_route(std::string_view method, std::string_view path);

// The path part of a request target ("/a/b?x=1" -> "/a/b").
std::string_view target_path(std::string_view target) noexcept;

}  // namespace reel::fake_nemo
