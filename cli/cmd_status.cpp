// reel status: the client's version and the daemon's state from GET /v1/status.
#include "cli/command.hpp"
#include "cli/http_client.hpp"
#include "cli/status_view.hpp"
#include "reel/version.hpp"

namespace reel::cli {

command add_status_command(CLI::App& parent) {
  command c;
  c.app = parent.add_subcommand(
      "status",
      "Show reel's and reeld's versions, where reeld listens and keeps its state, its uptime, "
      "each backend and its health, the upstream token's state (never the token) and counts of "
      "sessions, media, jobs and WebSocket clients. With --json: the daemon's /v1/status as is.");
  c.run = [](command_context& ctx) {
    auto opts = ctx.client_options_for_daemon();
    if (!opts) return ctx.fail(opts.error());
    http_client http(*opts);
    auto status = http.get_json("/v1/status");
    if (!status) return ctx.fail(status.error());
    if (ctx.json()) {
      ctx.print_json(*status);
      return 0;
    }
    ctx.out() << format_status({reel::version, opts->address.authority(),
                                opts->address.source_description(), *status})
              << std::flush;
    return 0;
  };
  return c;
}

}  // namespace reel::cli
