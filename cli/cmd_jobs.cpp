// reel jobs: the render jobs, newest first.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/job_view.hpp"

#include <memory>

namespace reel::cli {
namespace {

struct jobs_options {
  std::string state;
  int limit = 20;
};

int list_jobs(command_context& ctx, const jobs_options& o) {
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  std::string target = "/v1/renders?limit=" + std::to_string(o.limit);
  if (!o.state.empty()) target += "&state=" + url_encoded(o.state);
  auto r = http_client(*opts).get_json(target);
  if (!r) return ctx.fail(r.error());
  if (ctx.json()) {
    ctx.print_json(*r);
    return 0;
  }
  ctx.out() << format_jobs(r->value("renders", nlohmann::json::array())) << std::flush;
  return 0;
}

}  // namespace

command add_jobs_command(CLI::App& parent) {
  auto o = std::make_shared<jobs_options>();
  command c;
  c.app = parent.add_subcommand("jobs", "List render jobs, newest first.");
  c.app
      ->add_option("--state", o->state,
                   "Only jobs in this state (queued, submitting, rendering, downloading, "
                   "completed, failed, cancelled)")
      ->type_name("STATE");
  c.app->add_option("-n,--limit", o->limit, "At most N jobs (default 20)")
      ->type_name("N")
      ->check(CLI::Range(1, 1000));
  c.run = [o](command_context& ctx) { return list_jobs(ctx, *o); };
  return c;
}

}  // namespace reel::cli
