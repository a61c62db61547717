#pragma once
// The one table of routes: method + path pattern -> handler, telling 404 from 405. Patterns use
// literal segments and "{name}" captures ("/v1/sessions/{id}/media"). Pure.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

struct route_match {
  enum class kind { found, not_found, method_not_allowed } outcome = kind::not_found;
  std::size_t index = 0;                      // into the table, when found
  std::string name;                           // the route's pattern, for metrics labels
  std::map<std::string, std::string> params;  // captures, percent-decoded
  std::string allow;                          // "GET, DELETE" when method_not_allowed
};

class route_table {
 public:
  // Adds a route; returns its index. Later lookups match routes in the order added.
  std::size_t add(std::string method, std::string pattern);

  // Finds the route for `method` and `path` (the target without its query string).
  route_match match(std::string_view method, std::string_view path) const;

 private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
  };
  std::vector<route> routes_;
};

// Splits a request target into path and query ("/a?b=1" -> "/a", "b=1").
std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept;

// Decodes %XX escapes; nullopt when an escape is malformed or decodes to NUL.
std::optional<std::string> percent_decode(std::string_view s);

// The value of `name` in a query string ("a=1&b=2"), percent-decoded.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

}  // namespace reel::core
