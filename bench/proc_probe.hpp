#pragma once
// What the kernel says about another process: resident memory and CPU time, from /proc.
#include <sys/types.h>

namespace reel::bench {

struct proc_sample {
  long rss_kb = 0;     // VmRSS: resident now
  long hwm_kb = 0;     // VmHWM: the most it has been resident
  double cpu_s = 0.0;  // user + system, from the process's CPU-time clock (nanoseconds; where
                       // that clock cannot be read, utime + stime in clock ticks, often 10 ms)
};

// Reads /proc/<pid>/status, /proc/<pid>/stat and the process's CPU-time clock. Throws
// std::runtime_error when they cannot be read (the process is gone).
proc_sample sample_process(pid_t pid);

// CPU time (user + system) used so far by this process, in seconds.
double self_cpu_s();

}  // namespace reel::bench
