#pragma once
// The state directory on disk and the local API key inside it.
#include "core/error.hpp"

#include <string>

namespace reel::runtime {

// Creates `path` (and parents) when missing, mode 0700 (0750 when `group_shared`); fails with a
// message naming the path when it cannot be created or is not a directory.
core::result<void> ensure_state_dir(const std::string& path, bool group_shared);

// Reads the key at `path`, or makes a new random one (64 hex chars) at first start, written
// atomically with mode 0600 (0640 when `group_shared`: the system unit's group `reel`).
core::result<std::string> load_or_create_api_key(const std::string& path, bool group_shared);

}  // namespace reel::runtime
