#pragma once
// The life of one render job as a sans-io state machine (design.md rule 3; model: Boost.MySQL
// connection_pool/sansio_connection_node.hpp): `resume(input, now_ms)` takes the result of the
// last action and returns the next one. A coroutine does the I/O; the same machine drives the
// cloud (submit = POST /api/render/proxy/lambda, poll = GET .../<id>) and the local backend
// (submit starts ffmpeg, poll reads its progress, download verifies and moves its file). Pure.
//
// Exactly once: the render id is ours and every submit is preceded by a persist of the job in
// state `submitting` that the driver acknowledged (`persisted`). A job found in `submitting`
// after a restart, or whose submit got no clear answer, is looked up first and submitted again
// (same id) only when the backend answers that it does not know it; a duplicate answer means
// "already submitted". See tests/core/render_machine_test.cpp for the exhaustive check.
//
// Driver contract:
//  - the first input is `started`; after `done` nothing more is fed;
//  - `persist`: store the job durably (a synced commit), then feed `persisted`; if storing
//    fails, stop driving: the job resumes from the store at the next start;
//  - `emit_event`: hand it to the hub (coalesce by `coalesce_key` when not empty), feed `emitted`;
//  - `cancel_requested` may be fed instead of the result of lookup, submit, poll, wait, download,
//    download_fallback, verify or cancel_upstream: that action is abandoned (its result must
//    not be fed later). While persist, emit_event or rename is pending, hold it until they end;
//  - on `done` with a state other than completed, delete <dest>.part.
#include "core/backoff.hpp"
#include "core/render_job.hpp"
#include "core/render_status.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace reel::core {

struct render_policy {
  std::chrono::milliseconds first_poll{2000};  // first poll after a submission
  double factor = 1.5;                         // each later delay is this much longer
  std::chrono::milliseconds poll_cap{15000};   // clamped to [first_poll, 30 s] (the seeds' pace)
  std::chrono::milliseconds deadline{30 * 60 * 1000};  // from the first submission to completion
  int max_submit_attempts = 5;  // submissions of one id (each after a lookup said unknown)
  int download_retries = 5;     // failed or no-progress downloads tolerated on the fallback
};

class render_machine {
 public:
  // ---- inputs: the result of the last action (now_ms comes beside each one)
  struct started {
    std::uint64_t part_bytes = 0;  // size of <dest>.part on disk (a job recovered in downloading)
  };
  struct persisted {};
  struct emitted {};
  struct lookup_result {
    enum kind_t { known, unknown, failed } kind = failed;
    render_status status;  // known
    upstream_fault fault;  // failed
    // known ← ok or duplicate, unknown ← not_found, failed ← failed.
    static lookup_result from(const render_answer& a);
  };
  struct submit_result {
    enum kind_t { accepted, duplicate, failed } kind = failed;
    upstream_fault fault;
    // accepted ← ok, duplicate ← duplicate, failed ← not_found or failed.
    static submit_result from(const render_answer& a);
  };
  struct status_result {
    // unknown: the backend does not know the id (the cloud lost it, or the local ffmpeg died
    // with the daemon); it is then submitted again, like after a lookup that said unknown.
    enum kind_t { ok, unknown, failed } kind = failed;
    render_status status;  // ok
    upstream_fault fault;  // failed
    // ok ← ok or duplicate, unknown ← not_found, failed ← failed.
    static status_result from(const render_answer& a);
  };
  struct timer_fired {};
  struct download_result {
    enum kind_t { complete, cut, failed } kind = failed;
    std::uint64_t size = 0;          // complete: bytes in <dest>.part
    std::string sha256;              // complete: of the whole file, lowercase hex
    std::uint64_t bytes_so_far = 0;  // cut: bytes in <dest>.part (the next Range starts there)
    upstream_fault fault;            // cut or failed
  };
  struct verify_result {
    bool ok = false;
    double duration_s = 0;  // ok: what ffprobe read
    std::string message;    // !ok: why the file is not playable
  };
  struct rename_result {
    bool ok = false;
    std::string message;
  };
  struct cancel_requested {};
  struct cancel_result {
    bool ok = false;
    upstream_fault fault;
  };
  using input = std::variant<started, persisted, emitted, lookup_result, submit_result,
                             status_result, timer_fired, download_result, verify_result,
                             rename_result, cancel_requested, cancel_result>;

  // ---- actions
  struct persist {
    render_job job;  // store all of it, then feed persisted
  };
  struct lookup {
    std::string id;  // ask the backend about the id → lookup_result
  };
  struct submit {
    std::string id;  // → submit_result (409 / "already exists" is duplicate)
    nlohmann::json draft;
    nlohmann::json options;
  };
  struct poll {
    std::string id;  // → status_result
  };
  struct wait {
    std::int64_t until_ms = 0;  // → timer_fired
  };
  struct download {
    std::string url;                // → download_result
    std::string part_path;          // write here, fsync it
    std::uint64_t resume_from = 0;  // 0: truncate; else append from `Range: bytes=N-`
  };
  struct download_fallback {
    std::string id;  // the backend's direct-download call for the id → download_result
    std::string part_path;
    std::uint64_t resume_from = 0;
  };
  struct verify {
    std::string path;  // ffprobe it → verify_result
  };
  struct rename {
    std::string from;  // fsync'd .part → dest, then fsync the directory → rename_result
    std::string to;
  };
  struct cancel_upstream {
    std::string id;  // → cancel_result (the cloud call, or kill the local ffmpeg)
  };
  struct emit_event {
    std::string name;          // render.queued|progress|completed|failed|cancelled
    nlohmann::json data;       // to_event_json(job)
    std::string coalesce_key;  // not empty for render.progress: newer replaces older
  };
  struct done {};
  using action = std::variant<persist, lookup, submit, poll, wait, download, download_fallback,
                              verify, rename, cancel_upstream, emit_event, done>;

  // Takes the job as stored (a new one in queued, or one recovered in any state).
  render_machine(render_job job, render_policy policy = {});

  // Feeds the result of the last action (or `started` first) at time `now_ms`; returns the next
  // action. Throws std::logic_error when `in` does not answer the pending action.
  action resume(const input& in, std::int64_t now_ms);

  // The job as the machine sees it (ahead of the store until the pending persist is fed back).
  const render_job& job() const noexcept { return job_; }
  const render_policy& policy() const noexcept { return policy_; }

 private:
  enum class after_wait { poll, lookup, download };

  void on(const started& in);
  void on(const lookup_result& in);
  void on(const submit_result& in);
  void on(const status_result& in);
  void on(const timer_fired& in);
  void on(const download_result& in);
  void on(const verify_result& in);
  void on(const rename_result& in);
  void on(const cancel_requested& in);
  void on(const cancel_result& in);

  void begin_submit();
  void to_rendering();
  void apply_status(const render_status& s);
  void schedule(after_wait what, std::chrono::milliseconds delay);
  void start_download();
  void fail(error e, bool cancel_upstream_too = false);
  void push_persist();
  void push_event(std::string name);
  std::int64_t deadline_ms() const noexcept;
  void download_trouble(const upstream_fault& f, bool stalled);
  static void check(bool expected_input);

  render_job job_;
  render_policy policy_;
  std::int64_t now_ = 0;
  std::vector<action> queue_;  // what follows the pending action (a few at most)
  std::size_t pending_ = 0;    // index in `action` of the action awaiting its result
  bool started_ = false;
  backoff poll_backoff_;   // polls of a submitted job
  backoff retry_backoff_;  // lookups after unclear submits, downloads without progress
  after_wait after_wait_ = after_wait::poll;
  std::uint64_t part_bytes_ = 0;  // bytes in <dest>.part
  bool fallback_ = false;         // downloading from download_fallback
  int download_failures_ = 0;
  render_status completed_;  // what the status said about the file (size, sha256)
};

}  // namespace reel::core
