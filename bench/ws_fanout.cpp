// bench_ws_fanout: how fast and how faithfully reeld fans one publisher's events out to many
// WebSocket subscribers, plus its start time and memory. See bench/README.md.
#include "fanout_client.hpp"
#include "fanout_report.hpp"
#include "machine.hpp"
#include "proc_probe.hpp"
#include "support/daemon_process.hpp"
#include "support/notify_socket.hpp"
#include "support/temp_dir.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

namespace {

using namespace reel;
using bench::fixed;

struct options {
  int clients = 100;
  int events = 10000;
  int window = 256;
  int rate = 0;
  int starts = 5;
  std::string reeld = test::reeld_binary();
  bool json = false;
  bool quick = false;
};

double to_mb(long kb) {
  return static_cast<double>(kb) * 1024.0 / 1e6;
}

// Starts reeld `starts` times, each on a fresh state directory (a first start: the database is
// created and migrated), timing spawn -> READY=1. Returns the last daemon, still running.
std::unique_ptr<test::daemon_process> start_daemons(const options& o, const test::temp_dir& tmp,
                                                    std::vector<double>& ready_ms) {
  std::unique_ptr<test::daemon_process> d;
  for (int i = 0; i < o.starts; ++i) {
    // One daemon at a time, so a start does not share the CPU with the previous one's exit.
    if (d) d->stop(SIGTERM);
    test::notify_socket notify(tmp.file("notify-" + std::to_string(i)));
    const auto spawned = std::chrono::steady_clock::now();
    d = std::make_unique<test::daemon_process>(o.reeld, tmp.file("state-" + std::to_string(i)),
                                               std::vector<std::string>{},
                                               std::vector<std::string>{notify.env()});
    auto ready = notify.wait_for("READY=1");
    if (!ready) throw std::runtime_error("reeld did not send READY=1; see " + d->log_path());
    ready_ms.push_back(std::chrono::duration<double, std::milli>(ready->at - spawned).count());
  }
  return d;
}

bench::fanout_report run(const options& o) {
  test::temp_dir tmp;
  bench::fanout_report rep;
  rep.clients = o.clients;
  rep.events = o.events;
  rep.window = o.window;
  rep.rate = o.rate;
  rep.machine = bench::snapshot();
  rep.reeld = o.reeld;

  std::cerr << "starting reeld " << o.starts << " times...\n";
  auto daemon = start_daemons(o, tmp, rep.ready_ms);
  const pid_t pid = daemon->pid();
  // Let start-up work (first log lines, timers) finish before calling the daemon idle.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  rep.idle_rss_mb = to_mb(bench::sample_process(pid).rss_kb);

  bench::fanout_options fo;
  fo.port = daemon->port();
  fo.key = daemon->key();
  fo.clients = o.clients;
  fo.events = o.events;
  fo.window = o.window;
  fo.rate = o.rate;
  fo.deadline = std::chrono::seconds(o.quick ? 20 : 120);
  double cpu_before = 0;
  bench::fanout_hooks hooks;
  hooks.subscribed = [&] { rep.clients_rss_mb = to_mb(bench::sample_process(pid).rss_kb); };
  hooks.publishing = [&] { cpu_before = bench::sample_process(pid).cpu_s; };
  hooks.finished = [&] {
    auto s = bench::sample_process(pid);
    rep.daemon_cpu_s = s.cpu_s - cpu_before;
    rep.peak_rss_mb = to_mb(s.hwm_kb);
  };
  std::cerr << "fan-out: " << o.clients << " subscribers x " << o.events << " events...\n";
  bench::fanout_client client(fo, hooks);
  auto out = client.run();
  daemon->stop(SIGTERM);

  rep.expected = out.expected;
  rep.delivered = out.delivered;
  rep.out_of_order = out.out_of_order;
  rep.publish_errors = out.publish_errors;
  rep.closed_early = out.closed_early;
  rep.failures = out.failures;
  if (out.first_publish_ns > 0) {
    rep.wall_s = static_cast<double>(out.last_delivery_ns - out.first_publish_ns) / 1e9;
    rep.publish_s = static_cast<double>(out.last_result_ns - out.first_publish_ns) / 1e9;
  }
  rep.latency = bench::summarize(out.latencies_ns);
  rep.client_cpu_s = out.client_cpu_s;
  rep.client_parse_per_s = bench::fanout_client::replay_rate(out.sample_chunks, out.expected);
  return rep;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "bench_ws_fanout: reeld's WebSocket fan-out (one publisher, N subscribers), "
      "start time and memory, against the targets in bench/README.md."};
  options o;
  app.add_option("--clients", o.clients, "subscriber connections")->check(CLI::Range(1, 500));
  app.add_option("--events", o.events, "events to publish")->check(CLI::Range(1, 10'000'000));
  app.add_option("--window", o.window, "publish requests in flight")->check(CLI::Range(1, 65536));
  app.add_option("--rate", o.rate, "pace the publisher at N events/s (0: as fast as accepted)")
      ->check(CLI::Range(0, 10'000'000));
  app.add_option("--starts", o.starts, "daemon starts timed for start-to-ready")
      ->check(CLI::Range(1, 100));
  app.add_option("--reeld", o.reeld, "the reeld binary to measure")->check(CLI::ExistingFile);
  app.add_flag("--json", o.json, "print JSON instead of the markdown table");
  app.add_flag("--quick", o.quick, "a short smoke run: 10 clients x 1000 events, 3 starts");
  CLI11_PARSE(app, argc, argv);
  if (o.quick) {
    o.clients = 10;
    o.events = 1000;
    o.starts = 3;
  }
  const bench::fanout_targets targets;
  try {
    auto rep = run(o);
    if (o.json)
      std::cout << rep.json(targets).dump(2) << "\n";
    else
      std::cout << rep.markdown(targets);
    // Exit status is about correctness; the performance verdicts are in the table.
    return rep.correct() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_ws_fanout: " << e.what() << "\n";
    return 1;
  }
}
