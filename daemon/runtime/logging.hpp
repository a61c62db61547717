#pragma once
// Logs go to stderr through spdlog (journald adds its own time stamps and levels when stderr is
// the journal) and pass a redaction layer that keeps secrets out of every line.
#include "core/redact.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace reel::runtime {

// Installs the default logger at `level` ("info", ...). The returned redactor is shared with
// the sink: add secrets to it as they become known (API key, upstream token).
std::shared_ptr<core::redactor> init_logging(std::string_view level);

// Adds a secret to the redactor in use (thread-safe).
void add_log_secret(std::string secret);

}  // namespace reel::runtime
