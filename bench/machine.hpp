#pragma once
// The machine a benchmark runs on and the way its tables print numbers: shared by every bench.
#include <string>

namespace reel::bench {

// "2026-11-22 01:09 UTC".
std::string utc_now();
// /proc/cpuinfo's first "model name"; "unknown CPU" when there is none.
std::string cpu_model();
// The one-minute load average (/proc/loadavg); 0 when unreadable.
double load_average();
// `v` with `digits` digits after the point.
std::string fixed(double v, int digits = 2);

// Where and when a run starts: the header line of every bench's table.
struct machine_snapshot {
  std::string date;  // utc_now()
  std::string cpu;   // cpu_model()
  unsigned cores = 0;
  double load = 0;  // when the run started: others' work skews the numbers

  // "2026-11-22 01:09 UTC; <cpu>, 2 cores, load average 0.57 at start".
  std::string line() const;
};
machine_snapshot snapshot();

}  // namespace reel::bench
