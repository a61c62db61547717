// "No path submits one job twice", checked exhaustively: a depth-first search over every
// sequence of answers the driver may feed (bounded in depth), where the process may also crash
// at any I/O action and restart from the job as last stored. The cloud is modelled honestly
// (it knows the id once a submit reached it; a lost submit never did), the answers are
// otherwise chosen adversarially (errors, 4xx, cuts, cancels, late timers).
//
// Invariants, checked at every action the machine emits:
//  I1 store before submit: a submit immediately follows a persist of state `submitting`, with
//     the same attempt count, that the store committed and the driver acknowledged;
//  I2 exactly once: the cloud never receives a submit for an id it already has;
//  I3 ask before resubmit: between two submits there is a lookup answered `unknown`;
//  I4 done is durable: `done` comes only once the store holds the same finished state.
#include "core/render_machine.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace reel::core;
using nlohmann::json;
using M = render_machine;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;

struct node {
  std::optional<M> m;
  M::action pending;
  render_job stored;  // what the store holds (the last committed persist)
  std::int64_t now = t0;
  int depth = 0;
  int crashes = 0;
  int cancels = 0;
  bool cloud_has = false;  // the cloud received a submit of this id
  bool may_submit = true;  // I3: no submit since the start or the last lookup that said unknown
  bool acked_submitting = false;  // I1: the last action was persist(submitting), committed + acked
  int attempts_acked = 0;
  std::vector<const char*> trail;  // for the failure message
};

const char* persist_label(render_state s) {
  static const char* const labels[] = {
      "persist:queued",    "persist:submitting", "persist:rendering", "persist:downloading",
      "persist:completed", "persist:failed",     "persist:cancelled"};
  return labels[static_cast<int>(s)];
}

struct stats {
  long paths = 0;
  long nodes = 0;
  long submits = 0;
  long resubmits = 0;  // submits after a lookup said unknown
  long restarts = 0;
  long completed = 0, failed = 0, cancelled = 0;
  int max_submits_one_path = 0;
};

struct search {
  render_policy policy;
  int max_depth = 0;
  int max_crashes = 0;
  stats st;

  std::string trail(const node& n) const {
    std::string s;
    for (const char* t : n.trail) (s += t) += ' ';
    return s;
  }

  // Checks the invariants for the action `n.m` just emitted, then explores on.
  void emitted(node n, const M::action& a, int submits_on_path) {
    ++st.nodes;
    if (const auto* s = std::get_if<M::submit>(&a)) {
      INFO(trail(n));
      REQUIRE(n.acked_submitting);                          // I1
      REQUIRE(n.stored.state == render_state::submitting);  // I1
      REQUIRE(n.stored.attempts == n.m->job().attempts);    // I1
      REQUIRE_FALSE(n.cloud_has);                           // I2
      REQUIRE(n.may_submit);                                // I3
      REQUIRE(s->id == n.stored.id);
      st.submits++;
      if (submits_on_path > 0) st.resubmits++;
      n.may_submit = false;
      submits_on_path++;
      st.max_submits_one_path = std::max(st.max_submits_one_path, submits_on_path);
    }
    if (std::holds_alternative<M::done>(a)) {
      INFO(trail(n));
      REQUIRE(is_finished(n.stored.state));         // I4
      REQUIRE(n.stored.state == n.m->job().state);  // I4
      ++st.paths;
      if (n.stored.state == render_state::completed) ++st.completed;
      if (n.stored.state == render_state::failed) ++st.failed;
      if (n.stored.state == render_state::cancelled) ++st.cancelled;
      return;
    }
    n.acked_submitting = false;
    n.pending = a;
    explore(std::move(n), submits_on_path);
  }

  void feed(node n, const M::input& in, const char* label, int submits_on_path, std::int64_t now) {
    n.now = now;
    n.trail.push_back(label);
    const auto next = n.m->resume(in, n.now);
    emitted(std::move(n), next, submits_on_path);
  }

  void crash(node n, int submits_on_path) {
    if (n.crashes >= max_crashes) return;
    ++st.restarts;
    n.crashes++;
    n.acked_submitting = false;
    n.now += 1000;
    n.trail.push_back("CRASH");
    n.m.emplace(n.stored, policy);
    // A recovered download finds the part file it left (any size will do here).
    const std::uint64_t part = n.stored.state == render_state::downloading ? 100 : 0;
    const auto first = n.m->resume(M::started{part}, n.now);
    emitted(std::move(n), first, submits_on_path);
  }

  void explore(node n, int spath) {
    // Handing an event to the hub has one outcome: it does not count towards the depth.
    if (!std::holds_alternative<M::emit_event>(n.pending) && ++n.depth > max_depth) {
      ++st.paths;  // cut off: the invariants held on this prefix
      return;
    }
    const auto t = n.now + 1000;
    const M::action& a = n.pending;
    const bool can_cancel = n.cancels == 0;
    auto cancel = [&](node c, bool reached) {
      if (!can_cancel) return;
      c.cancels++;
      c.cloud_has = c.cloud_has || reached;
      feed(std::move(c), M::cancel_requested{}, "cancel", spath, t);
    };

    if (const auto* p = std::get_if<M::persist>(&a)) {
      crash(n, spath);  // before the commit
      node c = n;
      c.stored = p->job;
      crash(c, spath);  // after the commit, before the ack
      // I1 holds for the action right after this ack only (emitted() clears the flag).
      c.acked_submitting = p->job.state == render_state::submitting;
      feed(std::move(c), M::persisted{}, persist_label(p->job.state), spath, t);
    } else if (std::holds_alternative<M::emit_event>(a)) {
      feed(n, M::emitted{}, "emitted", spath, t);
    } else if (std::holds_alternative<M::submit>(a)) {
      crash(n, spath);  // the submit was lost
      {
        node c = n;
        c.cloud_has = true;
        crash(c, spath);  // the submit reached the cloud, the answer was lost
      }
      cancel(n, false);
      cancel(n, true);
      node ok = n;
      ok.cloud_has = true;
      feed(ok, M::submit_result{M::submit_result::accepted, {}}, "accepted", spath, t);
      feed(n, M::submit_result{M::submit_result::failed, {0, {}, "lost"}}, "neterr-lost", spath, t);
      feed(ok, M::submit_result{M::submit_result::failed, {502, {}, ""}}, "502-reached", spath, t);
      feed(n, M::submit_result{M::submit_result::failed, {400, {}, "bad"}}, "400", spath, t);
    } else if (std::holds_alternative<M::lookup>(a)) {
      crash(n, spath);
      cancel(n, false);
      feed(n, M::lookup_result{M::lookup_result::failed, {}, {503, {}, ""}}, "lookup-503", spath,
           t);
      feed(n, M::lookup_result{M::lookup_result::failed, {}, {403, {}, ""}}, "lookup-403", spath,
           t);
      if (n.cloud_has) {
        render_status s;
        s.state = upstream_state::processing;
        feed(n, M::lookup_result{M::lookup_result::known, s, {}}, "known", spath, t);
        s.state = upstream_state::completed;
        s.url = "u";
        feed(n, M::lookup_result{M::lookup_result::known, s, {}}, "known-done", spath, t);
      } else {
        node u = n;
        u.may_submit = true;
        feed(u, M::lookup_result{M::lookup_result::unknown, {}, {}}, "unknown", spath, t);
      }
    } else if (std::holds_alternative<M::poll>(a)) {
      crash(n, spath);
      cancel(n, false);
      render_status s;
      s.state = upstream_state::processing;
      s.progress = 0.5;
      feed(n, M::status_result{M::status_result::ok, s, {}}, "processing", spath, t);
      s.state = upstream_state::completed;
      s.url = "u";
      feed(n, M::status_result{M::status_result::ok, s, {}}, "completed", spath, t);
      s.state = upstream_state::failed;
      feed(n, M::status_result{M::status_result::ok, s, {}}, "failed", spath, t);
      feed(n, M::status_result{M::status_result::failed, {}, {503, {}, ""}}, "poll-503", spath, t);
      feed(n, M::status_result{M::status_result::failed, {}, {403, {}, ""}}, "poll-403", spath, t);
      if (!n.cloud_has) {  // an honest cloud says unknown only for an id it never got
        node u = n;
        u.may_submit = true;
        feed(u, M::status_result{M::status_result::unknown, {}, {404, {}, ""}}, "poll-unknown",
             spath, t);
      }
    } else if (const auto* w = std::get_if<M::wait>(&a)) {
      crash(n, spath);
      cancel(n, false);
      feed(n, M::timer_fired{}, "timer", spath, w->until_ms);
      // Very late (a suspended laptop): past any deadline.
      feed(n, M::timer_fired{}, "timer-late", spath, w->until_ms + policy.deadline.count());
    } else if (std::holds_alternative<M::download>(a) ||
               std::holds_alternative<M::download_fallback>(a)) {
      crash(n, spath);
      cancel(n, false);
      feed(n, M::download_result{M::download_result::complete, 10, "ab", 0, {}}, "dl-ok", spath, t);
      feed(n, M::download_result{M::download_result::cut, 0, {}, 50, {0, {}, ""}}, "dl-cut", spath,
           t);
      feed(n, M::download_result{M::download_result::failed, 0, {}, 0, {503, {}, ""}}, "dl-503",
           spath, t);
    } else if (std::holds_alternative<M::verify>(a)) {
      crash(n, spath);
      feed(n, M::verify_result{true, 1.0, {}}, "playable", spath, t);
      feed(n, M::verify_result{false, 0, "bad"}, "unplayable", spath, t);
    } else if (std::holds_alternative<M::rename>(a)) {
      crash(n, spath);
      feed(n, M::rename_result{true, {}}, "renamed", spath, t);
    } else if (std::holds_alternative<M::cancel_upstream>(a)) {
      crash(n, spath);
      feed(n, M::cancel_result{true, {}}, "cancelled-upstream", spath, t);
    } else {
      FAIL("unexpected action " << a.index());
    }
  }

  // Explores from `j` as stored; `cloud_has`: whether an earlier submit reached the cloud.
  void start(render_job j, bool cloud_has = false) {
    node n;
    n.stored = j;
    n.cloud_has = cloud_has;
    n.may_submit = j.attempts == 0;
    n.m.emplace(j, policy);
    const auto first = n.m->resume(M::started{}, n.now);
    emitted(std::move(n), first, static_cast<int>(j.attempts));
  }
};

// The search depth (I/O actions per path, restarts included): small enough for every test run
// in a Debug build; REEL_RENDER_SEARCH_EXTRA=N searches N levels deeper (each about doubles it).
int depth(int base) {
  const char* extra = std::getenv("REEL_RENDER_SEARCH_EXTRA");
  return base + (extra ? std::atoi(extra) : 0);
}

render_job job_in(render_state s) {
  auto j = make_render_job("render_1700000000000_a", "s", "nemovideo", json::object(),
                           json::object(), "/r/a.mp4", t0);
  j.state = s;
  return j;
}

}  // namespace

TEST_CASE("exactly once: no sequence of answers, crashes and restarts submits a job twice") {
  search s;
  s.policy.max_submit_attempts = 3;
  s.policy.download_retries = 1;
  s.policy.deadline = 60s;
  s.max_depth = depth(10);
  s.max_crashes = 2;
  s.start(job_in(render_state::queued));
  MESSAGE("paths " << s.st.paths << ", actions " << s.st.nodes << ", submits " << s.st.submits
                   << ", resubmits after unknown " << s.st.resubmits << ", restarts "
                   << s.st.restarts << ", completed " << s.st.completed << ", failed "
                   << s.st.failed << ", cancelled " << s.st.cancelled);
  // The search did reach the interesting places.
  CHECK(s.st.resubmits > 0);
  CHECK(s.st.restarts > 0);
  CHECK(s.st.completed > 0);
  CHECK(s.st.failed > 0);
  CHECK(s.st.cancelled > 0);
  CHECK(s.st.max_submits_one_path <= s.policy.max_submit_attempts);
}

TEST_CASE("exactly once from a job found in submitting or rendering, known upstream or not") {
  // submitting: the submit may or may not have left. rendering but unknown upstream: the local
  // ffmpeg died with the daemon (or the cloud lost the job).
  for (auto state : {render_state::submitting, render_state::rendering}) {
    for (bool reached : {false, true}) {
      CAPTURE(to_string(state));
      CAPTURE(reached);
      search s;
      s.policy.max_submit_attempts = 3;
      s.policy.deadline = 60s;
      s.max_depth = depth(8);
      s.max_crashes = 1;
      auto j = job_in(state);
      j.attempts = 1;
      j.submitted_ms = t0;
      s.start(j, reached);
      MESSAGE(to_string(state) << std::string(reached ? ", known" : ", unknown")
                               << " upstream: paths " << s.st.paths << ", submits "
                               << s.st.submits);
      CHECK(s.st.paths > 0);
      if (reached)
        CHECK(s.st.submits == 0);  // the backend has it: it is never sent again
      else
        CHECK(s.st.submits > 0);  // it does not: sent again (same id) once it said so
    }
  }
}
