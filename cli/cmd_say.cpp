// reel say TEXT: sends one message to the current session and streams the answer (the SSE
// answer of POST /v1/sessions/{id}/messages), ending with the timeline summary.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
#include "cli/turn_view.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <sstream>

namespace reel::cli {
namespace {

struct say_options {
  std::string text;
  std::string session;
};

// Collects SSE lines into events: `data:` lines joined, dispatched at a blank line.
struct sse_events {
  std::string data;
  std::function<void(const nlohmann::json&)> on_event;
  std::function<void(std::string_view)> on_comment;

  bool line(std::string_view l) {
    if (l.empty()) {
      if (!data.empty()) {
        auto j = nlohmann::json::parse(data, nullptr, false);
        data.clear();
        if (!j.is_discarded()) on_event(j);
      }
      return true;
    }
    if (l.front() == ':') {
      on_comment(l.substr(1));
    } else if (l.starts_with("data:")) {
      auto v = l.substr(5);
      if (v.starts_with(' ')) v.remove_prefix(1);
      if (!data.empty()) data += '\n';
      data += v;
    }
    return true;
  }
};

int say(command_context& ctx, const say_options& o) {
  catch_interrupts();
  auto id = session_for_command(ctx.env(), o.session);
  if (!id)
    return ctx.fail(make_failure(failure::usage, "bad_usage",
                                 "no current session: start one with 'reel new' or pass "
                                 "--session ID"));
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  // A turn may be quiet for minutes (the daemon says "still working" every 2 by default); the
  // daemon ends every turn within its limit, and Ctrl-C ends the wait at any time.
  client_options stream_opts = *opts;
  stream_opts.io_timeout = std::max(stream_opts.io_timeout, std::chrono::milliseconds(3'600'000));
  http_client http(stream_opts);

  // With --json the events themselves are the output; the view then only follows the turn.
  std::ostringstream quiet_out, quiet_err;
  std::ostream& view_out = ctx.json() ? static_cast<std::ostream&>(quiet_out) : ctx.out();
  std::ostream& view_err = ctx.json() ? static_cast<std::ostream&>(quiet_err) : ctx.err();
  turn_view view(view_out, view_err);
  sse_events parser;
  parser.on_event = [&](const nlohmann::json& ev) {
    if (ctx.json() && ev.value("type", "") == "event") ctx.print_json(ev, true);
    view.feed(ev);
  };
  parser.on_comment = [&](std::string_view c) { ctx.err() << "reel:" << c << '\n' << std::flush; };

  http_request req;
  req.method = "POST";
  req.target = "/v1/sessions/" + url_encoded(*id) + "/messages";
  req.content_type = "application/json";
  req.body = nlohmann::json{{"text", o.text}}.dump();
  auto streamed = http.stream_lines(req, [&](std::string_view line) { return parser.line(line); });
  const turn_view& seen = view;
  if (!streamed) {
    if (interrupted()) {
      ctx.err() << "\nreel: left; the turn keeps running in the daemon (reel watch session:" << *id
                << " follows it)\n"
                << std::flush;
      return 0;
    }
    return ctx.fail(streamed.error());
  }
  if (!seen.ended())
    return ctx.fail(make_failure(failure::protocol, "bad_response",
                                 "the answer ended before the turn did; it may still be running: "
                                 "reel watch session:" +
                                     *id));
  if (!ctx.json()) {
    // The timeline at the end of a chat turn, from the daemon when the turn did not carry it.
    std::optional<std::string> summary;
    if (seen.route() == "chat" && !seen.summary()) {
      auto st = http.get_json("/v1/sessions/" + url_encoded(*id) + "/state");
      if (st && st->contains("summary") && (*st)["summary"].is_string())
        summary = (*st)["summary"].get<std::string>();
    }
    if (seen.route() == "chat") view.finish(summary);
  }
  if (seen.error()) {
    return ctx.fail(error_from_ws_result(
        nlohmann::json{{"type", "result"}, {"ok", false}, {"error", *seen.error()}}));
  }
  return 0;
}

}  // namespace

command add_say_command(CLI::App& parent) {
  auto o = std::make_shared<say_options>();
  command c;
  c.app = parent.add_subcommand(
      "say",
      "Send TEXT to the current session and stream the answer: the agent's text on stdout as it "
      "comes, tool calls and 'still working' lines on stderr, then what changed and the "
      "timeline. Messages such as 'export', 'credits' or 'status' are answered by the daemon "
      "itself. With --json: each event as one JSON line. Exit 1 when the turn failed (out of "
      "credits, a broken stream, ...). Ctrl-C leaves the turn running in the daemon.");
  c.app->add_option("text", o->text, "What to say, e.g. \"add a title 'Summer Sale'\"")
      ->required()
      ->type_name("TEXT");
  c.app->add_option("--session", o->session, "Talk to this session instead of the current one")
      ->type_name("ID");
  c.run = [o](command_context& ctx) { return say(ctx, *o); };
  return c;
}

}  // namespace reel::cli
