#pragma once
// The numbers of one fan-out run, judged against the targets of the issue, written as a markdown
// table or as JSON. Pure.
#include "machine.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace reel::bench {

// The targets, for the default shape (100 subscribers x 10,000 events) on the 2-core dev machine.
struct fanout_targets {
  double p99_ms = 20.0;
  double wall_s_per_million = 10.0;  // all 1,000,000 deliveries within 10 s
  double idle_rss_mb = 20.0;
  double ready_ms = 300.0;
  double client_headroom = 5.0;  // the client must parse at least this many times the rate seen
};

struct latency_summary {
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// Percentiles (nearest rank) of `ns`, which it sorts in place.
latency_summary summarize(std::vector<std::int64_t>& ns);

struct fanout_report {
  // The run's shape and where it ran.
  int clients = 0, events = 0, window = 0, rate = 0;
  machine_snapshot machine;
  std::string reeld;
  // Delivery.
  std::int64_t expected = 0, delivered = 0, out_of_order = 0, publish_errors = 0, closed_early = 0;
  double wall_s = 0;     // first publish -> last delivery
  double publish_s = 0;  // first publish -> last publish result
  latency_summary latency;
  // The daemon.
  double daemon_cpu_s = 0;  // utime + stime between first publish and last delivery
  double peak_rss_mb = 0, idle_rss_mb = 0, clients_rss_mb = 0;
  std::vector<double> ready_ms;  // spawn -> READY=1, one per start
  // The client, for context.
  double client_parse_per_s = 0;  // replay of captured frames through the hot path
  double client_cpu_s = 0;
  std::vector<std::string> failures;

  std::int64_t lost() const { return expected - delivered; }
  double deliveries_per_s() const {
    return wall_s > 0 ? static_cast<double>(delivered) / wall_s : 0;
  }
  double ready_median_ms() const;
  // No loss, no reordering, no refused publish, no setup failure.
  bool correct() const;

  std::string markdown(const fanout_targets& t) const;
  nlohmann::json json(const fanout_targets& t) const;
};

}  // namespace reel::bench
