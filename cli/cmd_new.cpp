// reel new: starts a session on a backend and makes it the current one.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"

#include <memory>

namespace reel::cli {
namespace {

struct new_options {
  std::string language;
  std::string backend;
  std::string title;
};

std::string text_or(const nlohmann::json& j, const char* key, const std::string& fallback) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

int make_session(command_context& ctx, const new_options& o) {
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  nlohmann::json body = nlohmann::json::object();
  if (!o.language.empty()) body["language"] = o.language;
  if (!o.backend.empty()) body["backend"] = o.backend;
  if (!o.title.empty()) body["title"] = o.title;
  http_client http(*opts);
  auto s = http.call_json("POST", "/v1/sessions", &body);
  if (!s) return ctx.fail(s.error());
  const auto id = text_or(*s, "id", "");
  const bool saved = !id.empty() && save_current_session(ctx.env(), id);
  if (!saved)
    ctx.err() << "reel: could not remember the session in " << current_session_path(ctx.env())
              << "; pass --session " << id << " to later commands\n";
  if (ctx.json()) {
    ctx.print_json(*s);
    return 0;
  }
  ctx.out() << "Session " << id << " on " << text_or(*s, "backend", "?");
  if (auto lang = text_or(*s, "language", ""); !lang.empty()) ctx.out() << " (" << lang << ")";
  ctx.out() << (saved ? "; it is now the current session" : "") << '\n' << std::flush;
  return 0;
}

}  // namespace

command add_new_command(CLI::App& parent) {
  auto o = std::make_shared<new_options>();
  command c;
  c.app = parent.add_subcommand(
      "new",
      "Start a session and make it the current one (remembered in "
      "$XDG_STATE_HOME/reel/cli-session; other commands take --session ID to use another).");
  c.app->add_option("--lang,--language", o->language, "Language of the session, e.g. en")
      ->type_name("L");
  c.app->add_option("--backend", o->backend, "local or nemovideo (the daemon's default if absent)")
      ->type_name("B");
  c.app->add_option("--title", o->title, "A title for the session")->type_name("TEXT");
  c.run = [o](command_context& ctx) { return make_session(ctx, *o); };
  return c;
}

}  // namespace reel::cli
