#pragma once
// Builds the effective configuration, lowest to highest precedence: built-in defaults <
// /etc/reel/reeld.toml < $XDG_CONFIG_HOME/reel/reeld.toml < --config FILE < REEL_* environment <
// flags. Errors name the source, the line and the key.
#include "core/config.hpp"
#include "core/paths.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace reel::config {

struct load_options {
  std::string system_file = "/etc/reel/reeld.toml";  // skipped when missing
  std::optional<std::string>
      user_file;  // default: $XDG_CONFIG_HOME or ~/.config + /reel/reeld.toml
  std::optional<std::string> explicit_file;                // --config: must exist
  std::vector<std::pair<std::string, std::string>> flags;  // key name -> text, in order given
};

struct loaded_config {
  core::config cfg;
  std::vector<std::string> files;  // the files that were read, in order
  core::state_dir_choice state_dir;
};

// The outcome: a config, or a message such as "/etc/reel/reeld.toml:3: api.listen: expected ...".
struct load_outcome {
  std::optional<loaded_config> value;
  std::string error;
};

// Reads the files and `env`; never exits. The caller prints `error` and exits 2.
load_outcome load_config(const load_options& opts, const core::env_lookup& env);

// Applies one TOML document's text (`origin` names it in errors) over `cfg`.
std::string apply_toml(core::config& cfg, std::string_view text, const std::string& origin);

// The effective configuration as a TOML document with every key (reeld --print-config).
std::string to_toml(const core::config& cfg);

// The process environment as an env_lookup.
core::env_lookup process_env();

}  // namespace reel::config
