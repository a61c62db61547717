#pragma once
// Who may talk to the daemon: Host and Origin checks against DNS rebinding and foreign pages,
// and a constant-time key comparison. Pure.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

// True when `host` (a Host header value) names a loopback name or address, with `port` when a
// port is given: "localhost", "localhost:7878", "127.0.0.1:7878", "[::1]:7878".
bool host_allowed(std::string_view host, std::uint16_t port) noexcept;

// True when `origin` is exactly one of `allowed` (scheme://host[:port], no trailing slash).
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) noexcept;

// The token of an "Authorization: Bearer <token>" value; empty when it is not one.
std::string_view bearer_token(std::string_view authorization) noexcept;

// Compares in time that depends only on the lengths, not on where the bytes differ.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace reel::core
