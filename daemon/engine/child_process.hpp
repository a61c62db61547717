#pragma once
// One child process (ffmpeg, ffprobe) started with posix_spawn: stdin is /dev/null, stdout and
// stderr are pipes for the parent. RAII: a child still running when its owner dies is killed
// (SIGKILL) and reaped, so no render outlives a cancelled or failed job and no zombie is left.
#include "core/error.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace reel::engine {

// What the kernel counted for the child (wait4): CPU time and peak resident memory.
struct process_usage {
  double user_s = 0;
  double sys_s = 0;
  long max_rss_kb = 0;
};

struct process_exit {
  int code = -1;   // exit status when it exited, else -1
  int signal = 0;  // the signal that ended it, else 0
  process_usage usage;
  bool ok() const noexcept { return code == 0 && signal == 0; }
};

class child_process {
 public:
  // Starts argv[0] (looked up in PATH) with `argv`. internal error naming the program when it
  // cannot be started (not installed, not executable) or the pipes cannot be made.
  static core::result<child_process> spawn(const std::vector<std::string>& argv);

  child_process() = default;
  child_process(child_process&& o) noexcept;
  child_process& operator=(child_process&& o) noexcept;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  // Kills (SIGKILL) a child that has not been reaped yet and reaps it; closes pipes not taken.
  ~child_process();

  pid_t pid() const noexcept { return pid_; }
  bool running() const noexcept { return pid_ > 0 && !exit_; }
  // The read ends of the child's stdout and stderr; the caller owns what it takes (-1 twice).
  int take_stdout() noexcept;
  int take_stderr() noexcept;
  // Sends `sig` while the child has not been reaped; no-op after.
  void signal(int sig) noexcept;
  // Reaps the child if it has ended (never blocks); its exit once reaped.
  std::optional<process_exit> try_wait();
  // Reaps the child, waiting for it to end.
  process_exit wait();

 private:
  void reset() noexcept;
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::optional<process_exit> exit_;
};

}  // namespace reel::engine
