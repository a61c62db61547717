#include "proc_probe.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace reel::bench {

proc_sample sample_process(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  proc_sample s;
  std::ifstream status(dir + "/status");
  if (!status) throw std::runtime_error("cannot read " + dir + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kb = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) s.hwm_kb = std::stol(line.substr(6));
  }
  std::ifstream stat(dir + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name may hold spaces and parentheses; the fields start after the last ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos) throw std::runtime_error("cannot read " + dir + "/stat");
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  // After the name: state is field 3; utime and stime are fields 14 and 15 (proc(5)).
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n == 14) utime = std::stoul(field);
    if (n == 15) stime = std::stoul(field);
  }
  s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  // The process's CPU-time clock has nanoseconds where /proc/<pid>/stat has ticks.
  clockid_t clock{};
  timespec ts{};
  if (::clock_getcpuclockid(pid, &clock) == 0 && ::clock_gettime(clock, &ts) == 0)
    s.cpu_s = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  return s;
}

double self_cpu_s() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

}  // namespace reel::bench
