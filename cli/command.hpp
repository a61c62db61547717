#pragma once
// A subcommand: it declares its options on a CLI11 subcommand and runs once parsing is done.
// A new command is one cmd_<name>.cpp with an add_<name>_command() listed in app.cpp.
#include "cli/command_context.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace reel::cli {

struct command {
  CLI::App* app = nullptr;                   // owned by the parent app
  std::function<int(command_context&)> run;  // returns the exit code
};

// Each adds its subcommand to `parent`; app.cpp adds the global options to it.
command add_status_command(CLI::App& parent);
command add_watch_command(CLI::App& parent);
command add_version_command(CLI::App& parent);
command add_new_command(CLI::App& parent);
command add_add_command(CLI::App& parent);
command add_credits_command(CLI::App& parent);
command add_show_command(CLI::App& parent);
command add_export_command(CLI::App& parent);
command add_jobs_command(CLI::App& parent);
command add_job_command(CLI::App& parent);
command add_say_command(CLI::App& parent);
command add_chat_command(CLI::App& parent);
command add_make_command(CLI::App& parent);

}  // namespace reel::cli
