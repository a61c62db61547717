#pragma once
// What the simulator has seen, as plain values: a snapshot, safe to keep and compare.
#include "fake_nemo/endpoint.hpp"
#include "fake_nemo/http_types.hpp"

#include <map>
#include <string>

namespace reel::fake_nemo {

struct counters {
  int total = 0;
  std::map<endpoint, int> by_endpoint;      // every request, faults included
  std::map<std::string, int> by_token;      // requests that presented a bearer token
  std::map<std::string, int> by_session;    // requests naming a session (path or body)
  std::map<std::string, int> render_posts;  // POST /api/render/proxy/lambda per render id
  std::map<std::string, int> render_polls;  // GET .../lambda/<id> per render id
  std::map<std::string, int> downloads;     // /files/<id>.mp4 and .../<id>/download per id

  // Lookups that read 0 for a key never seen.
  int calls(endpoint ep) const;
  int token_calls(const std::string& token) const;
  int session_calls(const std::string& sid) const;
  int posts(const std::string& render_id) const;
  int polls(const std::string& render_id) const;
  int downloads_of(const std::string& render_id) const;
};

// One request as the simulator saw it (kept for the last 1000 requests).
struct request_record {
  std::string method;
  std::string target;
  endpoint ep = endpoint::not_found;
  header_list headers;
  int status = 0;  // HTTP status answered
  int code = 0;    // envelope code answered (0 when none)
};

}  // namespace reel::fake_nemo
