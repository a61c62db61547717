// reel watch TOPIC: prints a topic's events as they happen (a debugging tool; tests use it).
#include "cli/command.hpp"
#include "cli/interrupt.hpp"
#include "cli/ws_client.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>

namespace reel::cli {
namespace {

using clock = std::chrono::steady_clock;

struct watch_options {
  std::string topic;
  std::optional<std::int64_t> since;
  std::int64_t count = 0;  // 0: no limit
  double timeout_s = 0;    // 0: no limit
};

std::string seconds_text(double s) {
  std::ostringstream out;
  out << s << " s";
  return out.str();
}

std::string event_line(const nlohmann::json& ev, bool with_topic) {
  constexpr auto replace = nlohmann::json::error_handler_t::replace;
  std::string line;
  if (with_topic) line = ev.value("topic", "-") + " ";
  const auto& seq = ev.contains("seq") ? ev["seq"] : nlohmann::json("-");
  line += (seq.is_string() ? seq.get<std::string>() : seq.dump()) + " ";
  line += ev.value("event", "-") + " ";
  line += ev.contains("data") ? ev["data"].dump(-1, ' ', false, replace) : "null";
  return line;
}

int watch(command_context& ctx, const watch_options& w) {
  catch_interrupts();
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());

  std::optional<clock::time_point> deadline;
  if (w.timeout_s > 0)
    deadline = clock::now() + std::chrono::duration_cast<clock::duration>(
                                  std::chrono::duration<double>(w.timeout_s));
  // Several topics share one seq counter only per topic: resuming is exact for one topic only.
  bool one_topic = w.topic != "*";
  auto since = w.since;
  std::int64_t seen = 0;

  for (bool first = true;; first = false) {
    auto ws = ws_client::connect(*opts);
    if (!ws) return interrupted() ? 0 : ctx.fail(ws.error());
    nlohmann::json fields = {{"topic", w.topic}};
    if (since) fields["since"] = *since;
    auto sub = ws->call("subscribe", fields);
    if (!sub) return interrupted() ? 0 : ctx.fail(sub.error());
    if (first)
      ctx.err() << "reel: watching " << w.topic << " at " << opts->address.authority()
                << "; Ctrl-C to stop\n"
                << std::flush;

    for (;;) {
      std::optional<std::chrono::milliseconds> left;
      if (deadline)
        left = std::max(
            std::chrono::milliseconds(0),
            std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - clock::now()));
      auto msg = ws->next(left);
      if (!msg) {
        const auto& e = msg.error();
        if (interrupted()) return 0;
        if (e.kind == failure::timeout && deadline) {
          if (w.count > 0 && seen < w.count)
            return ctx.fail(make_failure(failure::timeout, "timeout",
                                         "saw " + std::to_string(seen) + " of " +
                                             std::to_string(w.count) + " events on " + w.topic +
                                             " within " + seconds_text(w.timeout_s)));
          return 0;
        }
        if (e.close_code == 1008 && one_topic) {
          // A slow reader is dropped by the daemon; since= brings back what it missed.
          ctx.err() << "reel: " << e.error.message << "; resubscribing since "
                    << (since ? std::to_string(*since) : std::string("now")) << '\n'
                    << std::flush;
          break;
        }
        return ctx.fail(e);
      }
      if (msg->value("type", "") != "event") continue;
      if (ctx.json())
        ctx.print_json(*msg, true);
      else
        ctx.out() << event_line(*msg, !one_topic || msg->value("topic", w.topic) != w.topic) << '\n'
                  << std::flush;
      if (one_topic && msg->contains("seq") && (*msg)["seq"].is_number_integer())
        since = (*msg)["seq"].get<std::int64_t>();
      if (w.count > 0 && ++seen >= w.count) return 0;
    }
  }
}

// CLI11's own range checks print the whole range of a double; this says what is wanted.
CLI::Validator at_least(double min) {
  auto text = min == 0   ? std::string("0 or more")
              : min == 1 ? std::string("1 or more")
                         : "more than 0";
  return CLI::Validator(
      [min, text](std::string& value) -> std::string {
        try {
          std::size_t used = 0;
          double v = std::stod(value, &used);
          if (used == value.size() && v >= min) return {};
        } catch (const std::exception&) {
        }
        return "expected a number, " + text + "; got '" + value + "'";
      },
      "", "at_least");
}

}  // namespace

command add_watch_command(CLI::App& parent) {
  auto w = std::make_shared<watch_options>();
  command c;
  c.app = parent.add_subcommand(
      "watch",
      "Subscribe to TOPIC over the WebSocket and print each event as one line, 'SEQ EVENT DATA' "
      "(DATA as compact JSON; 'TOPIC SEQ EVENT DATA' when watching *), or with --json the event "
      "message as is, one per line. Runs until Ctrl-C (exit 0), --count or --timeout.");
  c.app->add_option("topic", w->topic, "session:<id>, renders, status or * (everything)")
      ->required()
      ->type_name("TOPIC");
  c.app
      ->add_option("--since", w->since,
                   "Replay the stored events after SEQ first (0: from the beginning)")
      ->type_name("SEQ")
      ->check(at_least(0));
  c.app->add_option("-n,--count", w->count, "Exit 0 after N events")
      ->type_name("N")
      ->check(at_least(1));
  c.app
      ->add_option("--timeout", w->timeout_s,
                   "Stop after SECONDS: exit 0, or 1 when --count events did not all arrive")
      ->type_name("SECONDS")
      ->check(at_least(0.001));
  c.run = [w](command_context& ctx) { return watch(ctx, *w); };
  return c;
}

}  // namespace reel::cli
