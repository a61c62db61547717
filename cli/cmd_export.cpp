// reel export [-o FILE] [--wait]: starts a render of the current session; with --wait (or -o)
// follows it with a progress bar that survives a restart of the daemon, then saves the file.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
#include "cli/job_follow.hpp"
#include "cli/job_view.hpp"

#include <unistd.h>
#include <filesystem>
#include <memory>

namespace reel::cli {
namespace {

struct export_options {
  std::string session;
  std::string output;
  std::string quality;
  std::string resolution;
  bool wait = false;
};

int run_export(command_context& ctx, const export_options& o) {
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  auto session = session_for_command(ctx.env(), o.session);
  if (!session)
    return ctx.fail(make_failure(failure::usage, "bad_usage",
                                 "no session: give --session ID, or make one with reel new"));
  nlohmann::json body = nlohmann::json::object();
  if (!o.quality.empty()) body["quality"] = o.quality;
  if (!o.resolution.empty()) body["resolution"] = o.resolution;
  http_client http(*opts);
  auto job = http.call_json("POST", "/v1/sessions/" + url_encoded(*session) + "/renders", &body);
  if (!job) return ctx.fail(job.error());
  const std::string id = job->value("id", "");
  if (!o.wait && o.output.empty()) {
    if (ctx.json())
      ctx.print_json(*job);
    else
      ctx.out() << id << "\n" << std::flush;
    return 0;
  }

  catch_interrupts();
  job_bar bar(ctx.err(), ::isatty(STDERR_FILENO) == 1);
  if (!ctx.json()) ctx.err() << "reel: rendering " << id << "\n" << std::flush;
  follow_options f;
  f.on_update = [&](const nlohmann::json& j) {
    if (!ctx.json()) bar.update(j);
  };
  f.on_notice = [&](const std::string& line) { bar.notice(line); };
  auto done = follow_job(*opts, id, f);
  bar.end_line();
  if (!done) return ctx.fail(done.error());
  const auto state = done->value("state", "");
  if (state != "completed") {
    auto e = make_failure(failure::daemon, state == "cancelled" ? "cancelled" : "render_failed",
                          "render " + id + " " + state);
    if (done->contains("error") && (*done)["error"].is_object()) {
      e.error.message += ": " + (*done)["error"].value("message", "");
      e.code_name = (*done)["error"].value("code", e.code_name);
    }
    return ctx.fail(e);
  }
  nlohmann::json result = *done;
  if (!o.output.empty()) {
    const auto path = std::filesystem::absolute(o.output).string();
    auto saved = save_output(*opts, id, path);
    if (!saved) return ctx.fail(saved.error());
    result["saved_to"] = path;
  }
  if (ctx.json()) {
    ctx.print_json(result);
  } else {
    const auto& out = (*done)["output"];
    ctx.out() << (o.output.empty() ? out.value("path", std::string("-"))
                                   : result["saved_to"].get<std::string>())
              << "\n"
              << std::flush;
  }
  return 0;
}

}  // namespace

command add_export_command(CLI::App& parent) {
  auto o = std::make_shared<export_options>();
  command c;
  c.app = parent.add_subcommand(
      "export",
      "Render the current session's timeline to an MP4. Prints the job id at once; with --wait "
      "follows it with a progress bar (reconnecting if the daemon restarts) and prints where the "
      "file is; with -o FILE also copies the finished file to FILE.");
  c.app->add_option("-o,--output", o->output, "Save the finished MP4 here (implies --wait)")
      ->type_name("FILE");
  c.app->add_flag("--wait", o->wait, "Wait until the render is finished");
  c.app->add_option("--session", o->session, "Export this session, not the current one")
      ->type_name("ID");
  c.app->add_option("--quality", o->quality, "Output quality (default high)")->type_name("Q");
  c.app->add_option("--resolution", o->resolution, "WIDTHxHEIGHT, e.g. 1080x1920")
      ->type_name("WxH");
  c.run = [o](command_context& ctx) { return run_export(ctx, *o); };
  return c;
}

}  // namespace reel::cli
