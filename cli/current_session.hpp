#pragma once
// The session `reel` commands act on when no --session is given: the last one `reel new` made,
// kept in $XDG_STATE_HOME/reel/cli-session (else ~/.local/state/reel/cli-session).
#include "core/paths.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace reel::cli {

// The file that holds the current session id; empty when neither variable is set.
std::string current_session_path(const core::env_lookup& env);
// The current session id; nullopt when none was saved (or the file cannot be read).
std::optional<std::string> load_current_session(const core::env_lookup& env);
// Saves `id` as the current session (creating the directory, 0700); false when it cannot.
bool save_current_session(const core::env_lookup& env, const std::string& id);
// `flag` when given, else the saved one; nullopt when neither.
std::optional<std::string> session_for_command(const core::env_lookup& env,
                                               const std::string& flag);

// `s` percent-encoded for a path segment or a query value (unreserved characters kept).
std::string url_encoded(std::string_view s);

}  // namespace reel::cli
