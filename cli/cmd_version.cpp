// reel version: the client's own version, without asking the daemon (reel status does that).
#include "cli/command.hpp"
#include "reel/version.hpp"

namespace reel::cli {

command add_version_command(CLI::App& parent) {
  command c;
  c.app = parent.add_subcommand("version", "Print reel's version (reel status shows reeld's)");
  c.run = [](command_context& ctx) {
    if (ctx.json())
      ctx.print_json({{"version", reel::version}});
    else
      ctx.out() << "reel " << reel::version << '\n';
    return 0;
  };
  return c;
}

}  // namespace reel::cli
