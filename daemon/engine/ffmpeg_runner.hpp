#pragma once
// Runs a render plan (core/render_plan.hpp): writes the plan's files, runs its ffmpeg steps (the
// parallel parts at once, then the final step), reports progress from ffmpeg's -progress output,
// and renames the finished file into place. Everything the plan wrote is removed in every
// outcome (success, failure, cancel, the runner or the io_context dying): the output survives
// only when the run succeeded. Use from the io_context's thread.
#include "core/error.hpp"
#include "core/render_plan.hpp"
#include "engine/child_process.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace reel::engine {

struct runner_options {
  std::chrono::milliseconds kill_grace{3000};  // SIGTERM, then SIGKILL after this long
  std::chrono::seconds stall_timeout{180};     // no -progress output for this long: killed
  std::size_t stderr_tail = 4000;              // bytes of ffmpeg's stderr kept for errors
};

struct render_outcome {
  std::string output_path;
  std::int64_t duration_ms = 0;
  double wall_s = 0;
  process_usage usage;  // summed CPU of every ffmpeg step; max_rss_kb is the largest step's
  int processes = 0;    // ffmpeg processes run
};

// Progress 0..1, never decreasing, called on the io_context's thread.
using render_progress_fn = std::function<void(double fraction)>;

class ffmpeg_runner {
 public:
  explicit ffmpeg_runner(boost::asio::any_io_executor ex, runner_options opts = {});
  // Cancels a run still going: its children are signalled now and killed and reaped at once
  // when the run's coroutine is destroyed.
  ~ffmpeg_runner();
  ffmpeg_runner(const ffmpeg_runner&) = delete;
  ffmpeg_runner& operator=(const ffmpeg_runner&) = delete;

  // Runs `plan` (one run at a time per runner). Fails with cancelled after cancel(), timeout when
  // ffmpeg stalls, internal with ffmpeg's last error lines when a step fails or cannot start,
  // or when the plan's files cannot be written or the output renamed.
  boost::asio::awaitable<core::result<render_outcome>> run(core::render_plan plan,
                                                           render_progress_fn progress);
  // Stops the current run: SIGTERM to every ffmpeg it runs, SIGKILL after the grace period.
  // A no-op when idle.
  void cancel();

  struct shared_state;

 private:
  boost::asio::any_io_executor ex_;
  std::shared_ptr<shared_state> state_;
};

// How many ffmpeg processes are worth running at once (render_settings::parallel) on a machine
// with `cores` cores. One render keeps about three cores busy: x264's threads plus the filter
// graph, which runs on one thread and is the limit beyond that; so cores / 3, at least 1. On 2
// cores that is 1: two processes measured no faster there and need twice the memory
// (bench/README.md, "bench_render_promo").
int recommended_parallel(unsigned cores) noexcept;

// Runs `plan` to the end on a private io_context (tests, benchmarks, tools).
core::result<render_outcome> run_plan_sync(core::render_plan plan, render_progress_fn progress = {},
                                           runner_options opts = {});

}  // namespace reel::engine
