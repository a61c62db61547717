#include "fanout_report.hpp"

#include "machine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace reel::bench {
namespace {

// 1234567 -> "1,234,567": the table is read by people.
std::string grouped(double v) {
  auto n = static_cast<long long>(std::llround(v));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

const char* verdict(bool ok) {
  return ok ? "PASS" : "**FAIL**";
}

std::string row(const std::string& what, const std::string& value, const std::string& target = "",
                const std::string& result = "") {
  return "| " + what + " | " + value + " | " + target + " | " + result + " |\n";
}

}  // namespace

latency_summary summarize(std::vector<std::int64_t>& ns) {
  latency_summary s;
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
    return static_cast<double>(ns[std::min(ns.size() - 1, rank == 0 ? 0 : rank - 1)]) / 1e6;
  };
  s.p50_ms = at(0.50);
  s.p90_ms = at(0.90);
  s.p99_ms = at(0.99);
  s.max_ms = static_cast<double>(ns.back()) / 1e6;
  return s;
}

double fanout_report::ready_median_ms() const {
  if (ready_ms.empty()) return 0;
  auto v = ready_ms;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

bool fanout_report::correct() const {
  return failures.empty() && lost() == 0 && out_of_order == 0 && publish_errors == 0 &&
         closed_early == 0;
}

std::string fanout_report::markdown(const fanout_targets& t) const {
  const double per_s = deliveries_per_s();
  const double min_rate = 1e6 / t.wall_s_per_million;
  const bool per_s_target = rate == 0;
  // The 10 s target is for the full shape, and a paced run's wall time is set by its pace.
  const bool full_size = expected >= 1'000'000 && rate == 0;
  std::string md;
  md += "### reeld WebSocket fan-out: " + std::to_string(clients) + " subscribers x " +
        grouped(events) + " events, window " + std::to_string(window) +
        (rate > 0 ? ", paced at " + grouped(rate) + " events/s" : ", publisher unpaced") + "\n\n";
  md += machine.line() + "; reeld Release\n\n";
  md += "| measure | value | target | result |\n|---|---|---|---|\n";
  md +=
      row("deliveries",
          grouped(static_cast<double>(delivered)) + " of " + grouped(static_cast<double>(expected)),
          "all", verdict(lost() == 0));
  md += row("lost", grouped(static_cast<double>(lost())), "0", verdict(lost() == 0));
  md += row("out of order (seq not growing on a connection)",
            grouped(static_cast<double>(out_of_order)), "0", verdict(out_of_order == 0));
  md += row("subscribers closed by the daemon", grouped(static_cast<double>(closed_early)), "0",
            verdict(closed_early == 0));
  md += row("wall time, first publish to last delivery", fixed(wall_s, 2) + " s",
            full_size  ? "< " + fixed(t.wall_s_per_million, 0) + " s"
            : rate > 0 ? "(set by the pace)"
                       : "(full run only)",
            full_size ? verdict(wall_s < t.wall_s_per_million) : "");
  md += row("deliveries/s", grouped(per_s),
            per_s_target ? ">= " + grouped(min_rate) : "(set by the pace)",
            per_s_target ? verdict(per_s >= min_rate) : "");
  md += row("latency p50, publish to receive", fixed(latency.p50_ms, 2) + " ms");
  md += row("latency p90", fixed(latency.p90_ms, 2) + " ms");
  md += row("latency p99", fixed(latency.p99_ms, 2) + " ms", "< " + fixed(t.p99_ms, 0) + " ms",
            verdict(latency.p99_ms < t.p99_ms));
  md += row("latency max", fixed(latency.max_ms, 2) + " ms");
  md += row("publisher: events/s accepted",
            grouped(publish_s > 0 ? static_cast<double>(events) / publish_s : 0));
  md += row("daemon CPU per delivery (utime+stime)",
            fixed(delivered > 0 ? daemon_cpu_s * 1e6 / static_cast<double>(delivered) : 0, 2) +
                " us (" + fixed(daemon_cpu_s, 2) + " s in all)");
  md += row("daemon peak RSS (VmHWM)", fixed(peak_rss_mb, 1) + " MB");
  md += row("daemon idle RSS, nothing connected", fixed(idle_rss_mb, 1) + " MB",
            "< " + fixed(t.idle_rss_mb, 0) + " MB", verdict(idle_rss_mb < t.idle_rss_mb));
  md += row("daemon idle RSS, " + std::to_string(clients + 1) + " clients connected",
            fixed(clients_rss_mb, 1) + " MB");
  md += row("start to READY=1, median of " + std::to_string(ready_ms.size()),
            fixed(ready_median_ms(), 1) + " ms", "< " + fixed(t.ready_ms, 0) + " ms",
            verdict(ready_median_ms() < t.ready_ms));
  md += row("reference: bench client parse path on replayed frames",
            grouped(client_parse_per_s) + " deliveries/s (" +
                fixed(per_s > 0 ? client_parse_per_s / per_s : 0, 0) + "x the measured rate)",
            ">= " + fixed(t.client_headroom, 0) + "x",
            verdict(client_parse_per_s >= t.client_headroom * per_s));
  md += row("reference: bench client CPU during the run",
            fixed(client_cpu_s, 2) + " s (" +
                fixed(wall_s > 0 ? 100.0 * client_cpu_s / wall_s : 0, 0) + "% of one core)");
  if (!failures.empty()) {
    md += "\nFailures:\n";
    for (const auto& f : failures) md += "- " + f + "\n";
  }
  return md;
}

nlohmann::json fanout_report::json(const fanout_targets& t) const {
  const double per_s = deliveries_per_s();
  return {
      {"shape", {{"clients", clients}, {"events", events}, {"window", window}, {"per_s", rate}}},
      {"machine",
       {{"date", machine.date},
        {"cpu", machine.cpu},
        {"cores", machine.cores},
        {"load", machine.load},
        {"reeld", reeld}}},
      {"deliveries", delivered},
      {"expected", expected},
      {"lost", lost()},
      {"out_of_order", out_of_order},
      {"publish_errors", publish_errors},
      {"closed_early", closed_early},
      {"wall_s", wall_s},
      {"deliveries_per_s", per_s},
      {"latency_ms",
       {{"p50", latency.p50_ms},
        {"p90", latency.p90_ms},
        {"p99", latency.p99_ms},
        {"max", latency.max_ms}}},
      {"publish_events_per_s", publish_s > 0 ? static_cast<double>(events) / publish_s : 0},
      {"daemon",
       {{"cpu_s", daemon_cpu_s},
        {"cpu_us_per_delivery",
         delivered > 0 ? daemon_cpu_s * 1e6 / static_cast<double>(delivered) : 0},
        {"peak_rss_mb", peak_rss_mb},
        {"idle_rss_mb", idle_rss_mb},
        {"clients_rss_mb", clients_rss_mb},
        {"ready_ms", ready_ms},
        {"ready_median_ms", ready_median_ms()}}},
      {"reference", {{"client_parse_per_s", client_parse_per_s}, {"client_cpu_s", client_cpu_s}}},
      {"targets",
       {{"p99", latency.p99_ms < t.p99_ms},
        {"deliveries_per_s", per_s >= 1e6 / t.wall_s_per_million},
        {"idle_rss", idle_rss_mb < t.idle_rss_mb},
        {"ready", ready_median_ms() < t.ready_ms},
        {"client_headroom", client_parse_per_s >= t.client_headroom * per_s}}},
      {"correct", correct()},
      {"failures", failures},
  };
}

}  // namespace reel::bench
