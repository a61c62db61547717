// reel credits: the balance of the backend in use (the current session's, or --backend).
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"

#include <memory>

namespace reel::cli {
namespace {

struct credits_options {
  std::string backend;
  std::string session;
};

std::string number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].dump() : "-";
}

int show_credits(command_context& ctx, const credits_options& o) {
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  http_client http(*opts);
  std::string backend = o.backend;
  // "The backend in use": the current session's, when there is one the daemon still knows.
  if (backend.empty()) {
    if (auto id = session_for_command(ctx.env(), o.session)) {
      auto s = http.get_json("/v1/sessions/" + url_encoded(*id));
      if (s && s->contains("backend") && (*s)["backend"].is_string())
        backend = (*s)["backend"].get<std::string>();
    }
  }
  std::string target = "/v1/credits";
  if (!backend.empty()) target += "?backend=" + url_encoded(backend);
  auto c = http.get_json(target);
  if (!c) return ctx.fail(c.error());
  if (ctx.json()) {
    ctx.print_json(*c);
    return 0;
  }
  if (c->value("metered", true) == false) {
    ctx.out() << "Credits" << (backend.empty() ? "" : " (" + backend + ")")
              << ": none needed; rendering on this machine is free\n"
              << std::flush;
    return 0;
  }
  ctx.out() << "Credits" << (backend.empty() ? "" : " (" + backend + ")") << ": "
            << number(*c, "available") << " available, " << number(*c, "frozen") << " frozen, "
            << number(*c, "total") << " total\n"
            << std::flush;
  return 0;
}

}  // namespace

command add_credits_command(CLI::App& parent) {
  auto o = std::make_shared<credits_options>();
  command c;
  c.app = parent.add_subcommand(
      "credits",
      "Show the credits (available, frozen, total) of the backend in use: --backend, else the "
      "current session's, else the daemon's default.");
  c.app->add_option("--backend", o->backend, "local or nemovideo")->type_name("B");
  c.app->add_option("--session", o->session, "Use this session's backend")->type_name("ID");
  c.run = [o](command_context& ctx) { return show_credits(ctx, *o); };
  return c;
}

}  // namespace reel::cli
