#pragma once
// Ctrl-C as a flag that long-running commands poll (watch, later say and export --wait), so
// they can stop cleanly instead of dying mid-write.
namespace reel::cli {

// Catches SIGINT and SIGTERM from now on; a second one ends the process at once.
void catch_interrupts();

// True once SIGINT or SIGTERM arrived after catch_interrupts().
bool interrupted() noexcept;

}  // namespace reel::cli
