#pragma once
// Identifiers for sessions, media and turns: a prefix and 12 random base-36 characters
// ("s_k3x9q0a7b2mz"); about 62 bits, unique enough for one machine's lifetime.
#include <string>
#include <string_view>

namespace reel::runtime {

// A new id; thread-safe.
std::string new_id(std::string_view prefix);

}  // namespace reel::runtime
