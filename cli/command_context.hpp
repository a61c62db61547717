#pragma once
// What every command shares: the global options, the environment, the output streams, and the
// one place that turns a failure into stderr text or a JSON envelope and an exit code.
#include "cli/api_key.hpp"
#include "cli/client_error.hpp"
#include "cli/client_options.hpp"
#include "core/paths.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace reel::cli {

// Options every command takes (--json, --host, --key-file, -v).
struct global_options {
  bool json = false;
  std::string host;
  std::string key_file;
  int verbose = 0;
};

class command_context {
 public:
  // The streams and `env` must outlive the context.
  command_context(const global_options& globals, core::env_lookup env, std::ostream& out,
                  std::ostream& err);

  const global_options& globals() const noexcept { return globals_; }
  bool json() const noexcept { return globals_.json; }
  std::ostream& out() noexcept { return out_; }
  std::ostream& err() noexcept { return err_; }
  const core::env_lookup& env() const noexcept { return env_; }

  // Where and how to reach the daemon: address, key, tracing and Ctrl-C wired in. Resolved once;
  // fails for a malformed address (usage) or an unreadable key file (local).
  client_result<client_options> client_options_for_daemon();

  // With -v, writes "reel: <line>" to stderr.
  void trace(std::string_view line);

  // Reports `e` (stderr text, or the JSON envelope on stdout with --json) and returns its exit
  // code.
  int fail(const client_error& e);

  // Writes `j` on stdout: indented, or one line when `one_line` (streams of events).
  void print_json(const nlohmann::json& j, bool one_line = false);

  // The {"error":{...}} object --json prints for `e`.
  nlohmann::json error_json(const client_error& e) const;

 private:
  std::string key_hint() const;

  const global_options& globals_;
  core::env_lookup env_;
  std::ostream& out_;
  std::ostream& err_;
  std::optional<client_options> resolved_;
  std::optional<api_key> key_;
};

}  // namespace reel::cli
