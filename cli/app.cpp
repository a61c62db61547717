#include "cli/app.hpp"

#include "cli/command.hpp"
#include "reel/version.hpp"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace reel::cli {
namespace {

constexpr const char* main_footer = R"(Where reel finds the daemon (first that applies):
  --host HOST:PORT, $REEL_HOST, api.listen in $XDG_CONFIG_HOME/reel/reeld.toml
  (or ~/.config/reel/reeld.toml) then /etc/reel/reeld.toml, else 127.0.0.1:7878.
Which API key it sends (first that applies):
  --key-file FILE, $REEL_API_KEY, <state_dir>/api.key (state_dir: $REEL_STATE_DIR,
  store.state_dir in those files, else reeld's default), /var/lib/reel/api.key
  (the system unit's; readable by the group reel).
--json prints machine-readable JSON on stdout, errors as {"error":{"code","message",...}}.
Exit codes: 0 done, 1 failed, 2 bad usage, 3 daemon not reachable.
)";

void add_global_options(CLI::App& app, global_options& g) {
  app.add_flag("--json", g.json, "Print JSON on stdout (errors too, as {\"error\":{...}})");
  app.add_option("--host", g.host, "Daemon address HOST:PORT (overrides $REEL_HOST and config)")
      ->type_name("HOST:PORT");
  app.add_option("--key-file", g.key_file, "Read the API key from FILE (overrides $REEL_API_KEY)")
      ->type_name("FILE");
  app.add_flag("-v,--verbose", g.verbose,
               "Say on stderr what reel does: address, key source, requests (never the key)");
}

bool json_requested(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return false;
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

int usage_error(const CLI::App& app, const CLI::ParseError& e, bool json, std::ostream& out,
                std::ostream& err) {
  // --help and --version arrive as "errors" with exit code 0.
  if (e.get_exit_code() == 0) {
    app.exit(e, out, err);
    return 0;
  }
  if (json) {
    nlohmann::json j = {{"error",
                         {{"code", "bad_usage"},
                          {"message", e.what()},
                          {"upstream_code", nullptr},
                          {"hint", "run reel --help"},
                          {"retry_after_s", nullptr}}}};
    out << j.dump(2) << '\n' << std::flush;
  } else {
    app.exit(e, out, err);
  }
  return 2;
}

}  // namespace

core::env_lookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

int run_app(int argc, const char* const* argv, const core::env_lookup& env, std::ostream& out,
            std::ostream& err) {
  try {
    global_options globals;
    CLI::App app{"reel: the command-line client of reeld, the local AI video daemon.", "reel"};
    app.set_version_flag("--version", std::string("reel ") + reel::version,
                         "Print reel's version and exit");
    app.require_subcommand(1);
    app.footer(main_footer);
    app.failure_message([](const CLI::App*, const CLI::Error& e) {
      return "reel: " + std::string(e.what()) + "\nRun 'reel --help' for more information.\n";
    });
    add_global_options(app, globals);

    std::vector<command> commands;
    commands.push_back(add_status_command(app));
    commands.push_back(add_watch_command(app));
    commands.push_back(add_version_command(app));
    commands.push_back(add_new_command(app));
    commands.push_back(add_add_command(app));
    commands.push_back(add_credits_command(app));
    commands.push_back(add_show_command(app));
    commands.push_back(add_export_command(app));
    commands.push_back(add_jobs_command(app));
    commands.push_back(add_job_command(app));
    commands.push_back(add_say_command(app));
    commands.push_back(add_chat_command(app));
    commands.push_back(add_make_command(app));
    // Subcommands inherit the footer (where the address and key come from, exit codes).
    for (auto& c : commands) add_global_options(*c.app, globals);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return usage_error(app, e, json_requested(argc, argv), out, err);
    }

    command_context ctx(globals, env, out, err);
    for (auto& c : commands)
      if (c.app->parsed()) return c.run(ctx);
    err << app.help();
    return 2;
  } catch (const std::exception& e) {
    // Unexpected by definition: expected failures are values and never get here.
    err << "reel: internal error: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace reel::cli
