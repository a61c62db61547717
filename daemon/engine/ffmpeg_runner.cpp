#include "engine/ffmpeg_runner.hpp"

#include "core/render_plan_progress.hpp"
#include "engine/plan_files.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <exception>
#include <filesystem>
#include <vector>

namespace reel::engine {

namespace asio = boost::asio;
using asio::awaitable;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// One ffmpeg process of a run and what its readers share.
struct step_state {
  explicit step_state(asio::any_io_executor ex) : wake(ex, clock::time_point::max()) {}
  child_process child;
  std::string err;  // the tail of stderr
  bool err_done = false;
  bool finished = false;
  bool stalled = false;
  clock::time_point last_activity = clock::now();
  asio::steady_timer wake;  // cancelled when the stderr reader ends
};

struct ffmpeg_runner::shared_state {
  runner_options opts;
  bool cancelled = false;
  std::vector<std::weak_ptr<step_state>> steps;  // the running ones
};

namespace {

awaitable<void> read_stderr(std::shared_ptr<step_state> st, int fd, std::size_t keep) {
  asio::posix::stream_descriptor err(co_await asio::this_coro::executor, fd);
  std::array<char, 4096> buf{};
  for (;;) {
    auto [ec, n] = co_await err.async_read_some(asio::buffer(buf), use_tuple);
    if (ec) break;
    st->err.append(buf.data(), n);
    st->last_activity = clock::now();
    if (st->err.size() > 2 * keep) st->err.erase(0, st->err.size() - keep);
  }
  st->err_done = true;
  st->wake.cancel();
}

// Kills a step that has said nothing (no progress, no error line) for the stall timeout.
awaitable<void> watchdog(std::shared_ptr<step_state> st, std::chrono::seconds stall) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  while (!st->finished) {
    t.expires_after(std::chrono::seconds(1));
    co_await t.async_wait(use_tuple);
    if (st->finished) break;
    if (clock::now() - st->last_activity > stall) {
      st->stalled = true;
      st->child.signal(SIGKILL);
      break;
    }
  }
}

awaitable<void> kill_after(std::shared_ptr<step_state> st, std::chrono::milliseconds grace) {
  asio::steady_timer t(co_await asio::this_coro::executor, grace);
  co_await t.async_wait(use_tuple);
  st->child.signal(SIGKILL);
}

std::string last_lines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (s.size() > 1500) s = "..." + s.substr(s.size() - 1500);
  return s;
}

struct step_result {
  process_exit exit;
};

}  // namespace

// True once: when the run's coroutine was cancelled through Asio (its cancellation slot). The
// state is reset so that the waits that follow (ffmpeg's end, the reaping) work normally.
static awaitable<bool> take_cancellation() {
  auto cs = co_await asio::this_coro::cancellation_state;
  if (cs.cancelled() == asio::cancellation_type::none) co_return false;
  co_await asio::this_coro::reset_cancellation_state();
  co_return true;
}

// An Asio cancellation is a cancel(): the run stops ffmpeg, then ends as usual (cancelled).
static awaitable<void> honour_cancellation(std::shared_ptr<ffmpeg_runner::shared_state> shared,
                                           std::shared_ptr<step_state> st) {
  const bool cancelled = co_await take_cancellation();
  if (cancelled) {
    shared->cancelled = true;
    st->child.signal(SIGKILL);
  }
}

// Runs one step to its end, reporting its own progress (0..1) through `report`.
static awaitable<core::result<step_result>> run_step(
    std::shared_ptr<ffmpeg_runner::shared_state> shared, core::ffmpeg_step step,
    std::function<void(double)> report) {
  auto ex = co_await asio::this_coro::executor;
  auto st = std::make_shared<step_state>(ex);
  auto child = child_process::spawn(step.argv);
  if (!child) co_return child.error();
  st->child = std::move(*child);
  // However this frame ends (even destroyed while suspended), the step is over: the watchdog
  // stops and lets go of the child, which is then killed if need be and reaped.
  struct finish_guard {
    step_state& s;
    ~finish_guard() {
      s.finished = true;
      s.wake.cancel();
    }
  } guard{*st};
  shared->steps.push_back(st);
  if (shared->cancelled) st->child.signal(SIGTERM);

  const int out_fd = st->child.take_stdout();
  asio::co_spawn(ex, read_stderr(st, st->child.take_stderr(), shared->opts.stderr_tail),
                 asio::detached);
  asio::co_spawn(ex, watchdog(st, shared->opts.stall_timeout), asio::detached);

  asio::posix::stream_descriptor out(ex, out_fd);
  core::progress_parser parser;
  std::array<char, 4096> buf{};
  for (;;) {
    auto [ec, n] = co_await out.async_read_some(asio::buffer(buf), use_tuple);
    if (ec) break;
    st->last_activity = clock::now();
    for (const auto& p : parser.feed(std::string_view(buf.data(), n)))
      if (report) report(core::progress_fraction(p, step.duration_ms));
  }
  co_await honour_cancellation(shared, st);
  while (!st->err_done) {
    co_await st->wake.async_wait(use_tuple);
    co_await honour_cancellation(shared, st);
  }
  // Both pipes are closed: the child is exiting. Reap it without blocking the loop.
  asio::steady_timer t(ex);
  std::optional<process_exit> exit;
  for (auto pause = std::chrono::milliseconds(1); !(exit = st->child.try_wait());
       pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    t.expires_after(pause);
    co_await t.async_wait(use_tuple);
    co_await honour_cancellation(shared, st);
  }
  st->finished = true;
  std::erase_if(shared->steps, [](const std::weak_ptr<step_state>& w) { return w.expired(); });

  if (shared->cancelled) co_return core::make_error(core::errc::cancelled, "render cancelled");
  if (st->stalled)
    co_return core::make_error(
        core::errc::timeout,
        "ffmpeg made no progress for " + std::to_string(shared->opts.stall_timeout.count()) + " s");
  if (!exit->ok()) {
    std::string why = exit->signal ? "killed by signal " + std::to_string(exit->signal)
                                   : "exit status " + std::to_string(exit->code);
    co_return core::make_error(core::errc::internal,
                               "ffmpeg failed (" + why + "): " + last_lines(st->err));
  }
  co_return step_result{*exit};
}

namespace {

// Runs the parts at once; the first failure cancels the others.
struct parts_state {
  explicit parts_state(asio::any_io_executor ex) : done(ex, clock::time_point::max()) {}
  std::size_t pending = 0;
  std::optional<core::error> failure;
  std::vector<double> fraction;
  process_usage usage;
  asio::steady_timer done;
};

}  // namespace

ffmpeg_runner::ffmpeg_runner(asio::any_io_executor ex, runner_options opts)
    : ex_(std::move(ex)), state_(std::make_shared<shared_state>()) {
  state_->opts = opts;
}

ffmpeg_runner::~ffmpeg_runner() {
  cancel();
}

// SIGTERM to every running step of `shared`, SIGKILL after the grace period.
static void stop_steps(const std::shared_ptr<ffmpeg_runner::shared_state>& shared,
                       const asio::any_io_executor& ex) {
  for (const auto& w : shared->steps) {
    if (auto st = w.lock(); st && !st->finished) {
      st->child.signal(SIGTERM);
      asio::co_spawn(ex, kill_after(st, shared->opts.kill_grace), asio::detached);
    }
  }
}

void ffmpeg_runner::cancel() {
  state_->cancelled = true;
  stop_steps(state_, ex_);
}

awaitable<core::result<render_outcome>> ffmpeg_runner::run(core::render_plan plan,
                                                           render_progress_fn progress) {
  auto shared = state_;
  const auto ex = ex_;  // `this` may die while the run is suspended; the run may not
  // An Asio cancellation is read as a cancel() (take_cancellation); it must not also throw from
  // the next wait, which would skip reaping ffmpeg.
  co_await asio::this_coro::throw_if_cancelled(false);
  shared->cancelled = false;
  const auto started = clock::now();
  plan_files files(plan);  // removed when this frame ends, whatever ends it
  if (auto w = files.write(); !w) co_return w.error();

  double shown = 0;
  auto show = [&shown, &progress](double f) {
    if (f > shown + 1e-4 || (f >= 1.0 && shown < 1.0)) {
      shown = std::max(shown, f);
      if (progress) progress(shown);
    }
  };
  render_outcome outcome;
  outcome.output_path = plan.output_path;
  outcome.duration_ms = plan.duration_ms;

  // Prepare steps (stills to canvases, one after another): the first 5% of the progress.
  const double prep_weight = plan.prepare.empty() ? 0.0 : 0.05;
  for (std::size_t i = 0; i < plan.prepare.size(); ++i) {
    const double base = prep_weight * static_cast<double>(i) / plan.prepare.size();
    auto report = [show, base](double) mutable { show(base); };
    auto r = co_await run_step(shared, plan.prepare[i], report);
    if (!r) co_return r.error();
    outcome.usage.user_s += r->exit.usage.user_s;
    outcome.usage.sys_s += r->exit.usage.sys_s;
    outcome.usage.max_rss_kb = std::max(outcome.usage.max_rss_kb, r->exit.usage.max_rss_kb);
    outcome.processes += 1;
  }

  // Parallel parts: 90% of the rest, the join (a copy plus the audio) the remainder.
  const double parts_weight = prep_weight + (plan.parts.empty() ? 0.0 : 0.9 * (1 - prep_weight));
  if (!plan.parts.empty()) {
    auto ps = std::make_shared<parts_state>(ex);
    ps->pending = plan.parts.size();
    ps->fraction.assign(plan.parts.size(), 0.0);
    std::int64_t total = 0;
    for (const auto& p : plan.parts) total += std::max<std::int64_t>(p.duration_ms, 1);
    for (std::size_t i = 0; i < plan.parts.size(); ++i) {
      const double weight =
          static_cast<double>(std::max<std::int64_t>(plan.parts[i].duration_ms, 1)) / total;
      auto report = [ps, i, weight, show, parts_weight, prep_weight](double f) mutable {
        ps->fraction[i] = f * weight;
        double sum = 0;
        for (double x : ps->fraction) sum += x;
        show(prep_weight + sum * (parts_weight - prep_weight));
      };
      asio::co_spawn(ex, run_step(shared, plan.parts[i], report),
                     [ps, shared, ex](std::exception_ptr e, core::result<step_result> r) {
                       if (e && !ps->failure)
                         ps->failure = core::make_error(core::errc::internal, "render step failed");
                       if (!e && !r && !ps->failure) {
                         ps->failure = r.error();
                         stop_steps(shared, ex);  // a failure: the other parts are pointless
                       }
                       if (!e && r) {
                         ps->usage.user_s += r->exit.usage.user_s;
                         ps->usage.sys_s += r->exit.usage.sys_s;
                         ps->usage.max_rss_kb =
                             std::max(ps->usage.max_rss_kb, r->exit.usage.max_rss_kb);
                       }
                       if (--ps->pending == 0) ps->done.cancel();
                     });
    }
    while (ps->pending > 0) {
      co_await ps->done.async_wait(use_tuple);
      const bool cancelled = co_await take_cancellation();
      if (cancelled) {
        shared->cancelled = true;
        stop_steps(shared, ex);
      }
    }
    if (shared->cancelled) co_return core::make_error(core::errc::cancelled, "render cancelled");
    if (ps->failure) co_return *ps->failure;
    outcome.usage.user_s += ps->usage.user_s;
    outcome.usage.sys_s += ps->usage.sys_s;
    outcome.usage.max_rss_kb = std::max(outcome.usage.max_rss_kb, ps->usage.max_rss_kb);
    outcome.processes += static_cast<int>(plan.parts.size());
  }

  auto report = [show, parts_weight](double f) mutable {
    show(parts_weight + (1.0 - parts_weight) * f);
  };
  auto last = co_await run_step(shared, plan.final_step, report);
  if (!last) co_return last.error();
  outcome.usage.user_s += last->exit.usage.user_s;
  outcome.usage.sys_s += last->exit.usage.sys_s;
  outcome.usage.max_rss_kb = std::max(outcome.usage.max_rss_kb, last->exit.usage.max_rss_kb);
  outcome.processes += 1;

  std::error_code ec;
  std::filesystem::rename(plan.part_output, plan.output_path, ec);
  if (ec)
    co_return core::make_error(core::errc::internal,
                               "cannot move the render into place: " + ec.message());
  show(1.0);
  outcome.wall_s = std::chrono::duration<double>(clock::now() - started).count();
  co_return outcome;
}

int recommended_parallel(unsigned cores) noexcept {
  return static_cast<int>(std::clamp(cores / 3u, 1u, 8u));
}

core::result<render_outcome> run_plan_sync(core::render_plan plan, render_progress_fn progress,
                                           runner_options opts) {
  asio::io_context io;
  ffmpeg_runner runner(io.get_executor(), opts);
  std::optional<core::result<render_outcome>> out;
  asio::co_spawn(io, runner.run(std::move(plan), std::move(progress)),
                 [&out](std::exception_ptr e, core::result<render_outcome> r) {
                   if (e)
                     out = core::make_error(core::errc::internal, "render failed unexpectedly");
                   else
                     out = std::move(r);
                 });
  io.run();
  if (!out) return core::make_error(core::errc::internal, "render did not finish");
  return *out;
}

}  // namespace reel::engine
