#pragma once
// Where things live, decided from configuration and environment values passed in (pure).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace reel::core {

// Looks up an environment variable; nullopt when unset or empty.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

struct state_dir_choice {
  std::string path;    // absolute when the inputs were
  std::string source;  // "config", "$STATE_DIRECTORY", "$XDG_STATE_HOME", "$HOME", "fallback"
};

// The state directory: `configured` when not empty, else $STATE_DIRECTORY (systemd; the first
// of a colon-separated list), else $XDG_STATE_HOME/reel, else $HOME/.local/state/reel, else
// /var/lib/reel (a service without HOME).
state_dir_choice resolve_state_dir(std::string_view configured, const env_lookup& env);

// The API key file inside a state directory.
std::string api_key_path(std::string_view state_dir);

}  // namespace reel::core
