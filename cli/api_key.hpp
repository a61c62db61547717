#pragma once
// Which API key reel sends, and where it came from (never the key itself in any message).
#include "cli/client_error.hpp"
#include "core/paths.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::cli {

struct api_key {
  std::optional<std::string> value;    // nullopt when no key was found anywhere
  std::string source;                  // "$REEL_API_KEY" or the file's path; empty when none
  std::vector<std::string> looked_at;  // the files tried, in order (for "no key" hints)
};

// The system unit's key: readable by the group reel.
inline constexpr std::string_view system_api_key_path = "/var/lib/reel/api.key";

// The key files reel tries when neither --key-file nor $REEL_API_KEY is given:
// <state_dir>/api.key, where state_dir is $REEL_STATE_DIR, else `configured_state_dir` (the
// daemon's store.state_dir), else reeld's default; then /var/lib/reel/api.key.
std::vector<std::string> api_key_candidates(const core::env_lookup& env,
                                            const std::optional<std::string>& configured_state_dir);

// The key: the file `key_file_flag` (--key-file; must be readable) > $REEL_API_KEY > the first
// candidate that exists. A file that exists but cannot be read fails (failure::local,
// key_unreadable) with a message that says how to get access; finding none is not a failure.
client_result<api_key> load_api_key(std::string_view key_file_flag, const core::env_lookup& env,
                                    const std::vector<std::string>& candidates);

// Reads one key file, trimming whitespace; fails as load_api_key does.
client_result<std::string> read_key_file(const std::string& path);

}  // namespace reel::cli
