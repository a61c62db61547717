// reel job ID: one render job in detail.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/job_view.hpp"

#include <memory>

namespace reel::cli {
namespace {

int show_job(command_context& ctx, const std::string& id) {
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  auto r = http_client(*opts).get_json("/v1/renders/" + url_encoded(id));
  if (!r) return ctx.fail(r.error());
  if (ctx.json())
    ctx.print_json(*r);
  else
    ctx.out() << format_job(*r) << std::flush;
  return 0;
}

}  // namespace

command add_job_command(CLI::App& parent) {
  auto id = std::make_shared<std::string>();
  command c;
  c.app = parent.add_subcommand(
      "job", "Show one render job: state, progress, the output file (size, sha256), the error.");
  c.app->add_option("id", *id, "The job's id (render_...)")->required()->type_name("ID");
  c.run = [id](command_context& ctx) { return show_job(ctx, *id); };
  return c;
}

}  // namespace reel::cli
