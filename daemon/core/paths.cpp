#include "core/paths.hpp"

namespace reel::core {

state_dir_choice resolve_state_dir(std::string_view configured, const env_lookup& env) {
  if (!configured.empty()) return {std::string(configured), "config"};
  if (auto sd = env("STATE_DIRECTORY")) {
    auto colon = sd->find(':');
    return {sd->substr(0, colon), "$STATE_DIRECTORY"};
  }
  if (auto xdg = env("XDG_STATE_HOME")) return {*xdg + "/reel", "$XDG_STATE_HOME"};
  if (auto home = env("HOME")) return {*home + "/.local/state/reel", "$HOME"};
  return {"/var/lib/reel", "fallback"};
}

std::string api_key_path(std::string_view state_dir) {
  std::string p(state_dir);
  if (!p.empty() && p.back() != '/') p += '/';
  return p + "api.key";
}

}  // namespace reel::core
