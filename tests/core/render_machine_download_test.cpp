// render_machine: downloads (Range resume, fallback, checks), verify, rename, and cancel in
// every state.
#include "core/render_machine_fixture.hpp"

#include <functional>

using namespace render_fixture;

TEST_CASE("cancel in every state: local first, upstream when something may run there") {
  struct row {
    const char* name;
    std::function<run()> reach;
    bool upstream;
  };
  const auto fresh_submit = [] {
    run r(new_job());
    r.go(M::started{});
    return r;
  };
  const std::vector<row> rows = {
      {"submit pending", fresh_submit, true},
      {"lookup pending",
       [] {
         run r(new_job(render_state::submitting));
         r.go(M::started{});
         return r;
       },
       true},
      {"lookup wait",
       [&] {
         run r = fresh_submit();
         r.go(M::submit_result{M::submit_result::failed, {0, {}, ""}});
         return r;
       },
       true},
      {"poll wait", [] { return polling(); }, true},
      {"poll pending",
       [] {
         run r = polling();
         r.fire();
         return r;
       },
       true},
      {"download", [] { return downloading(); }, false},
      {"download wait",
       [] {
         run r = downloading();
         r.go(cut(0));
         return r;
       },
       false},
      {"download fallback",
       [] {
         run r = downloading();
         r.go(dl_failed(404));
         return r;
       },
       false},
      {"verify",
       [] {
         run r = downloading();
         r.go(complete());
         return r;
       },
       false},
  };
  for (const auto& rw : rows) {
    CAPTURE(rw.name);
    run r = rw.reach();
    r.now += 5;
    const auto& j = as<M::persist>(r.feed(M::cancel_requested{})).job;
    CHECK(j.state == render_state::cancelled);
    CHECK(j.finished_ms == r.now);
    r.feed(M::persisted{});
    if (rw.upstream) {
      CHECK(as<M::cancel_upstream>(r.last).id == id);
      r.feed(M::cancel_result{false, {502, {}, ""}});  // best effort: a failure changes nothing
    }
    CHECK(as<M::emit_event>(r.last).name == "render.cancelled");
    as<M::done>(r.feed(M::emitted{}));
    as<M::done>(r.feed(M::cancel_requested{}));  // again, once done: nothing changes
    CHECK(r.m.job().state == render_state::cancelled);
  }
  // Cancelled while queued, before anything was stored as submitting (from the queued event).
  run q(new_job());
  as<M::emit_event>(q.feed(M::started{}));
  CHECK_THROWS_AS(q.feed(M::cancel_requested{}), std::logic_error);  // the driver holds it
  // A job already finished stays finished.
  run c(new_job(render_state::completed));
  as<M::done>(c.feed(M::started{}));
  as<M::done>(c.feed(M::cancel_requested{}));
  CHECK(c.m.job().state == render_state::completed);
  // The cloud cancelling on its own ends the job cancelled too.
  run u = polling();
  u.fire();
  CHECK(as<M::persist>(u.feed(ok_status(upstream_state::cancelled))).job.state ==
        render_state::cancelled);
}

TEST_CASE("a cancel replacing a pending cancel_upstream just goes on") {
  render_policy p;
  p.deadline = 2s;
  run r = polling(p);
  r.fire();
  r.go(ok_status(upstream_state::processing));  // past the deadline: failed + cancel_upstream
  as<M::cancel_upstream>(r.last);
  CHECK(as<M::emit_event>(r.feed(M::cancel_requested{})).name == "render.failed");
  as<M::done>(r.feed(M::emitted{}));
  CHECK(r.m.job().state == render_state::failed);
}

TEST_CASE("a download cut in the middle resumes with a Range from the bytes it has") {
  render_policy p;
  p.download_retries = 2;
  run r = downloading(p);
  CHECK(as<M::download>(r.go(cut(1000))).resume_from == 1000);  // progress: at once
  CHECK(as<M::download>(r.go(cut(2500))).resume_from == 2500);
  // No progress: wait, then the same Range again.
  const auto& w = as<M::wait>(r.go(cut(2500)));
  CHECK(w.until_ms == r.now + 2000);
  const auto& d = as<M::download>(r.fire());
  CHECK(d.url == url);
  CHECK(d.resume_from == 2500);
  as<M::verify>(r.go(complete()));
  CHECK(r.count(M::action(M::download_fallback{}).index()) == 0);
}

TEST_CASE("a failing URL falls back to the direct download once, from the first byte") {
  render_policy p;
  p.download_retries = 2;
  run r = downloading(p);
  r.go(cut(1000));
  const auto& f = as<M::download_fallback>(r.go(dl_failed(403)));
  CHECK(f.id == id);
  CHECK(f.part_path == part);
  CHECK(f.resume_from == 0);  // another source: its bytes may differ
  // The fallback resumes its own cuts and retries passing trouble, never going back to the URL.
  CHECK(as<M::download_fallback>(r.go(cut(300))).resume_from == 300);
  as<M::wait>(r.go(dl_failed(503)));
  CHECK(as<M::download_fallback>(r.fire()).resume_from == 300);
  as<M::wait>(r.go(dl_failed(0)));
  as<M::download_fallback>(r.fire());
  const auto& j = as<M::persist>(r.feed(dl_failed(503))).job;  // retries used up
  CHECK(j.state == render_state::failed);
  CHECK(j.failure->message == "the rendered file could not be downloaded: HTTP 503: nope");
  CHECK(r.count(M::action(M::download{}).index()) == 2);  // the first and its resume only

  run g = downloading(p);
  as<M::download_fallback>(g.go(dl_failed(404)));
  const auto& k = as<M::persist>(g.feed(dl_failed(404))).job;  // 4xx on the fallback: no retry
  CHECK(k.state == render_state::failed);
}

TEST_CASE(
    "a download that does not match the announced size or sha256 starts over on the fallback") {
  run r = polling();
  r.fire();
  auto s = status(upstream_state::completed, 1, url);
  s.size = 4096;
  s.sha256 = "ab";
  as<M::download>(r.go(M::status_result{M::status_result::ok, s, {}}));
  CHECK(as<M::download_fallback>(r.go(complete(4096, "cd"))).resume_from == 0);
  as<M::verify>(r.go(complete(4096, "AB")));
}

TEST_CASE("a file ffprobe rejects fails the job; a rename that fails too") {
  run r = downloading();
  as<M::verify>(r.go(complete()));
  const auto& j = as<M::persist>(r.feed(M::verify_result{false, 0, "moov atom not found"})).job;
  CHECK(j.state == render_state::failed);
  CHECK(j.failure->message == "the rendered file is not playable: moov atom not found");
  CHECK(j.output.path.empty());

  run m = downloading();
  m.go(complete());
  as<M::rename>(m.go(M::verify_result{true, 1.0, {}}));
  CHECK(as<M::persist>(m.feed(M::rename_result{false, "EXDEV"})).job.failure->code ==
        errc::internal);
}
