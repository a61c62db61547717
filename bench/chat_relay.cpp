// bench_chat_relay: how fast and how faithfully reeld relays one chat turn's stream to many
// WebSocket subscribers of the session. The simulator streams `--events` text pieces as fast as
// it can and stamps each piece as it writes it; `--clients` subscribers stamp it as they receive
// it. The same turn then goes through the reference relay (the least a relay can do) against the
// same simulator and subscribers, so every run compares the two. See bench/README.md.
#include "chat_subscribers.hpp"
#include "delivery_recorder.hpp"
#include "fake_nemo/server.hpp"
#include "fake_nemo/turn_script.hpp"
#include "fanout_report.hpp"
#include "machine.hpp"
#include "proc_probe.hpp"
#include "reference_relay.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_http.hpp"
#include "support/temp_dir.hpp"
#include "write_stamps.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace {

using namespace reel;
using bench::fixed;
using nlohmann::json;

struct options {
  int clients = 100;
  int events = 10000;
  std::string reeld = test::reeld_binary();
  bool json = false;
  bool quick = false;
  bool reference = true;
  int reference_hold_us = 0;
  int runs = 5;
  int pace_ms = 0;  // a pause between pieces; 0: as fast as the simulator can write
};

// One relay's numbers: reeld's, or the reference relay's (bench/reference_relay.hpp).
struct measurement {
  std::int64_t delivered = 0, missing = 0, gaps = 0, closed_early = 0;
  std::int64_t frames = 0;  // event frames received, all clients
  std::int64_t bytes = 0;   // bytes received, all clients
  int finished = 0;
  std::string end_event;
  bool timed_out = false;
  double sim_write_s = 0;  // first to last piece written by the simulator
  double wall_s = 0;       // first piece written to the end of the turn at the last client
  bench::latency_summary latency;
  double cpu_s = 0;  // the relay's CPU time over the turn
  double peak_rss_mb = 0;
  std::vector<std::string> failures;
};

struct report {
  int clients = 0, events = 0, pace_ms = 0;
  bench::machine_snapshot machine;
  std::string reeld;
  std::int64_t expected = 0;
  measurement daemon, reference;
  bool with_reference = true;

  bool correct(const measurement& m) const {
    return m.delivered == expected && m.missing == 0 && m.gaps == 0 && m.closed_early == 0 &&
           !m.timed_out && m.end_event == "chat.done" && m.finished == clients;
  }
  bool correct() const { return correct(daemon) && (!with_reference || correct(reference)); }
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

fake_nemo::turn_script script_of(const options& o) {
  fake_nemo::turn_script script;
  for (int i = 0; i < o.events; ++i) {
    if (i > 0 && o.pace_ms > 0) script.pause(std::chrono::milliseconds(o.pace_ms));
    script.partial(piece(i));
  }
  return script;
}

// Subscribes `so.clients` clients, calls `start` (the turn begins), waits for the turn's end
// everywhere and works out the numbers from the simulator's write stamps.
measurement measure(const options& o, fake_nemo::server& nemo, bench::chat_subscribers_options so,
                    const std::function<void()>& start, const std::function<double()>& cpu) {
  measurement m;
  bench::write_stamps written(static_cast<std::size_t>(o.events));
  nemo.sim().set_stream_observer(
      [&written](std::string_view bytes) { written.feed(bytes, bench::monotonic_ns()); });
  double cpu_before = 0;
  bench::chat_subscribers subs(so);
  auto out = subs.run([&] {
    cpu_before = cpu();
    start();
  });
  m.cpu_s = cpu() - cpu_before;
  nemo.sim().set_stream_observer({});

  m.delivered = out.pieces;
  m.frames = out.events;
  m.bytes = out.bytes;
  m.missing = out.missing;
  m.gaps = out.gaps;
  m.closed_early = out.closed_early;
  m.finished = out.finished;
  m.timed_out = out.timed_out;
  m.end_event = out.end_event;
  m.failures = out.failures;
  std::vector<std::int64_t> lat;
  lat.reserve(static_cast<std::size_t>(o.clients) * static_cast<std::size_t>(o.events));
  std::int64_t unstamped = 0;
  for (const auto& client : out.received_ns) {
    for (std::size_t i = 0; i < client.size(); ++i) {
      const auto w = written.stamp(i);
      if (client[i] == 0) continue;
      if (w == 0) {
        ++unstamped;
        continue;
      }
      lat.push_back(client[i] - w);
    }
  }
  if (unstamped) m.failures.push_back(std::to_string(unstamped) + " pieces had no write stamp");
  m.latency = bench::summarize(lat);
  const auto first = written.stamp(0), last = written.stamp(static_cast<std::size_t>(o.events - 1));
  if (first && last) m.sim_write_s = static_cast<double>(last - first) / 1e9;
  if (first && out.last_receive_ns)
    m.wall_s = static_cast<double>(out.last_receive_ns - first) / 1e9;
  return m;
}

measurement measure_reeld(const options& o, fake_nemo::server& nemo, std::uint16_t nemo_port) {
  test::temp_dir tmp;
  test::daemon_process daemon(o.reeld, tmp.file("state"),
                              {"--log-level", "warn", "--set",
                               "upstream.base_url=http://127.0.0.1:" + std::to_string(nemo_port),
                               "--set", "upstream.skill_source=reel-bench"});
  const pid_t pid = daemon.pid();
  auto made =
      test::http(daemon.port(), "POST", "/v1/sessions", daemon.key(), R"({"backend":"nemovideo"})");
  if (made.status != 201) throw std::runtime_error("POST /v1/sessions: " + made.body);
  const auto session = made.json();
  nemo.sim().queue_turn(session["upstream_session_id"].get<std::string>(), script_of(o));

  bench::chat_subscribers_options so;
  so.port = daemon.port();
  so.key = daemon.key();
  so.session = session["id"].get<std::string>();
  so.clients = o.clients;
  so.markers = static_cast<std::size_t>(o.events);
  so.deadline = std::chrono::seconds(o.quick ? 30 : 120);
  std::cerr << "chat relay: reeld, " << o.clients << " subscribers, " << o.events << " pieces...\n";
  auto m = measure(
      o, nemo, so,
      [&] {
        auto sent = test::http(daemon.port(), "POST", "/v1/sessions/" + so.session + "/messages",
                               daemon.key(), R"({"text":"stream the benchmark"})");
        if (sent.status != 202)
          std::cerr << "POST messages: " << sent.status << " " << sent.body << "\n";
      },
      [pid] { return bench::sample_process(pid).cpu_s; });
  m.peak_rss_mb = static_cast<double>(bench::sample_process(pid).hwm_kb) * 1024.0 / 1e6;
  daemon.stop(SIGTERM);
  return m;
}

measurement measure_reference(const options& o, fake_nemo::server& nemo, std::uint16_t nemo_port) {
  // A session of the simulator's own, made without a socket.
  const std::string token = "bench-reference-token";
  nemo.sim().add_token(token, 1'000'000'000);
  fake_nemo::sim_request req;
  req.head = {"POST",
              "/api/tasks/me/with-session/nemo_agent",
              {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}}};
  req.body.text = R"({"task_name":"project","language":"en"})";
  const auto made = nemo.sim().handle(req);
  const auto sid = json::parse(made.body, nullptr, false);
  if (made.status != 200 || !sid.contains("data"))
    throw std::runtime_error("simulator session for the reference: " + made.body);
  const auto session = sid["data"]["session_id"].get<std::string>();
  nemo.sim().queue_turn(session, script_of(o));

  bench::reference_relay relay({nemo_port, token, session},
                               std::chrono::microseconds(o.reference_hold_us));
  bench::chat_subscribers_options so;
  so.port = relay.port();
  so.key = "unused";
  so.session = "reference";
  so.clients = o.clients;
  so.markers = static_cast<std::size_t>(o.events);
  so.deadline = std::chrono::seconds(o.quick ? 30 : 120);
  std::cerr << "chat relay: reference, " << o.clients << " subscribers...\n";
  auto m = measure(
      o, nemo, so, [&] { relay.start_turn(); }, [&] { return relay.cpu_s(); });
  if (auto e = relay.error(); !e.empty()) m.failures.push_back("reference relay: " + e);
  return m;
}

report run(const options& o) {
  report rep;
  rep.clients = o.clients;
  rep.events = o.events;
  rep.pace_ms = o.pace_ms;
  rep.machine = bench::snapshot();
  rep.reeld = o.reeld;
  rep.expected = static_cast<std::int64_t>(o.clients) * o.events;
  rep.with_reference = o.reference;

  fake_nemo::server nemo;
  const auto nemo_port = nemo.start();
  rep.daemon = measure_reeld(o, nemo, nemo_port);
  if (o.reference) rep.reference = measure_reference(o, nemo, nemo_port);
  return rep;
}

std::string verdict(bool ok) {
  return ok ? "PASS" : "**FAIL**";
}

std::string markdown(const report& r) {
  std::ostringstream s;
  const auto& d = r.daemon;
  const auto& f = r.reference;
  const bool ref = r.with_reference;
  // One row: the measure, reeld's value, the reference's value, the target and reeld's verdict.
  auto row = [&](const std::string& what, const std::string& daemon, const std::string& reference,
                 const std::string& target = {}, const std::string& result = {}) {
    s << "| " << what << " | " << daemon << " | " << (ref ? reference : "-") << " | " << target
      << " | " << result << " |\n";
  };
  auto ms = [](double v, int digits = 2) { return fixed(v, digits) + " ms"; };
  auto per_client = [&](const measurement& m) {
    return grouped(r.clients ? static_cast<double>(m.frames) / r.clients : 0);
  };
  auto rate = [](double n, double secs) { return grouped(secs > 0 ? n / secs : 0); };
  auto us_per = [](double cpu_s, double n) {
    return fixed(n > 0 ? cpu_s * 1e6 / n : 0, 2) + " us";
  };
  s << "### reeld chat relay: " << r.clients << " WebSocket subscribers, " << grouped(r.events)
    << " streamed pieces, simulator "
    << (r.pace_ms > 0 ? "paced: " + std::to_string(r.pace_ms) + " ms between pieces" : "unpaced")
    << "\n\n"
    << r.machine.line() << "; " << r.reeld << "\n\n"
    << "The reference is the least a relay can do (bench/reference_relay.hpp), measured right "
       "after reeld in the same run against the same simulator and subscribers.\n\n"
    << "| measure | reeld | reference | target | result |\n|---|---|---|---|---|\n";
  row("pieces delivered (clients x pieces)",
      grouped(static_cast<double>(d.delivered)) + " of " + grouped(static_cast<double>(r.expected)),
      grouped(static_cast<double>(f.delivered)), "all", verdict(d.delivered == r.expected));
  row("lost (missing pieces, seq gaps)", std::to_string(d.missing) + ", " + std::to_string(d.gaps),
      std::to_string(f.missing) + ", " + std::to_string(f.gaps), "0",
      verdict(d.missing == 0 && d.gaps == 0));
  row("subscribers closed by the relay", std::to_string(d.closed_early),
      std::to_string(f.closed_early), "0", verdict(d.closed_early == 0));
  row("turn ended with",
      (d.end_event.empty() ? "-" : d.end_event) + " at " + std::to_string(d.finished) + " of " +
          std::to_string(r.clients),
      (f.end_event.empty() ? "-" : f.end_event) + " at " + std::to_string(f.finished),
      "chat.done everywhere", verdict(d.end_event == "chat.done" && d.finished == r.clients));
  row("event frames per client (pieces that arrive together share a chat.text)", per_client(d),
      per_client(f));
  row("bytes received per client",
      grouped(r.clients ? static_cast<double>(d.bytes) / r.clients : 0),
      grouped(r.clients ? static_cast<double>(f.bytes) / r.clients : 0));
  row("simulator: first to last piece written", ms(d.sim_write_s * 1000, 1),
      ms(f.sim_write_s * 1000, 1));
  row("first piece written to the turn's end at the last client", ms(d.wall_s * 1000, 1),
      ms(f.wall_s * 1000, 1));
  row("pieces/s through the relay (one session)", rate(r.events, d.wall_s),
      rate(r.events, f.wall_s));
  row("deliveries/s (all subscribers)", rate(static_cast<double>(d.delivered), d.wall_s),
      rate(static_cast<double>(f.delivered), f.wall_s));
  row("added latency p50, simulator write to client receive", ms(d.latency.p50_ms),
      ms(f.latency.p50_ms));
  row("added latency p90", ms(d.latency.p90_ms), ms(f.latency.p90_ms));
  row("added latency p99", ms(d.latency.p99_ms), ms(f.latency.p99_ms), "< 5 ms",
      verdict(d.latency.p99_ms < 5.0));
  row("added latency max", ms(d.latency.max_ms), ms(f.latency.max_ms));
  row("p99 relative to the reference",
      ref && f.latency.p99_ms > 0 ? fixed(d.latency.p99_ms / f.latency.p99_ms, 2) + "x" : "-",
      "1x");
  row("relay CPU over the turn (user + system)", fixed(d.cpu_s * 1000, 1) + " ms",
      fixed(f.cpu_s * 1000, 1) + " ms");
  row("relay CPU per delivered event", us_per(d.cpu_s, static_cast<double>(d.delivered)),
      us_per(f.cpu_s, static_cast<double>(f.delivered)));
  row("relay CPU per streamed piece (all the work of the turn / pieces)", us_per(d.cpu_s, r.events),
      us_per(f.cpu_s, r.events));
  row("daemon peak RSS (VmHWM)", fixed(d.peak_rss_mb, 1) + " MB", "");
  for (const auto& x : d.failures) s << "\n- reeld: " << x;
  for (const auto& x : f.failures) s << "\n- reference: " << x;
  s << "\n";
  return s.str();
}

// The run whose reeld p99 is the median (the lower middle one of an even count).
const report& median_run(const std::vector<report>& runs) {
  std::vector<const report*> by_p99;
  for (const auto& r : runs) by_p99.push_back(&r);
  std::sort(by_p99.begin(), by_p99.end(), [](const report* a, const report* b) {
    return a->daemon.latency.p99_ms < b->daemon.latency.p99_ms;
  });
  return *by_p99[(by_p99.size() - 1) / 2];
}

// Every run in a row, reeld beside the reference, and the median ratios.
std::string runs_table(const std::vector<report>& runs) {
  std::ostringstream s;
  s << "All " << runs.size() << " runs (same build and machine, in a row):\n\n"
    << "| run | load | sim write span | reeld p50 / p99 | reference p50 / p99 | p99 ratio | "
       "reeld CPU | reference CPU | CPU ratio | frames per client (reeld / ref.) |\n"
    << "|---|---|---|---|---|---|---|---|---|---|\n";
  std::vector<double> p99_ratio, cpu_ratio;
  int n = 0;
  for (const auto& r : runs) {
    const auto& d = r.daemon;
    const auto& f = r.reference;
    const double pr = f.latency.p99_ms > 0 ? d.latency.p99_ms / f.latency.p99_ms : 0;
    const double cr = f.cpu_s > 0 ? d.cpu_s / f.cpu_s : 0;
    if (r.with_reference) {
      p99_ratio.push_back(pr);
      cpu_ratio.push_back(cr);
    }
    s << "| " << ++n << " | " << fixed(r.machine.load, 2) << " | " << fixed(d.sim_write_s * 1000, 1)
      << " ms | " << fixed(d.latency.p50_ms, 2) << " / " << fixed(d.latency.p99_ms, 2) << " ms | "
      << fixed(f.latency.p50_ms, 2) << " / " << fixed(f.latency.p99_ms, 2) << " ms | "
      << fixed(pr, 2) << "x | " << fixed(d.cpu_s * 1000, 1) << " ms | " << fixed(f.cpu_s * 1000, 1)
      << " ms | " << fixed(cr, 2) << "x | " << grouped(static_cast<double>(d.frames) / r.clients)
      << " / " << grouped(static_cast<double>(f.frames) / r.clients) << " |\n";
  }
  auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  s << "\nMedian p99 ratio reeld / reference: " << fixed(median(p99_ratio), 2)
    << "x; median CPU ratio: " << fixed(median(cpu_ratio), 2) << "x.\n";
  return s.str();
}

json to_json(const measurement& m) {
  return {{"delivered", m.delivered},
          {"missing", m.missing},
          {"gaps", m.gaps},
          {"closed_early", m.closed_early},
          {"end_event", m.end_event},
          {"finished", m.finished},
          {"frames", m.frames},
          {"bytes", m.bytes},
          {"sim_write_s", m.sim_write_s},
          {"wall_s", m.wall_s},
          {"p50_ms", m.latency.p50_ms},
          {"p90_ms", m.latency.p90_ms},
          {"p99_ms", m.latency.p99_ms},
          {"max_ms", m.latency.max_ms},
          {"cpu_s", m.cpu_s},
          {"peak_rss_mb", m.peak_rss_mb},
          {"failures", m.failures}};
}

json to_json(const report& r) {
  json j{{"pace_ms", r.pace_ms},   {"clients", r.clients},   {"events", r.events},
         {"expected", r.expected}, {"load", r.machine.load}, {"reeld", to_json(r.daemon)},
         {"correct", r.correct()}};
  if (r.with_reference) j["reference"] = to_json(r.reference);
  return j;
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
  app.add_flag("--quick", o.quick, "a short smoke run: 10 clients x 1000 pieces, one run");
  app.add_option("--runs", o.runs,
                 "runs in a row; the table is the median run's (by reeld's p99), then all runs")
      ->check(CLI::Range(1, 50));
  app.add_option(
         "--pace-ms", o.pace_ms,
         "a pause between pieces (0: as fast as the simulator can write, the issue's shape)")
      ->check(CLI::Range(0, 1000));
  bool no_reference = false;
  app.add_flag("--no-reference", no_reference, "measure reeld only, not the reference relay too");
  app.add_option("--reference-hold-us", o.reference_hold_us,
                 "the reference holds text this long for the reads after it (reeld: 1000)")
      ->check(CLI::Range(0, 100000));
  CLI11_PARSE(app, argc, argv);
  o.reference = !no_reference;
  if (o.quick) {
    o.clients = 10;
    o.events = 1000;
    o.runs = 1;
  }
  try {
    std::vector<report> runs;
    for (int i = 0; i < o.runs; ++i) runs.push_back(run(o));
    const auto& rep = median_run(runs);
    bool correct = true;
    for (const auto& r : runs) correct = correct && r.correct();
    if (o.json) {
      json all = json::array();
      for (const auto& r : runs) all.push_back(to_json(r));
      std::cout
          << (runs.size() == 1 ? all[0] : json{{"median", to_json(rep)}, {"runs", all}}).dump(2)
          << "\n";
    } else {
      std::cout << markdown(rep);
      if (runs.size() > 1) std::cout << "\n" << runs_table(runs);
    }
    // Exit status is about correctness (every run); the performance verdicts are in the table.
    return correct ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_chat_relay: " << e.what() << "\n";
    return 1;
  }
}
