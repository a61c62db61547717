#pragma once
// The routes of the REST API in one table (design.md rule 4): a handler maps a request to a
// response. The server asks the router for the body limit and whether a key is needed before it
// reads a body.
#include "api/api_context.hpp"
#include "api/http_types.hpp"
#include "core/route_table.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <vector>

namespace reel::api {

// A handler is a plain function (no capturing lambda coroutines: design.md rule 7).
using handler = boost::asio::awaitable<response> (*)(api_context& ctx, request req);

// How the server reads a route's body.
enum class body_kind {
  json,  // into memory, up to api.max_json_body
  file,  // spooled to a temporary file in the state directory, up to api.max_media_body
};

class router {
 public:
  explicit router(api_context& ctx);

  // Finds the route for a method and path (404 / 405 outcomes included).
  core::route_match match(std::string_view method, std::string_view path) const;
  // How the route's body is read, and its size limit.
  body_kind body_of(const core::route_match& m) const;
  std::size_t body_limit(const core::route_match& m) const;
  // Whether the route can be called without the key (GET /v1/health only).
  bool is_public(const core::route_match& m) const;
  // Runs the matched route's handler; an exception becomes a 500 envelope without internals.
  boost::asio::awaitable<response> handle(core::route_match m, request req) const;
  // The answer for a match that is not found (404) or not allowed (405, with Allow).
  static response unmatched(const core::route_match& m, const request& req);

 private:
  struct entry {
    handler fn;
    bool is_public = false;
    body_kind body = body_kind::json;
  };
  void add(std::string method, std::string pattern, handler fn, bool is_public = false,
           body_kind body = body_kind::json);

  api_context& ctx_;
  core::route_table table_;
  std::vector<entry> entries_;
};

// The body as a JSON object, or bad_request saying where it broke. An empty body is {}.
core::result<nlohmann::json> json_body(const request& req);

}  // namespace reel::api
