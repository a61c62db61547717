#include "machine.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

namespace reel::bench {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

double load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return one;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

machine_snapshot snapshot() {
  return {utc_now(), cpu_model(), std::thread::hardware_concurrency(), load_average()};
}

std::string machine_snapshot::line() const {
  return date + "; " + cpu + ", " + std::to_string(cores) + " cores, load average " +
         fixed(load, 2) + " at start";
}

}  // namespace reel::bench
