#pragma once
// Absolute http(s) URLs as the upstream client needs them: scheme, host, port, target.
#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace reel::upstream {

struct url_parts {
  bool tls = true;
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 443;
  std::string target;  // path and query, at least "/"

  // "https://host:port" (port only when not the scheme's default): the key of a connection pool.
  std::string origin() const;
  // The Host header value.
  std::string host_header() const;
};

// Parses "http[s]://host[:port][/path][?query]" (no user info, no fragment kept). Fails with
// bad_request naming what is wrong.
core::result<url_parts> parse_url(std::string_view url);

// `s` with every byte outside RFC 3986 "unreserved" percent-encoded (for one path segment).
std::string escape_segment(std::string_view s);

// True when `host` is an IPv4 or IPv6 literal.
bool is_ip_literal(std::string_view host);

}  // namespace reel::upstream
