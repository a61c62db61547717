// render_machine: submission, polling, deadline and recovery, one rule per test. Downloads and
// cancels: render_machine_download_test.cpp; exactly once: render_machine_exactly_once_test.cpp.
#include "core/render_machine_fixture.hpp"

#include <functional>

using namespace render_fixture;

TEST_CASE("the happy path: queued, stored as submitting, submitted, polled, downloaded, done") {
  run r(new_job());
  auto a = r.feed(M::started{});
  CHECK(as<M::emit_event>(a).name == "render.queued");
  a = r.feed(M::emitted{});
  CHECK(as<M::persist>(a).job.state == render_state::submitting);
  CHECK(as<M::persist>(a).job.attempts == 1);
  CHECK(as<M::persist>(a).job.submitted_ms == t0);
  a = r.feed(M::persisted{});
  const auto& s = as<M::submit>(a);
  CHECK(s.id == id);
  CHECK(s.draft == new_job().draft);
  CHECK(s.options == new_job().options);

  a = r.feed(M::submit_result{M::submit_result::accepted, {}});
  CHECK(as<M::persist>(a).job.state == render_state::rendering);
  a = r.feed(M::persisted{});
  CHECK(as<M::emit_event>(a).name == "render.progress");
  CHECK(as<M::emit_event>(a).coalesce_key == "render.progress:" + id);
  CHECK(as<M::wait>(r.feed(M::emitted{})).until_ms == t0 + 2000);

  CHECK(as<M::poll>(r.fire()).id == id);
  a = r.feed(ok_status(upstream_state::processing, 0.42));
  CHECK(as<M::emit_event>(a).data ==
        json{{"job", id}, {"session", "s_1"}, {"state", "rendering"}, {"progress", 0.42}});
  CHECK(as<M::wait>(r.feed(M::emitted{})).until_ms == r.now + 3000);

  as<M::poll>(r.fire());
  a = r.feed(ok_status(upstream_state::completed, 1.0, url));
  CHECK(as<M::persist>(a).job.state == render_state::downloading);
  CHECK(as<M::persist>(a).job.output.url == url);
  const auto& d = as<M::download>(r.settle());
  CHECK(d.url == url);
  CHECK(d.part_path == part);
  CHECK(d.resume_from == 0);

  CHECK(as<M::verify>(r.go(complete(4096, "AB"))).path == part);
  const auto& mv = as<M::rename>(r.go(M::verify_result{true, 2.5, {}}));
  CHECK(mv.from == part);
  CHECK(mv.to == dest);
  r.now += 10;
  a = r.feed(M::rename_result{true, {}});
  const auto& done = as<M::persist>(a).job;
  CHECK(done.state == render_state::completed);
  CHECK(done.progress == 1.0);
  CHECK(done.output.path == dest);
  CHECK(done.output.size == 4096u);
  CHECK(done.output.sha256 == "ab");
  CHECK(done.output.duration_s == 2.5);
  CHECK(done.finished_ms == r.now);
  CHECK(done.updated_ms == r.now);
  a = r.feed(M::persisted{});
  CHECK(as<M::emit_event>(a).name == "render.completed");
  CHECK(as<M::emit_event>(a).coalesce_key.empty());
  as<M::done>(r.feed(M::emitted{}));
  CHECK(r.events() == std::vector<std::string>{"render.queued", "render.progress",
                                               "render.progress", "render.progress",
                                               "render.completed"});
  CHECK(r.count(M::action(M::submit{}).index()) == 1);
}

TEST_CASE("backoff delays: 2, 3, 4.5, 6.75, 10.125 s, then the cap") {
  struct row {
    std::chrono::milliseconds cap;
    std::vector<std::int64_t> delays;
  };
  const row rows[] = {
      {15000ms, {2000, 3000, 4500, 6750, 10125, 15000, 15000}},
      {5000ms, {2000, 3000, 4500, 5000, 5000}},
      {60000ms, {2000, 3000, 4500, 6750, 10125, 15188, 22781, 30000, 30000}},  // clamped to 30 s
      {1000ms, {2000, 2000, 2000}},  // a cap below the first delay is the first delay
  };
  for (const auto& rw : rows) {
    CAPTURE(rw.cap.count());
    render_policy p;
    p.poll_cap = rw.cap;
    p.deadline = 24h;
    run r = polling(p);
    std::vector<std::int64_t> got;
    for (std::size_t i = 0; i < rw.delays.size(); ++i) {
      got.push_back(as<M::wait>(r.last).until_ms - r.now);
      as<M::poll>(r.fire());
      r.go(ok_status(upstream_state::processing));
    }
    CHECK(got == rw.delays);
  }
  CHECK(backoff_delay({2000ms, 1.5, 15000ms}, 0) == 2000ms);
  CHECK(backoff_delay({2000ms, 1.5, 15000ms}, 3) == 6750ms);
  CHECK(backoff_delay({2000ms, 1.5, 15000ms}, 1000000) == 15000ms);
  CHECK(backoff_delay({2000ms, 0.5, 15000ms}, 3) == 2000ms);  // never shrinking
  backoff b({100ms, 2.0, 1000ms});
  CHECK(b.next() == 100ms);
  CHECK(b.next() == 200ms);
  CHECK(b.steps() == 2);
  b.reset();
  CHECK(b.next() == 100ms);
}

TEST_CASE("past the deadline the last poll happens at the deadline, then the job fails timeout") {
  render_policy p;
  p.deadline = 20s;
  run r = polling(p);
  std::int64_t last_wait = 0;
  while (std::holds_alternative<M::wait>(r.last)) {
    last_wait = as<M::wait>(r.last).until_ms;
    as<M::poll>(r.fire());
    r.feed(ok_status(upstream_state::processing));
    r.settle();
  }
  CHECK(last_wait == t0 + 20000);  // 2+3+4.5+6.75 = 16.25 s, then clamped to the deadline
  const auto persists = r.persists();
  const auto& failed = persists.back();
  CHECK(failed.state == render_state::failed);
  REQUIRE(failed.failure);
  CHECK(failed.failure->code == errc::timeout);
  // The job is failed locally and upstream, then announced.
  CHECK(as<M::cancel_upstream>(r.last).id == id);
  as<M::emit_event>(r.feed(M::cancel_result{true, {}}));
  CHECK(as<M::emit_event>(r.last).name == "render.failed");
  as<M::done>(r.feed(M::emitted{}));
}

TEST_CASE("5xx, 408, 429 and network errors keep polling the same id with backoff") {
  run r = polling();
  const std::vector<M::status_result> faults = {bad_status(502), bad_status(503), bad_status(0),
                                                bad_status(429), bad_status(408)};
  const std::vector<std::int64_t> delays = {3000, 4500, 6750, 10125, 15000};
  as<M::poll>(r.fire());
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const auto& w = as<M::wait>(r.go(faults[i]));
    CHECK(w.until_ms - r.now == delays[i]);
    CHECK(as<M::poll>(r.fire()).id == id);
  }
  CHECK(r.m.job().state == render_state::rendering);
  CHECK(r.count(M::action(M::submit{}).index()) == 1);
}

TEST_CASE("a 4xx on a poll fails the job with the cloud's message") {
  run r = polling();
  as<M::poll>(r.fire());
  const auto& j = as<M::persist>(r.feed(bad_status(403, "token has no access"))).job;
  CHECK(j.state == render_state::failed);
  REQUIRE(j.failure);
  CHECK(j.failure->code == errc::upstream_error);
  CHECK(j.failure->message ==
        "the render's status could not be read: HTTP 403: token has no access");
  CHECK(j.failure->upstream_code == 403);
}

TEST_CASE("a refused submission fails the job; 402 says it is the plan") {
  run r(new_job());
  as<M::submit>(r.go(M::started{}));
  const auto& j =
      as<M::persist>(r.feed(M::submit_result::from(classify_render_answer(
                         402, json{{"code", 402}, {"message", "Free plan export blocked"}}))))
          .job;
  CHECK(j.state == render_state::failed);
  CHECK(j.failure->code == errc::plan_blocked);
  CHECK(j.failure->message == "the render was refused: HTTP 402: Free plan export blocked");
  r.feed(M::persisted{});
  CHECK(as<M::emit_event>(r.last).name == "render.failed");
  as<M::done>(r.feed(M::emitted{}));
  CHECK(r.count(M::action(M::cancel_upstream{}).index()) == 0);  // nothing runs upstream
}

TEST_CASE("a duplicate-id answer means already submitted: go on polling, never submit again") {
  run r(new_job());
  as<M::submit>(r.go(M::started{}));
  const auto dup = M::submit_result::from(classify_render_answer(
      409, json{{"code", 4090}, {"message", "render " + id + " already exists"}}));
  CHECK(dup.kind == M::submit_result::duplicate);
  as<M::wait>(r.go(dup));
  CHECK(r.m.job().state == render_state::rendering);
  as<M::poll>(r.fire());
  CHECK(r.count(M::action(M::submit{}).index()) == 1);
}

TEST_CASE("a submit without a clear answer is looked up, and sent again only when unknown") {
  run r(new_job());
  as<M::submit>(r.go(M::started{}));
  // Network error: the cloud may have it. Look it up after a delay, do not resubmit.
  const auto& w = as<M::wait>(r.go(M::submit_result{M::submit_result::failed, {0, {}, "reset"}}));
  CHECK(w.until_ms == r.now + 2000);
  CHECK(as<M::lookup>(r.fire()).id == id);
  // The lookup fails too: look up again, later.
  as<M::wait>(r.go(M::lookup_result{M::lookup_result::failed, {}, {503, {}, "busy"}}));
  as<M::lookup>(r.fire());
  // Unknown: store the second attempt, then submit the same id.
  const auto& p = as<M::persist>(r.feed(M::lookup_result{M::lookup_result::unknown, {}, {}})).job;
  CHECK(p.state == render_state::submitting);
  CHECK(p.attempts == 2);
  CHECK(as<M::submit>(r.feed(M::persisted{})).id == id);
  // This time a 5xx, and the lookup says the cloud has it: polling, no third submit.
  as<M::wait>(r.go(M::submit_result{M::submit_result::failed, {502, {}, ""}}));
  as<M::lookup>(r.fire());
  const auto known = M::lookup_result::from(
      classify_render_answer(200, json{{"code", 0}, {"data", {{"status", "processing"}}}}));
  CHECK(known.kind == M::lookup_result::known);
  as<M::wait>(r.go(known));
  CHECK(r.m.job().state == render_state::rendering);
  as<M::poll>(r.fire());
  CHECK(r.count(M::action(M::submit{}).index()) == 2);
}

TEST_CASE("a poll answered not found submits the same id again, stored first") {
  // After a restart the local ffmpeg is gone; the cloud may have lost the job too.
  run r(new_job(render_state::rendering));
  r.m = M([] {
    auto j = new_job(render_state::rendering);
    j.attempts = 1;
    j.submitted_ms = t0;
    return j;
  }());
  as<M::poll>(r.go(M::started{}));
  const auto unknown = M::status_result::from(
      classify_render_answer(404, json{{"code", 404}, {"message", "render not found"}}));
  CHECK(unknown.kind == M::status_result::unknown);
  const auto& p = as<M::persist>(r.feed(unknown)).job;
  CHECK(p.state == render_state::submitting);
  CHECK(p.attempts == 2);
  CHECK(as<M::submit>(r.feed(M::persisted{})).id == id);
}

TEST_CASE("a job that is never accepted gives up after max_submit_attempts") {
  render_policy p;
  p.max_submit_attempts = 2;
  run r(new_job(), p);
  as<M::submit>(r.go(M::started{}));
  as<M::wait>(r.go(M::submit_result{M::submit_result::failed, {0, {}, ""}}));
  as<M::lookup>(r.fire());
  as<M::submit>(r.go(M::lookup_result{M::lookup_result::unknown, {}, {}}));
  as<M::wait>(r.go(M::submit_result{M::submit_result::failed, {0, {}, ""}}));
  as<M::lookup>(r.fire());
  const auto& j = as<M::persist>(r.feed(M::lookup_result{M::lookup_result::unknown, {}, {}})).job;
  CHECK(j.state == render_state::failed);
  CHECK(j.attempts == 2);
}

TEST_CASE("a lookup that finds the render finished goes straight to its outcome") {
  run r(new_job(render_state::submitting));
  as<M::lookup>(r.go(M::started{}));
  const auto& d = as<M::download>(r.go(
      M::lookup_result{M::lookup_result::known, status(upstream_state::completed, 1, url), {}}));
  CHECK(d.url == url);

  run f(new_job(render_state::submitting));
  as<M::lookup>(f.go(M::started{}));
  render_status s = status(upstream_state::failed);
  s.message = "GPU on fire";
  const auto& j = as<M::persist>(f.feed(M::lookup_result{M::lookup_result::known, s, {}})).job;
  CHECK(j.state == render_state::failed);  // straight to the outcome
  CHECK(j.failure->message == "the render failed upstream: GPU on fire");
}

TEST_CASE("recovery from the store: each state resumes at its own step") {
  {
    run r(new_job(render_state::queued));
    CHECK(as<M::emit_event>(r.feed(M::started{})).name == "render.queued");
    as<M::persist>(r.feed(M::emitted{}));
  }
  {
    auto j = new_job(render_state::submitting);
    j.attempts = 1;
    run r(j);
    CHECK(as<M::lookup>(r.feed(M::started{})).id == id);  // never a submit first
  }
  {
    run r(new_job(render_state::rendering));
    CHECK(as<M::poll>(r.feed(M::started{})).id == id);
  }
  {
    auto j = new_job(render_state::downloading);
    j.output.url = url;
    run r(j);
    const auto& d = as<M::download>(r.feed(M::started{1000}));
    CHECK(d.url == url);
    CHECK(d.resume_from == 1000);
  }
  {
    run r(new_job(render_state::downloading));  // no URL was given: the fallback call
    const auto& d = as<M::download_fallback>(r.feed(M::started{7}));
    CHECK(d.id == id);
    CHECK(d.resume_from == 7);
  }
  for (auto s : {render_state::completed, render_state::failed, render_state::cancelled}) {
    run r(new_job(s));
    as<M::done>(r.feed(M::started{}));
  }
}

TEST_CASE("progress events only when progress grows; progress never goes back") {
  run r = polling();
  const std::vector<std::optional<double>> answers = {0.1, 0.1, std::nullopt, 0.05, 0.3};
  for (const auto& p : answers) {
    r.fire();
    r.go(ok_status(upstream_state::processing, p));
  }
  CHECK(r.events() == std::vector<std::string>{"render.queued", "render.progress",
                                               "render.progress", "render.progress"});
  CHECK(r.m.job().progress == 0.3);
}

TEST_CASE("an input that does not answer the pending action is a driver bug") {
  run r(new_job());
  CHECK_THROWS_AS(r.feed(M::persisted{}), std::logic_error);  // started must come first
  run s(new_job());
  as<M::submit>(s.go(M::started{}));
  CHECK_THROWS_AS(s.feed(M::timer_fired{}), std::logic_error);
  CHECK_THROWS_AS(s.feed(M::started{}), std::logic_error);
  run p(new_job());
  as<M::emit_event>(p.feed(M::started{}));
  as<M::persist>(p.feed(M::emitted{}));
  CHECK_THROWS_AS(p.feed(M::submit_result{}), std::logic_error);
}
