#include "core/render_machine.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace reel::core {
namespace {

using namespace std::chrono_literals;
using machine = render_machine;

template <class T, class... Ts>
constexpr std::size_t index_in(const std::variant<Ts...>*) {
  constexpr bool same[] = {std::is_same_v<T, Ts>...};
  for (std::size_t i = 0; i < sizeof...(Ts); ++i)
    if (same[i]) return i;
  return sizeof...(Ts);
}

// The index of action type T in render_machine::action.
template <class T>
constexpr std::size_t act = index_in<T>(static_cast<const render_machine::action*>(nullptr));

constexpr std::chrono::milliseconds max_poll_interval =
    30000ms;  // the seeds poll every 30 s: never slower

template <class T>
constexpr std::size_t inp = index_in<T>(static_cast<const render_machine::input*>(nullptr));

// For each action, in the order of render_machine::action: the input that answers it, and
// whether cancel_requested may replace that answer (the action is slow and can be abandoned).
struct answer_row {
  std::size_t input;
  bool cancellable;
};
constexpr answer_row answers[] = {
    {inp<machine::persisted>, false},      {inp<machine::lookup_result>, true},
    {inp<machine::submit_result>, true},   {inp<machine::status_result>, true},
    {inp<machine::timer_fired>, true},     {inp<machine::download_result>, true},
    {inp<machine::download_result>, true}, {inp<machine::verify_result>, true},
    {inp<machine::rename_result>, false},  {inp<machine::cancel_result>, true},
    {inp<machine::emitted>, false},        {inp<machine::cancel_requested>, true},
};
static_assert(std::size(answers) == std::variant_size_v<machine::action>);
static_assert(act<machine::persist> == 0 && act<machine::lookup> == 1 &&
                  act<machine::submit> == 2 && act<machine::poll> == 3 && act<machine::wait> == 4 &&
                  act<machine::download> == 5 && act<machine::download_fallback> == 6 &&
                  act<machine::verify> == 7 && act<machine::rename> == 8 &&
                  act<machine::cancel_upstream> == 9 && act<machine::emit_event> == 10 &&
                  act<machine::done> == 11,
              "answers[] follows the order of render_machine::action");

render_policy clamp_policy(render_policy p) {
  p.first_poll = std::clamp<std::chrono::milliseconds>(p.first_poll, 1ms, max_poll_interval);
  p.poll_cap = std::clamp<std::chrono::milliseconds>(p.poll_cap, p.first_poll, max_poll_interval);
  p.factor = std::max(1.0, p.factor);
  p.max_submit_attempts = std::max(1, p.max_submit_attempts);
  p.download_retries = std::max(0, p.download_retries);
  return p;
}

backoff_policy backoff_of(const render_policy& p) {
  return {p.first_poll, p.factor, p.poll_cap};
}

// A fault as the job's error: the code the API maps to a status, a message that says what.
error fault_error(const upstream_fault& f, const std::string& what) {
  errc code = errc::upstream_error;
  if (f.http_status == 402) code = errc::plan_blocked;
  error e = make_error(code, what + ": " + describe(f));
  e.upstream_code =
      f.code ? f.code : (f.http_status ? std::optional<int>(f.http_status) : std::nullopt);
  return e;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

machine::lookup_result machine::lookup_result::from(const render_answer& a) {
  lookup_result r;
  switch (a.kind) {
    case answer_kind::ok:
    case answer_kind::duplicate:
      r.kind = known;
      r.status = a.status;
      break;
    case answer_kind::not_found:
      r.kind = unknown;
      break;
    case answer_kind::failed:
      r.kind = failed;
      r.fault = a.fault;
      break;
  }
  return r;
}

machine::submit_result machine::submit_result::from(const render_answer& a) {
  submit_result r;
  r.kind = a.kind == answer_kind::ok          ? accepted
           : a.kind == answer_kind::duplicate ? duplicate
                                              : failed;
  r.fault = a.fault;
  return r;
}

machine::status_result machine::status_result::from(const render_answer& a) {
  status_result r;
  r.kind = a.kind == answer_kind::ok || a.kind == answer_kind::duplicate ? ok
           : a.kind == answer_kind::not_found                            ? unknown
                                                                         : failed;
  r.status = a.status;
  r.fault = a.fault;
  return r;
}

render_machine::render_machine(render_job job, render_policy policy)
    : job_(std::move(job)),
      policy_(clamp_policy(policy)),
      poll_backoff_(backoff_of(policy_)),
      retry_backoff_(backoff_of(policy_)) {}

void render_machine::check(bool expected_input) {
  if (!expected_input) throw std::logic_error("render_machine: input does not answer the action");
}

render_machine::action render_machine::resume(const input& in, std::int64_t now_ms) {
  now_ = now_ms;
  const bool cancel = std::holds_alternative<cancel_requested>(in);
  if (!started_) {
    check(std::holds_alternative<started>(in));
    started_ = true;
    on(std::get<started>(in));
  } else {  // after done, only cancel_requested is taken: a finished job stays as it is
    const auto& row = answers[pending_];
    check(in.index() == row.input || (cancel && row.cancellable));
    std::visit(
        [this](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (!std::is_same_v<T, persisted> && !std::is_same_v<T, emitted> &&
                        !std::is_same_v<T, started>)
            on(v);
        },
        in);
  }

  if (queue_.empty()) {
    // Every path ends with the finished job persisted and announced; anything else is a bug.
    if (!is_finished(job_.state)) throw std::logic_error("render_machine: no next action");
    queue_.push_back(done{});
  }
  action next = std::move(queue_.front());
  queue_.erase(queue_.begin());
  pending_ = next.index();
  return next;
}

void render_machine::on(const started& in) {
  switch (job_.state) {
    case render_state::queued:
      push_event("render.queued");
      begin_submit();
      break;
    case render_state::submitting:
      // A submit may have left before the crash: ask before sending it again.
      queue_.push_back(lookup{job_.id});
      break;
    case render_state::rendering:
      queue_.push_back(poll{job_.id});
      break;
    case render_state::downloading:
      part_bytes_ = in.part_bytes;
      start_download();
      break;
    case render_state::completed:
    case render_state::failed:
    case render_state::cancelled:
      break;
  }
}

void render_machine::on(const lookup_result& in) {
  switch (in.kind) {
    case lookup_result::known:
      to_rendering();
      apply_status(in.status);
      break;
    case lookup_result::unknown:
      begin_submit();
      break;
    case lookup_result::failed:
      if (is_retryable(in.fault))
        schedule(after_wait::lookup, retry_backoff_.next());
      else
        fail(fault_error(in.fault, "render " + job_.id + " could not be looked up"), true);
      break;
  }
}

void render_machine::on(const submit_result& in) {
  switch (in.kind) {
    case submit_result::accepted:
    case submit_result::duplicate:  // the id is ours: it is already there, go on polling it
      to_rendering();
      schedule(after_wait::poll, poll_backoff_.next());
      break;
    case submit_result::failed:
      // No clear answer: the backend may have it. Look it up before anything is sent again.
      if (is_retryable(in.fault))
        schedule(after_wait::lookup, retry_backoff_.next());
      else
        fail(fault_error(in.fault, "the render was refused"));
      break;
  }
}

void render_machine::on(const status_result& in) {
  if (in.kind == status_result::ok) {
    apply_status(in.status);
  } else if (in.kind == status_result::unknown) {
    begin_submit();  // nothing runs under this id: sending it again cannot make a second job
  } else if (is_retryable(in.fault)) {
    schedule(after_wait::poll, poll_backoff_.next());
  } else {
    fail(fault_error(in.fault, "the render's status could not be read"), true);
  }
}

void render_machine::on(const timer_fired&) {
  switch (after_wait_) {
    case after_wait::poll:
      queue_.push_back(poll{job_.id});
      break;
    case after_wait::lookup:
      queue_.push_back(lookup{job_.id});
      break;
    case after_wait::download:
      start_download();
      break;
  }
}

void render_machine::on(const download_result& in) {
  switch (in.kind) {
    case download_result::complete: {
      const bool size_bad = completed_.size && *completed_.size != in.size;
      const bool sha_bad = !completed_.sha256.empty() && completed_.sha256 != lower(in.sha256);
      if (size_bad || sha_bad) {
        part_bytes_ = 0;  // the bytes are wrong: start over, not resume
        download_trouble({0, std::nullopt, "the file does not match the size or sha256 announced"},
                         false);
        return;
      }
      job_.output.size = in.size;
      job_.output.sha256 = lower(in.sha256);
      queue_.push_back(verify{part_path(job_)});
      return;
    }
    case download_result::cut:
      if (in.bytes_so_far > part_bytes_) {
        // Progress was made: resume at once with a Range from where it stopped.
        part_bytes_ = in.bytes_so_far;
        download_failures_ = 0;
        start_download();
      } else {
        part_bytes_ = in.bytes_so_far;
        download_trouble(in.fault, true);
      }
      return;
    case download_result::failed:
      download_trouble(in.fault, false);
      return;
  }
}

void render_machine::on(const verify_result& in) {
  if (!in.ok) {
    fail(make_error(errc::upstream_error, "the rendered file is not playable: " + in.message));
    return;
  }
  job_.output.duration_s = in.duration_s;
  queue_.push_back(rename{part_path(job_), job_.dest});
}

void render_machine::on(const rename_result& in) {
  if (!in.ok) {
    fail(make_error(errc::internal,
                    "the finished file could not be moved to " + job_.dest + ": " + in.message));
    return;
  }
  job_.state = render_state::completed;
  job_.progress = 1.0;
  job_.output.path = job_.dest;
  job_.finished_ms = now_;
  job_.failure.reset();
  push_persist();
  push_event("render.completed");
}

void render_machine::on(const cancel_requested&) {
  // The pending action is abandoned. While a cancel_upstream is pending the job is already
  // finished locally: go on as if it had answered.
  if (pending_ == act<machine::cancel_upstream> || is_finished(job_.state)) return;
  // Something may be running upstream only once a submit may have left and until it finished.
  const bool upstream =
      job_.state == render_state::submitting || job_.state == render_state::rendering;
  queue_.clear();
  job_.state = render_state::cancelled;
  job_.finished_ms = now_;
  push_persist();  // locally first: after a crash the job must not come back to life
  if (upstream) queue_.push_back(cancel_upstream{job_.id});
  push_event("render.cancelled");
}

void render_machine::on(const cancel_result&) {}  // best effort: the job is finished locally

void render_machine::begin_submit() {
  if (job_.attempts >= policy_.max_submit_attempts) {
    fail(make_error(errc::upstream_error, "render " + job_.id + " was not accepted after " +
                                              std::to_string(job_.attempts) + " submissions"));
    return;
  }
  // Store before submit: the persist of `submitting` (and of the attempt) is acknowledged
  // before the submit leaves the queue.
  job_.state = render_state::submitting;
  ++job_.attempts;
  if (!job_.submitted_ms) job_.submitted_ms = now_;
  push_persist();
  queue_.push_back(submit{job_.id, job_.draft, job_.options});
}

void render_machine::to_rendering() {
  job_.state = render_state::rendering;
  if (!job_.submitted_ms) job_.submitted_ms = now_;
  poll_backoff_.reset();
  retry_backoff_.reset();
  push_persist();
  push_event("render.progress");
}

void render_machine::apply_status(const render_status& s) {
  switch (s.state) {
    case upstream_state::completed:
      completed_ = s;
      job_.state = render_state::downloading;
      job_.progress = 1.0;
      job_.output.url = s.url;
      part_bytes_ = 0;
      fallback_ = false;
      download_failures_ = 0;
      retry_backoff_.reset();
      push_persist();
      push_event("render.progress");
      start_download();
      return;
    case upstream_state::failed:
      fail(make_error(errc::upstream_error,
                      "the render failed upstream: " +
                          (s.message.empty() ? std::string("no reason given") : s.message)));
      return;
    case upstream_state::cancelled:
      queue_.clear();
      job_.state = render_state::cancelled;
      job_.finished_ms = now_;
      push_persist();
      push_event("render.cancelled");
      return;
    case upstream_state::unknown:
    case upstream_state::queued:
    case upstream_state::processing:
      if (s.progress && *s.progress > job_.progress) {
        job_.progress = *s.progress;  // never backwards: a late answer must not undo progress
        push_event("render.progress");
      }
      schedule(after_wait::poll, poll_backoff_.next());
      return;
  }
}

void render_machine::schedule(after_wait what, std::chrono::milliseconds delay) {
  std::int64_t until = now_ + delay.count();
  if (what != after_wait::download) {
    const auto deadline = deadline_ms();
    if (now_ >= deadline) {
      fail(make_error(errc::timeout, "render " + job_.id + " did not finish within " +
                                         std::to_string(policy_.deadline.count() / 1000) + " s"),
           true);
      return;
    }
    until = std::min(until, deadline);  // the last poll happens at the deadline
  }
  after_wait_ = what;
  queue_.push_back(wait{until});
}

void render_machine::start_download() {
  if (job_.output.url.empty()) fallback_ = true;
  if (fallback_)
    queue_.push_back(download_fallback{job_.id, part_path(job_), part_bytes_});
  else
    queue_.push_back(download{job_.output.url, part_path(job_), part_bytes_});
}

void render_machine::download_trouble(const upstream_fault& f, bool stalled) {
  // A stalled transfer is retried where it is; a source that fails is given up for the fallback
  // once; the fallback is retried while the trouble looks passing.
  if (stalled && download_failures_ < policy_.download_retries) {
    ++download_failures_;
    schedule(after_wait::download, retry_backoff_.next());
    return;
  }
  if (!fallback_) {
    fallback_ = true;
    part_bytes_ = 0;  // another source: its bytes may differ, start over
    download_failures_ = 0;
    retry_backoff_.reset();
    start_download();
    return;
  }
  if (is_retryable(f) && download_failures_ < policy_.download_retries) {
    ++download_failures_;
    schedule(after_wait::download, retry_backoff_.next());
    return;
  }
  fail(fault_error(f, "the rendered file could not be downloaded"));
}

void render_machine::fail(error e, bool cancel_upstream_too) {
  const bool upstream = cancel_upstream_too && (job_.state == render_state::submitting ||
                                                job_.state == render_state::rendering);
  queue_.clear();
  job_.state = render_state::failed;
  job_.failure = std::move(e);
  job_.finished_ms = now_;
  push_persist();
  if (upstream) queue_.push_back(cancel_upstream{job_.id});
  push_event("render.failed");
}

void render_machine::push_persist() {
  job_.updated_ms = now_;
  queue_.push_back(persist{job_});
}

void render_machine::push_event(std::string name) {
  std::string key = name == "render.progress" ? name + ":" + job_.id : std::string();
  queue_.push_back(emit_event{std::move(name), to_event_json(job_), std::move(key)});
}

std::int64_t render_machine::deadline_ms() const noexcept {
  return job_.submitted_ms.value_or(job_.created_ms) + policy_.deadline.count();
}

}  // namespace reel::core
