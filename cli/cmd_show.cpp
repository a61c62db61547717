// reel show: the current session's timeline in one line, and its media.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"

#include <cstdio>
#include <memory>

namespace reel::cli {
namespace {

struct show_options {
  std::string session;
};

std::string size_text(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  const double b = v.get<double>();
  char buf[32];
  if (b >= 1024.0 * 1024.0)
    std::snprintf(buf, sizeof buf, "%.1f MB", b / (1024.0 * 1024.0));
  else if (b >= 1024.0)
    std::snprintf(buf, sizeof buf, "%.1f KB", b / 1024.0);
  else
    std::snprintf(buf, sizeof buf, "%.0f B", b);
  return buf;
}

std::string str(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// "1. city.mp4 (video, 12.3 MB, 10 s)".
std::string media_line(std::size_t n, const nlohmann::json& m) {
  std::string line = std::to_string(n) + ". " + str(m, "name") + " (" + str(m, "kind");
  line += ", " + size_text(m.value("size", nlohmann::json()));
  const auto meta = m.value("meta", nlohmann::json::object());
  if (meta.is_object() && meta.contains("duration_s") && meta["duration_s"].is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ", %.1f s", meta["duration_s"].get<double>());
    line += buf;
  }
  return line + ")";
}

int show(command_context& ctx, const show_options& o) {
  auto id = session_for_command(ctx.env(), o.session);
  if (!id)
    return ctx.fail(make_failure(failure::usage, "bad_usage",
                                 "no current session: start one with 'reel new' or pass "
                                 "--session ID"));
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  http_client http(*opts);
  auto st = http.get_json("/v1/sessions/" + url_encoded(*id) + "/state");
  if (!st) return ctx.fail(st.error());
  if (ctx.json()) {
    ctx.print_json(*st);
    return 0;
  }
  ctx.out() << "Session " << *id << '\n' << str(*st, "summary") << '\n';
  const auto media = st->value("media", nlohmann::json::array());
  if (media.is_array() && !media.empty()) {
    ctx.out() << "Media (" << media.size() << "):\n";
    std::size_t n = 0;
    for (const auto& m : media) ctx.out() << "  " << media_line(++n, m) << '\n';
  } else {
    ctx.out() << "No media yet: add some with 'reel add FILES...'\n";
  }
  ctx.out() << std::flush;
  return 0;
}

}  // namespace

command add_show_command(CLI::App& parent) {
  auto o = std::make_shared<show_options>();
  command c;
  c.app = parent.add_subcommand(
      "show",
      "Show the current session's timeline in one line (as the backend has it now) and its "
      "media. With --json: the daemon's state as is, the draft included.");
  c.app->add_option("--session", o->session, "Show this session instead of the current one")
      ->type_name("ID");
  c.run = [o](command_context& ctx) { return show(ctx, *o); };
  return c;
}

}  // namespace reel::cli
