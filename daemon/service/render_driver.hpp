#pragma once
// One render job on the move: core::render_machine driven by a coroutine exactly as its header's
// driver contract says. Persists are synced commits, events go to the `renders` topic and to the
// job's session topic (progress coalesced per job and topic), every backend call holds a slot of
// the shared limiter, and a cancel request replaces the result of the slow action in progress
// (that action is abandoned: its coroutine gets terminal cancellation, its answer is ignored).
//
// Lives on the event loop's thread. The service owns the runner (shared: the driver and any
// abandoned call keep it alive); everything in render_env outlives every runner.
#include "core/render_machine.hpp"
#include "service/hub.hpp"
#include "service/render_backend.hpp"
#include "service/slot_limiter.hpp"
#include "store/database.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace reel::service {

struct render_env {
  boost::asio::any_io_executor ex;
  store::database& db;
  hub& events;
  slot_limiter& slots;
  std::function<std::int64_t()> now_ms;  // wall clock: stored times and deadlines use it
  std::string failpoint;                 // tests only: see render_service::options
};

// Tests only: when `configured` names `here` (e.g. "render.polling"), the process kills itself
// with SIGKILL on the spot, as `kill -9` would at that step.
void render_failpoint(const std::string& configured, std::string_view here);

// Stores `job` whole in one synced commit (insert or update). Throws what the store throws.
void store_job_synced(store::database& db, const core::render_job& job);

class render_runner : public std::enable_shared_from_this<render_runner> {
 public:
  render_runner(render_env& env, render_backend& backend, core::render_job job,
                core::render_policy policy);

  // Runs the machine from the job as stored until it is done (or a persist fails: then the job
  // stays as stored and resumes at the next start). Never throws.
  static boost::asio::awaitable<void> drive(std::shared_ptr<render_runner> self);

  // Asks for the job to be cancelled: fed to the machine in place of the result of the slow
  // action under way (or the next one). No effect once the job is finished.
  void request_cancel();
  // Waits until the job is finished in the store, the driver stopped, or `limit` passed.
  boost::asio::awaitable<void> wait_settled(std::chrono::milliseconds limit);

  // The job as the machine sees it (ahead of the store by progress at most).
  const core::render_job& job() const noexcept { return machine_.job(); }
  // True once the driver stopped (done, or a persist failed).
  bool stopped() const noexcept { return stopped_; }

 private:
  using input = core::render_machine::input;
  struct pending_op;

  boost::asio::awaitable<input> run_op(boost::asio::awaitable<input> op);
  boost::asio::awaitable<input> perform(core::render_machine::action next);
  bool persist(const core::render_job& job);
  void publish(const core::render_machine::emit_event& e);
  void finish(bool completed);
  void notify_settled();

  render_env& env_;
  render_backend& backend_;
  core::render_machine machine_;
  std::shared_ptr<pending_op> current_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> settle_waiters_;  // woken on settle
  bool cancel_requested_ = false;
  bool cancel_fed_ = false;
  bool stopped_ = false;
  int polls_answered_ = 0;
};

}  // namespace reel::service
