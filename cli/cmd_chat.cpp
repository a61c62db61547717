// reel chat: an interactive session over the WebSocket. Each line is a message whose answer
// streams in; /export, /credits, /show, /help, /quit. Ctrl-C leaves: a running turn goes on in
// the daemon.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/interrupt.hpp"
#include "cli/turn_view.hpp"
#include "cli/ws_client.hpp"

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>

namespace reel::cli {
namespace {

using namespace std::chrono_literals;

struct chat_options {
  std::string session;
};

constexpr const char* help_text =
    "Type a message and press Enter; the answer streams in.\n"
    "  /show     the timeline and media        /credits  the credit balance\n"
    "  /export   render the video              /quit     leave (also Ctrl-D)\n"
    "Ctrl-C leaves at once; a turn that is running goes on in the daemon.\n";

// Lines from standard input without blocking the WebSocket: read(2) after poll(2), so the
// daemon's pings are answered (and its close seen) while the user types.
class stdin_lines {
 public:
  enum class outcome { line, eof, waiting };
  outcome next(std::string& line, std::chrono::milliseconds wait) {
    if (take(line)) return outcome::line;
    if (eof_) {
      if (buf_.empty()) return outcome::eof;
      line = std::move(buf_);
      buf_.clear();
      return outcome::line;
    }
    pollfd p{STDIN_FILENO, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return outcome::waiting;
    char chunk[4096];
    const auto n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n <= 0) {
      eof_ = true;
    } else {
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
    return take(line) ? outcome::line : outcome::waiting;
  }

 private:
  bool take(std::string& line) {
    auto nl = buf_.find('\n');
    if (nl == std::string::npos) return false;
    line = buf_.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    buf_.erase(0, nl + 1);
    return true;
  }
  std::string buf_;
  bool eof_ = false;
};

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Prints a failure the way reel does, without ending the chat.
void report(command_context& ctx, const client_error& e) {
  ctx.err() << "reel: " << e.error.message << '\n';
  if (e.error.hint) ctx.err() << "hint: " << *e.error.hint << '\n';
  ctx.err() << std::flush;
}

int chat(command_context& ctx, const chat_options& o) {
  catch_interrupts();
  auto id = session_for_command(ctx.env(), o.session);
  if (!id)
    return ctx.fail(make_failure(failure::usage, "bad_usage",
                                 "no current session: start one with 'reel new' or pass "
                                 "--session ID"));
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  auto ws = ws_client::connect(*opts);
  if (!ws) return ctx.fail(ws.error());
  auto sub = ws->call("subscribe", {{"topic", "session:" + *id}});
  if (!sub) return ctx.fail(sub.error());

  const bool tty = ::isatty(STDIN_FILENO) == 1;
  ctx.err() << "reel: chatting in session " << *id
            << "; /help for commands, /quit or Ctrl-D to leave\n"
            << std::flush;
  stdin_lines input;
  for (;;) {
    if (tty) ctx.out() << "> " << std::flush;
    std::string line;
    for (;;) {
      if (interrupted()) return 0;
      auto got = input.next(line, 100ms);
      if (got == stdin_lines::outcome::eof) return 0;
      if (got == stdin_lines::outcome::line) break;
      // Keep the connection alive (pings) and notice when the daemon goes.
      auto m = ws->next(1ms);
      if (!m && m.error().kind != failure::timeout) return ctx.fail(m.error());
    }
    line = trimmed(line);
    if (line.empty()) continue;
    if (line == "/quit" || line == "/exit") return 0;
    if (line == "/help") {
      ctx.out() << help_text << std::flush;
      continue;
    }
    if (line == "/credits") {
      auto c = ws->call("credits", {{"session", *id}});
      if (!c) {
        report(ctx, c.error());
        continue;
      }
      ctx.out() << "Credits: " << c->value("available", 0) << " available, "
                << c->value("frozen", 0) << " frozen, " << c->value("total", 0) << " total\n"
                << std::flush;
      continue;
    }
    if (line == "/show") {
      auto st = ws->call("state", {{"session", *id}});
      if (!st) {
        report(ctx, st.error());
        continue;
      }
      ctx.out() << st->value("summary", std::string("(no timeline)")) << '\n' << std::flush;
      continue;
    }
    std::string text = line;
    if (line == "/export") {
      text = "export";
    } else if (line.front() == '/') {
      ctx.err() << "reel: unknown command " << line << "; /help lists them\n" << std::flush;
      continue;
    }

    auto sent = ws->call("send", {{"session", *id}, {"text", text}});
    if (!sent) {
      report(ctx, sent.error());
      continue;
    }
    turn_view view(ctx.out(), ctx.err(), sent->value("turn", std::string()));
    while (!view.ended()) {
      auto m = ws->next(std::nullopt);
      if (!m) {
        if (interrupted()) {
          ctx.err() << "\nreel: left; the turn keeps running in the daemon\n" << std::flush;
          return 0;
        }
        return ctx.fail(m.error());
      }
      view.feed(*m);
    }
    if (view.error()) {
      report(ctx, error_from_ws_result(
                      nlohmann::json{{"type", "result"}, {"ok", false}, {"error", *view.error()}}));
    } else if (view.route() == "chat") {
      view.finish(std::nullopt);
    }
  }
}

}  // namespace

command add_chat_command(CLI::App& parent) {
  auto o = std::make_shared<chat_options>();
  command c;
  c.app = parent.add_subcommand(
      "chat",
      "Talk with the current session interactively: each line is a message, its answer streams "
      "in with 'still working' lines while the agent works. /show, /credits, /export, /help, "
      "/quit. Ctrl-C leaves at once; a turn that is running goes on in the daemon.");
  c.app->add_option("--session", o->session, "Talk to this session instead of the current one")
      ->type_name("ID");
  c.run = [o](command_context& ctx) { return chat(ctx, *o); };
  return c;
}

}  // namespace reel::cli
