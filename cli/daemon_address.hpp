#pragma once
// Where reel finds reeld, and where that address came from (for messages).
#include "cli/client_error.hpp"
#include "cli/daemon_config_file.hpp"
#include "core/paths.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::cli {

struct daemon_address {
  std::string host;  // what to connect to: "127.0.0.1", "::1", "localhost"
  std::uint16_t port = 0;
  std::string source;  // "--host", "$REEL_HOST", a config file's path, or "default"

  // "127.0.0.1:7878" or "[::1]:7878": the Host header, and what messages show.
  std::string authority() const;
  // "from --host", "from $REEL_HOST", "from api.listen in /etc/reel/reeld.toml", "the default".
  std::string source_description() const;
};

inline constexpr std::string_view default_daemon_address = "127.0.0.1:7878";

// The address: `flag` (--host, empty when absent) > $REEL_HOST > api.listen in the first of
// `files` that sets it > 127.0.0.1:7878. A wildcard listen address (0.0.0.0, ::) means the
// loopback one. Fails with failure::usage, naming the source, when the text is malformed.
client_result<daemon_address> resolve_daemon_address(std::string_view flag,
                                                     const core::env_lookup& env,
                                                     const std::vector<daemon_config_file>& files);

}  // namespace reel::cli
