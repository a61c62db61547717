#pragma once
// The routes of the REST API in one table (design.md rule 4): a handler maps a request to a
// response. The server asks the router for the body limit and whether a key is needed before it
// reads a body.
#include "api/api_context.hpp"
#include "api/http_types.hpp"
#include "core/route_table.hpp"

#include <cstddef>
#include <functional>
#include <vector>

namespace reel::api {

using handler = std::function<response(const request&)>;

class router {
 public:
  explicit router(api_context& ctx);

  // Finds the route for a method and path (404 / 405 outcomes included).
  core::route_match match(std::string_view method, std::string_view path) const;
  // The largest body the route accepts.
  std::size_t body_limit(const core::route_match& m) const;
  // Whether the route can be called without the key (GET /v1/health only).
  bool is_public(const core::route_match& m) const;
  // Runs the matched route's handler; exceptions become a 500 envelope without internals.
  response handle(const core::route_match& m, request& req) const;

 private:
  struct entry {
    handler fn;
    bool is_public = false;
    bool media_body = false;
  };
  void add(std::string method, std::string pattern, handler fn, bool is_public = false,
           bool media_body = false);

  api_context& ctx_;
  core::route_table table_;
  std::vector<entry> entries_;
};

// The handlers of the foundation release, exposed for tests.
nlohmann::json status_json(api_context& ctx);
// POST /v1/events: {"topic":"app:<name>","event","data"} -> 201 {"topic","seq"}.
response publish_event(api_context& ctx, const request& req);
// The body as a JSON object, or bad_request saying where it broke.
core::result<nlohmann::json> json_body(const request& req);

}  // namespace reel::api
