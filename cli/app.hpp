#pragma once
// reel's command line: global options, the subcommands, parse errors as exit 2.
#include "core/paths.hpp"

#include <ostream>

namespace reel::cli {

// Runs reel with `argv`, reading the environment through `env`; returns the exit code
// (0 done, 1 failed, 2 bad usage, 3 daemon not reachable). Never throws.
int run_app(int argc, const char* const* argv, const core::env_lookup& env, std::ostream& out,
            std::ostream& err);

// The process environment as an env_lookup (unset and empty are the same).
core::env_lookup process_env();

}  // namespace reel::cli
