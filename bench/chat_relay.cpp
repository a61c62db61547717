// bench_chat_relay: how fast and how faithfully reeld relays one chat turn's stream to many
// WebSocket subscribers of the session. The simulator streams `--events` text pieces as fast as
// it can; a tap between reeld and the simulator stamps each piece as the simulator writes it;
// `--clients` subscribers stamp it as they receive it. See bench/README.md.
#include "chat_subscribers.hpp"
#include "delivery_recorder.hpp"
#include "fake_nemo/server.hpp"
#include "fake_nemo/turn_script.hpp"
#include "fanout_report.hpp"
#include "machine.hpp"
#include "proc_probe.hpp"
#include "sse_tap.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_http.hpp"
#include "support/temp_dir.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace {

using namespace reel;
using bench::cpu_model;
using bench::fixed;
using bench::load_average;
using bench::utc_now;
using nlohmann::json;

struct options {
  int clients = 100;
  int events = 10000;
  std::string reeld = test::reeld_binary();
  bool json = false;
  bool quick = false;
};

struct report {
  int clients = 0, events = 0;
  std::string date, cpu, reeld, end_event;
  unsigned cores = 0;
  double load = 0;
  std::int64_t expected = 0, delivered = 0, missing = 0, gaps = 0, closed_early = 0;
  std::int64_t frames = 0;  // event frames received, all clients
  int finished = 0;
  bool timed_out = false;
  double sim_write_s = 0;  // first to last piece written by the simulator
  double wall_s = 0;       // first piece written to the end of the turn at the last client
  bench::latency_summary latency;
  double daemon_cpu_s = 0;
  double peak_rss_mb = 0;
  std::vector<std::string> failures;

  bool correct() const {
    return missing == 0 && gaps == 0 && closed_early == 0 && !timed_out &&
           end_event == "chat.done" && finished == clients;
  }
};

std::string grouped(double v) {
  auto s = std::to_string(static_cast<std::int64_t>(std::llround(v)));
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

// Each piece is one line, so the daemon forwards it at once (it holds back unfinished sentences
// so that GUI phrases can be translated; a line end finishes one).
std::string piece(int i) {
  return "[#" + std::to_string(i) + "] Zeile " + std::to_string(i) + " der Antwort, 第" +
         std::to_string(i) + "行。\n";
}

report run(const options& o) {
  report rep;
  rep.clients = o.clients;
  rep.events = o.events;
  rep.date = utc_now();
  rep.cpu = cpu_model();
  rep.cores = std::thread::hardware_concurrency();
  rep.load = load_average();
  rep.reeld = o.reeld;
  rep.expected = static_cast<std::int64_t>(o.clients) * o.events;

  test::temp_dir tmp;
  fake_nemo::server nemo;
  const auto nemo_port = nemo.start();
  bench::sse_tap tap(nemo_port, static_cast<std::size_t>(o.events));
  test::daemon_process daemon(o.reeld, tmp.file("state"),
                              {"--log-level", "warn", "--set",
                               "upstream.base_url=http://127.0.0.1:" + std::to_string(tap.port()),
                               "--set", "upstream.skill_source=reel-bench"});
  const pid_t pid = daemon.pid();

  auto made =
      test::http(daemon.port(), "POST", "/v1/sessions", daemon.key(), R"({"backend":"nemovideo"})");
  if (made.status != 201) throw std::runtime_error("POST /v1/sessions: " + made.body);
  const auto session = made.json();
  fake_nemo::turn_script script;
  for (int i = 0; i < o.events; ++i) script.partial(piece(i));
  nemo.sim().queue_turn(session["upstream_session_id"].get<std::string>(), std::move(script));

  bench::chat_subscribers_options so;
  so.port = daemon.port();
  so.key = daemon.key();
  so.session = session["id"].get<std::string>();
  so.clients = o.clients;
  so.markers = static_cast<std::size_t>(o.events);
  so.deadline = std::chrono::seconds(o.quick ? 30 : 120);
  std::cerr << "chat relay: " << o.clients << " subscribers, " << o.events << " pieces...\n";
  double cpu_before = 0;
  bench::chat_subscribers subs(so);
  auto out = subs.run([&] {
    cpu_before = bench::sample_process(pid).cpu_s;
    auto sent = test::http(daemon.port(), "POST", "/v1/sessions/" + so.session + "/messages",
                           daemon.key(), R"({"text":"stream the benchmark"})");
    if (sent.status != 202)
      std::cerr << "POST messages: " << sent.status << " " << sent.body << "\n";
  });
  auto after = bench::sample_process(pid);
  rep.daemon_cpu_s = after.cpu_s - cpu_before;
  rep.peak_rss_mb = static_cast<double>(after.hwm_kb) * 1024.0 / 1e6;
  daemon.stop(SIGTERM);

  rep.delivered = out.pieces;
  rep.frames = out.events;
  rep.missing = out.missing;
  rep.gaps = out.gaps;
  rep.closed_early = out.closed_early;
  rep.finished = out.finished;
  rep.timed_out = out.timed_out;
  rep.end_event = out.end_event;
  rep.failures = out.failures;
  std::vector<std::int64_t> lat;
  lat.reserve(static_cast<std::size_t>(rep.expected));
  std::int64_t unstamped = 0;
  for (const auto& client : out.received_ns) {
    for (std::size_t i = 0; i < client.size(); ++i) {
      const auto w = tap.stamp(i);
      if (client[i] == 0) continue;
      if (w == 0) {
        ++unstamped;
        continue;
      }
      lat.push_back(client[i] - w);
    }
  }
  if (unstamped) rep.failures.push_back(std::to_string(unstamped) + " pieces had no write stamp");
  rep.latency = bench::summarize(lat);
  const auto first = tap.stamp(0), last = tap.stamp(static_cast<std::size_t>(o.events - 1));
  if (first && last) rep.sim_write_s = static_cast<double>(last - first) / 1e9;
  if (first && out.last_receive_ns)
    rep.wall_s = static_cast<double>(out.last_receive_ns - first) / 1e9;
  return rep;
}

std::string verdict(bool ok) {
  return ok ? "PASS" : "**FAIL**";
}

std::string markdown(const report& r) {
  std::ostringstream s;
  const double per_event_us =
      r.delivered ? r.daemon_cpu_s * 1e6 / static_cast<double>(r.delivered) : 0;
  const double per_piece_us = r.events ? r.daemon_cpu_s * 1e6 / r.events : 0;
  s << "### reeld chat relay: " << r.clients << " WebSocket subscribers, " << grouped(r.events)
    << " streamed pieces, simulator unpaced\n\n"
    << r.date << "; " << r.cpu << ", " << r.cores << " cores, load average " << fixed(r.load, 2)
    << " at start; " << r.reeld << "\n\n"
    << "| measure | value | target | result |\n|---|---|---|---|\n"
    << "| pieces delivered (clients x pieces) | " << grouped(static_cast<double>(r.delivered))
    << " of " << grouped(static_cast<double>(r.expected)) << " | all | "
    << verdict(r.delivered == r.expected) << " |\n"
    << "| lost (missing pieces, seq gaps) | " << r.missing << ", " << r.gaps << " | 0 | "
    << verdict(r.missing == 0 && r.gaps == 0) << " |\n"
    << "| subscribers closed by the daemon | " << r.closed_early << " | 0 | "
    << verdict(r.closed_early == 0) << " |\n"
    << "| turn ended with | " << (r.end_event.empty() ? "-" : r.end_event) << " at " << r.finished
    << " of " << r.clients << " clients | chat.done everywhere | "
    << verdict(r.end_event == "chat.done" && r.finished == r.clients) << " |\n"
    << "| event frames per client (pieces that arrive together share a chat.text) | "
    << grouped(r.clients ? static_cast<double>(r.frames) / r.clients : 0) << " |  |  |\n"
    << "| simulator: first to last piece written | " << fixed(r.sim_write_s * 1000, 1)
    << " ms |  |  |\n"
    << "| first piece written to the turn's end at the last client | " << fixed(r.wall_s * 1000, 1)
    << " ms |  |  |\n"
    << "| pieces/s through the daemon (one session) | "
    << grouped(r.wall_s > 0 ? r.events / r.wall_s : 0) << " |  |  |\n"
    << "| deliveries/s (all subscribers) | "
    << grouped(r.wall_s > 0 ? static_cast<double>(r.delivered) / r.wall_s : 0) << " |  |  |\n"
    << "| added latency p50, simulator write to client receive | " << fixed(r.latency.p50_ms, 2)
    << " ms |  |  |\n"
    << "| added latency p90 | " << fixed(r.latency.p90_ms, 2) << " ms |  |  |\n"
    << "| added latency p99 | " << fixed(r.latency.p99_ms, 2) << " ms | < 5 ms | "
    << verdict(r.latency.p99_ms < 5.0) << " |\n"
    << "| added latency max | " << fixed(r.latency.max_ms, 2) << " ms |  |  |\n"
    << "| daemon CPU per delivered event (utime+stime) | " << fixed(per_event_us, 2) << " us ("
    << fixed(r.daemon_cpu_s, 2) << " s in all) |  |  |\n"
    << "| daemon CPU per streamed piece (parse, translate, publish, store, 1 x fan-out) | "
    << fixed(per_piece_us, 1) << " us |  |  |\n"
    << "| daemon peak RSS (VmHWM) | " << fixed(r.peak_rss_mb, 1) << " MB |  |  |\n";
  for (const auto& f : r.failures) s << "\n- " << f;
  s << "\n";
  return s.str();
}

json to_json(const report& r) {
  return {{"clients", r.clients},           {"events", r.events},
          {"delivered", r.delivered},       {"expected", r.expected},
          {"missing", r.missing},           {"gaps", r.gaps},
          {"closed_early", r.closed_early}, {"end_event", r.end_event},
          {"sim_write_s", r.sim_write_s},   {"wall_s", r.wall_s},
          {"p50_ms", r.latency.p50_ms},     {"p90_ms", r.latency.p90_ms},
          {"p99_ms", r.latency.p99_ms},     {"max_ms", r.latency.max_ms},
          {"daemon_cpu_s", r.daemon_cpu_s}, {"peak_rss_mb", r.peak_rss_mb},
          {"failures", r.failures},         {"correct", r.correct()}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "bench_chat_relay: one chat turn streamed by the simulator as fast as it can, relayed by "
      "reeld to N WebSocket subscribers; added latency, throughput and daemon CPU."};
  options o;
  app.add_option("--clients", o.clients, "WebSocket subscribers of the session")
      ->check(CLI::Range(1, 500));
  app.add_option("--events", o.events, "text pieces the simulator streams")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--reeld", o.reeld, "the reeld binary to measure")->check(CLI::ExistingFile);
  app.add_flag("--json", o.json, "print JSON instead of the markdown table");
  app.add_flag("--quick", o.quick, "a short smoke run: 10 clients x 1000 pieces");
  CLI11_PARSE(app, argc, argv);
  if (o.quick) {
    o.clients = 10;
    o.events = 1000;
  }
  try {
    auto rep = run(o);
    if (o.json)
      std::cout << to_json(rep).dump(2) << "\n";
    else
      std::cout << markdown(rep);
    // Exit status is about correctness; the performance verdicts are in the table.
    return rep.correct() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_chat_relay: " << e.what() << "\n";
    return 1;
  }
}
