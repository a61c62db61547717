#include "service/render_driver.hpp"

#include "service/render_files.hpp"
#include "service/render_rows.hpp"
#include "store/jobs_repo.hpp"
#include "store/sessions_repo.hpp"
#include "store/transaction.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <signal.h>
#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <optional>

namespace reel::service {
namespace asio = boost::asio;

namespace {

using machine = core::render_machine;
using input = machine::input;

core::upstream_fault cancelled_fault() {
  return {0, std::nullopt, "abandoned"};
}

// The answer a call gives when it could not even start (no slot, an exception): a failure of
// the right type, retryable, so the machine treats it as a passing fault.
input failed_answer(const machine::action& a) {
  if (std::holds_alternative<machine::lookup>(a)) {
    machine::lookup_result r;
    r.fault = cancelled_fault();
    return r;
  }
  if (std::holds_alternative<machine::submit>(a)) {
    machine::submit_result r;
    r.fault = cancelled_fault();
    return r;
  }
  if (std::holds_alternative<machine::poll>(a)) {
    machine::status_result r;
    r.fault = cancelled_fault();
    return r;
  }
  if (std::holds_alternative<machine::verify>(a)) {
    machine::verify_result r;
    r.message = "the check could not run";
    return r;
  }
  if (std::holds_alternative<machine::cancel_upstream>(a)) return machine::cancel_result{};
  if (std::holds_alternative<machine::wait>(a)) return machine::timer_fired{};
  machine::download_result r;
  r.fault = cancelled_fault();
  return r;
}

// Each call below takes what it needs by value (design.md rule 7): an abandoned call may outlive
// the runner that started it. The backend and the limiter belong to the service.
asio::awaitable<input> call_lookup(render_backend* b, slot_limiter* slots, std::string id,
                                   input no_slot) {
  auto slot = co_await slots->acquire();
  if (!slot) co_return no_slot;
  auto reply = co_await b->lookup(std::move(id));
  co_return machine::lookup_result::from(classify(reply));
}

asio::awaitable<input> call_submit(render_backend* b, slot_limiter* slots, render_submission s,
                                   input no_slot) {
  auto slot = co_await slots->acquire();
  if (!slot) co_return no_slot;
  auto reply = co_await b->submit(std::move(s));
  co_return machine::submit_result::from(classify(reply));
}

asio::awaitable<input> call_status(render_backend* b, slot_limiter* slots, std::string id,
                                   input no_slot) {
  auto slot = co_await slots->acquire();
  if (!slot) co_return no_slot;
  auto reply = co_await b->status(std::move(id));
  co_return machine::status_result::from(classify(reply));
}

asio::awaitable<input> call_cancel(render_backend* b, slot_limiter* slots, std::string id,
                                   input no_slot) {
  auto slot = co_await slots->acquire();
  if (!slot) co_return no_slot;
  auto reply = co_await b->cancel(id);
  const auto answer = classify(reply);
  machine::cancel_result r;
  r.ok = answer.kind == core::answer_kind::ok;
  r.fault = answer.fault;
  if (!r.ok) spdlog::warn("render {}: the upstream cancel failed: {}", id, describe(r.fault));
  co_return r;
}

asio::awaitable<input> call_download(render_backend* b, slot_limiter* slots, render_fetch f,
                                     fetch_progress progress, input no_slot) {
  auto slot = co_await slots->acquire();
  if (!slot) co_return no_slot;
  auto r = co_await b->download(std::move(f), std::move(progress));
  co_return r;
}

asio::awaitable<input> call_verify(render_backend* b, slot_limiter* slots, std::string path,
                                   input no_slot) {
  auto slot = co_await slots->acquire();
  if (!slot) co_return no_slot;
  auto r = co_await b->verify(std::move(path));
  co_return r;
}

asio::awaitable<input> sleep_for(std::chrono::milliseconds delay) {
  const auto ex = co_await asio::this_coro::executor;
  asio::steady_timer t(ex);
  t.expires_after(delay);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return machine::timer_fired{};
}

// The failpoint in the middle of a download: what a crash leaves is a prefix of the file, so
// cut the part file to half of what arrived (the sample is small enough to come in one read),
// then die.
fetch_progress download_progress(std::string failpoint, std::string part) {
  if (failpoint != "render.downloading") return {};
  return [failpoint, part](std::uint64_t done, std::uint64_t total) {
    if (done == 0) return;
    const auto keep = std::max<std::uint64_t>(1, std::min(done, std::max(total, done) / 2));
    if (::truncate(part.c_str(), static_cast<off_t>(keep)) != 0) return;
    render_failpoint(failpoint, "render.downloading");
  };
}

}  // namespace

void render_failpoint(const std::string& configured, std::string_view here) {
  if (configured.empty() || configured != here) return;
  spdlog::warn("failpoint {}: killing the process (SIGKILL)", here);
  spdlog::default_logger()->flush();
  ::kill(::getpid(), SIGKILL);
}

void store_job_synced(store::database& db, const core::render_job& job) {
  store::transaction tx(db, store::durability::synced);
  store::jobs_repo repo(db);
  const auto row = to_row(job);
  if (!repo.update(row)) repo.insert(row);
  tx.commit();
}

struct render_runner::pending_op {
  explicit pending_op(asio::any_io_executor ex) : wake(ex) {}
  asio::steady_timer wake;
  asio::cancellation_signal signal;
  std::optional<input> result;
  bool abandoned = false;  // the driver moved on (cancel): errors are expected, not logged
};

render_runner::render_runner(render_env& env, render_backend& backend, core::render_job job,
                             core::render_policy policy)
    : env_(env), backend_(backend), machine_(std::move(job), policy) {}

void render_runner::request_cancel() {
  if (stopped_ || core::is_finished(machine_.job().state)) return;
  if (cancel_requested_) return;
  cancel_requested_ = true;
  if (current_) current_->wake.cancel();
}

asio::awaitable<void> render_runner::wait_settled(std::chrono::milliseconds limit) {
  if (stopped_) co_return;
  auto t = std::make_shared<asio::steady_timer>(env_.ex);
  t->expires_after(limit);
  settle_waiters_.push_back(t);
  co_await t->async_wait(asio::as_tuple(asio::use_awaitable));
  std::erase(settle_waiters_, t);
}

void render_runner::notify_settled() {
  for (auto& t : settle_waiters_) t->cancel();
}

asio::awaitable<render_runner::input> render_runner::run_op(asio::awaitable<input> op) {
  auto p = std::make_shared<pending_op>(env_.ex);
  p->wake.expires_at(asio::steady_timer::time_point::max());
  current_ = p;
  // The call runs as its own coroutine so that a cancel can leave it behind at once; the
  // completion handler holds `p`, never the runner. A call that threw answers `started`, which
  // answers nothing: perform() replaces it with a failure of the right type.
  asio::co_spawn(env_.ex, std::move(op),
                 asio::bind_cancellation_slot(
                     p->signal.slot(), [p, id = job().id](std::exception_ptr e, input v) {
                       if (e) {
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::exception& x) {
                           if (!p->abandoned)
                             spdlog::error("render {}: a backend call failed: {}", id, x.what());
                         } catch (...) {
                         }
                         v = machine::started{};
                       }
                       p->result = std::move(v);
                       p->wake.cancel();
                     }));
  // The timer never expires: only the handler above or request_cancel() wake it.
  // Once fed, a cancel abandons nothing more: the cancel_upstream that follows must run.
  while (!p->result && !(cancel_requested_ && !cancel_fed_))
    co_await p->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  current_.reset();
  if (p->result) co_return std::move(*p->result);
  p->abandoned = true;
  p->signal.emit(asio::cancellation_type::terminal);
  cancel_fed_ = true;
  co_return machine::cancel_requested{};
}

asio::awaitable<render_runner::input> render_runner::perform(machine::action next) {
  const input no_slot = failed_answer(next);
  auto* slots = &env_.slots;
  auto* b = &backend_;
  std::optional<asio::awaitable<input>> op;
  bool is_submit = false, is_poll = false;

  if (auto* lk = std::get_if<machine::lookup>(&next)) {
    op.emplace(call_lookup(b, slots, lk->id, no_slot));
  } else if (auto* sb = std::get_if<machine::submit>(&next)) {
    render_submission s;
    s.id = sb->id;
    s.session = job().session;
    s.draft = sb->draft;
    s.options = sb->options;
    // Read now, not when the job was made: a session the cloud lost was replaced since.
    try {
      if (auto row = store::sessions_repo(env_.db).find(job().session))
        s.upstream_session = row->upstream_session_id;
    } catch (const std::exception& e) {
      spdlog::warn("render {}: cannot read its session: {}", job().id, e.what());
    }
    render_failpoint(env_.failpoint, "render.before_submit");
    is_submit = true;
    op.emplace(call_submit(b, slots, std::move(s), no_slot));
  } else if (auto* pl = std::get_if<machine::poll>(&next)) {
    is_poll = true;
    op.emplace(call_status(b, slots, pl->id, no_slot));
  } else if (auto* wt = std::get_if<machine::wait>(&next)) {
    const auto left = std::max<std::int64_t>(0, wt->until_ms - env_.now_ms());
    op.emplace(sleep_for(std::chrono::milliseconds(left)));
  } else if (auto* dl = std::get_if<machine::download>(&next)) {
    render_fetch f{job().id, dl->url, dl->part_path, dl->resume_from};
    op.emplace(
        call_download(b, slots, f, download_progress(env_.failpoint, dl->part_path), no_slot));
  } else if (auto* fb = std::get_if<machine::download_fallback>(&next)) {
    render_fetch f{fb->id, "", fb->part_path, fb->resume_from};
    op.emplace(
        call_download(b, slots, f, download_progress(env_.failpoint, fb->part_path), no_slot));
  } else if (auto* vf = std::get_if<machine::verify>(&next)) {
    op.emplace(call_verify(b, slots, vf->path, no_slot));
  } else if (auto* cu = std::get_if<machine::cancel_upstream>(&next)) {
    op.emplace(call_cancel(b, slots, cu->id, no_slot));
  } else {
    throw std::logic_error("render_runner: not a slow action");
  }

  if (std::holds_alternative<machine::download>(next) ||
      std::holds_alternative<machine::download_fallback>(next)) {
    // The output directory may have been removed since the job was made (or it was re-armed).
    const auto dir = std::filesystem::path(core::part_path(job())).parent_path().string();
    if (auto made = ensure_directory(dir); !made)
      spdlog::warn("render {}: {}", job().id, made.error().message);
  }
  input in = co_await run_op(std::move(*op));
  if (in.index() == 0) in = no_slot;  // `started` never answers anything: the call threw
  if (is_submit && std::holds_alternative<machine::submit_result>(in))
    render_failpoint(env_.failpoint, "render.submit_answered");
  if (is_poll && std::holds_alternative<machine::status_result>(in) && ++polls_answered_ == 1)
    render_failpoint(env_.failpoint, "render.polling");
  co_return in;
}

bool render_runner::persist(const core::render_job& job) {
  try {
    store_job_synced(env_.db, job);
  } catch (const std::exception& e) {
    spdlog::error("render {}: cannot store the job ({}); it resumes at the next start", job.id,
                  e.what());
    return false;
  }
  if (core::is_finished(job.state)) notify_settled();
  return true;
}

void render_runner::publish(const machine::emit_event& e) {
  // The hub scopes coalesce keys by topic: a client on both topics keeps the latest of each.
  env_.events.publish("renders", e.name, e.data, e.coalesce_key);
  env_.events.publish("session:" + job().session, e.name, e.data, e.coalesce_key);
}

void render_runner::finish(bool completed) {
  if (!completed) {
    ::unlink(core::part_path(job()).c_str());
    ::unlink((core::part_path(job()) + ".probe.json").c_str());
  }
  stopped_ = true;
  notify_settled();
}

asio::awaitable<void> render_runner::drive(std::shared_ptr<render_runner> self) {
  auto& r = *self;
  try {
    input in = machine::started{file_size_or_zero(core::part_path(r.job()))};
    for (;;) {
      auto next = r.machine_.resume(in, r.env_.now_ms());
      if (std::holds_alternative<machine::done>(next)) {
        r.finish(r.job().state == core::render_state::completed);
        co_return;
      }
      if (auto* p = std::get_if<machine::persist>(&next)) {
        if (!r.persist(p->job)) break;
        in = machine::persisted{};
        continue;
      }
      if (auto* e = std::get_if<machine::emit_event>(&next)) {
        r.publish(*e);
        in = machine::emitted{};
        continue;
      }
      if (auto* m = std::get_if<machine::rename>(&next)) {
        machine::rename_result rr;
        auto moved = durable_rename(m->from, m->to);
        rr.ok = static_cast<bool>(moved);
        if (!moved) rr.message = moved.error().message;
        in = rr;
        continue;
      }
      if (r.cancel_requested_ && !r.cancel_fed_) {
        r.cancel_fed_ = true;
        in = machine::cancel_requested{};
        continue;
      }
      in = co_await r.perform(std::move(next));
    }
  } catch (const std::exception& e) {
    // A machine contract breach is a bug: the job stays as stored and resumes at the next start.
    spdlog::error("render {}: the driver stopped: {}", r.job().id, e.what());
  }
  r.stopped_ = true;
  r.notify_settled();
}

}  // namespace reel::service
