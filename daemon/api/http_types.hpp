#pragma once
// Plain request and response values that handlers see: no Beast here, so handlers are tested
// without sockets (design.md rule 4).
#include "core/error.hpp"
#include "core/route_table.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace reel::api {

struct request {
  std::string method;
  std::string target;
  std::string path;   // target without the query
  std::string query;  // after '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;       // JSON routes
  std::string body_file;  // file routes: the spooled body (removed after the handler)
  std::map<std::string, std::string> params;  // route captures

  // The first header named `name` (case-insensitive); empty when absent.
  std::string_view header(std::string_view name) const;
};

// A streamed body (text/event-stream): the server writes each chunk as it comes, until nullopt.
class chunk_source {
 public:
  virtual ~chunk_source() = default;
  virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string file;                      // when set: serve this file (Range honoured), not body
  std::shared_ptr<chunk_source> stream;  // when set: a chunked stream, not body

  static response json(int status, const nlohmann::json& body);
  static response error(const core::error& e);
  static response text(int status, std::string body, std::string content_type);
  static response file_at(std::string path, std::string content_type);
};

}  // namespace reel::api
