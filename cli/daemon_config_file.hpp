#pragma once
// The two keys reel borrows from the daemon's configuration files: where it listens and where it
// keeps its state (and so its API key). reel reads nothing else from them.
#include "core/paths.hpp"

#include <optional>
#include <string>
#include <vector>

namespace reel::cli {

struct daemon_config_file {
  std::string path;
  std::optional<std::string> listen;     // [api] listen
  std::optional<std::string> state_dir;  // [store] state_dir
};

// The files reeld reads, highest precedence first (reeld layers /etc under the user's file):
// $XDG_CONFIG_HOME/reel/reeld.toml (or $HOME/.config/reel/reeld.toml), then /etc/reel/reeld.toml.
std::vector<std::string> daemon_config_paths(const core::env_lookup& env);

// Reads those of `paths` that exist, in order. A file that cannot be read or parsed is left out
// and described in `warnings` (reeld itself reports it properly when it starts).
std::vector<daemon_config_file> read_daemon_config_files(const std::vector<std::string>& paths,
                                                         std::vector<std::string>& warnings);

}  // namespace reel::cli
