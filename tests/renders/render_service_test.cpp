// The render service in-process against the simulator: a job's whole life, transient faults,
// fallbacks, refusals, cancel, the deadline and the concurrency limit.
#include "render_fixture.hpp"

#include <doctest/doctest.h>

#include <filesystem>

namespace reel::test {
namespace {

using fake_nemo::endpoint;

bool any_request(fake_nemo::simulator& sim, endpoint ep, const std::string& header,
                 const std::string& value) {
  for (const auto& r : sim.requests()) {
    if (r.ep != ep) continue;
    for (const auto& [k, v] : r.headers)
      if (k == header && v == value) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a render job is stored before it is sent, posted once, and ends with the file whole") {
  render_fixture fx;
  auto job = fx.start({{"quality", "high"}});
  CHECK(job.state == core::render_state::queued);
  CHECK(core::is_render_id(job.id));
  // (That it is stored before anything is sent is the crash test's business.)

  auto done = fx.wait_finished(job.id);
  const std::string why = done.failure ? done.failure->message : "";
  INFO(why);
  REQUIRE(done.state == core::render_state::completed);
  const auto& mp4 = fake_nemo::shared_sample_mp4();
  CHECK(done.output.path == fx.dir.file("renders") + "/" + job.id + ".mp4");
  CHECK(done.output.sha256 == mp4.sha256);
  CHECK(done.output.size == mp4.size);
  CHECK(fake_nemo::sha256_file(done.output.path) == mp4.sha256);
  REQUIRE(done.output.duration_s);
  CHECK(*done.output.duration_s == doctest::Approx(2.0).epsilon(0.05));
  CHECK_FALSE(std::filesystem::exists(done.output.path + ".part"));
  CHECK(fx.sim().get_counters().posts(job.id) == 1);
  // The draft went as stored, unknown keys included.
  CHECK(fx.sim().render(job.id)->draft == fx.draft);

  const auto names = fx.log.names("renders", job.id);
  REQUIRE(names.size() >= 3);
  CHECK(names.front() == "render.queued");
  CHECK(names.back() == "render.completed");
  CHECK(fx.log.names("session:s_test", job.id) == names);
  for (const auto& e : fx.log.seen) {
    if (e.name == "render.progress") CHECK(e.key == e.topic + "|render.progress:" + job.id);
    if (e.name == "render.completed") {
      CHECK(e.data["output"]["path"] == done.output.path);
      CHECK(e.data["output"]["size"] == mp4.size);
      CHECK(e.data["output"]["duration_s"].is_number());
    }
  }
}

TEST_CASE("five 502s in a row on status polls do not fail the job") {
  render_fixture fx;
  fx.sim().fail_next(endpoint::render_status, 5, 502);
  auto job = fx.start();
  auto done = fx.wait_finished(job.id);
  CHECK(done.state == core::render_state::completed);
  CHECK(fx.sim().get_counters().posts(job.id) == 1);
  CHECK(fx.sim().get_counters().polls(job.id) >= 3);
}

TEST_CASE("a download cut midway resumes with a Range request") {
  render_fixture fx;
  fx.sim().drop_next(endpoint::file, 1, 10000);
  auto job = fx.start();
  auto done = fx.wait_finished(job.id);
  REQUIRE(done.state == core::render_state::completed);
  CHECK(fake_nemo::sha256_file(done.output.path) == fake_nemo::shared_sample_mp4().sha256);
  CHECK(any_request(fx.sim(), endpoint::file, "Range", "bytes=10000-"));
}

TEST_CASE("the direct-download endpoint is the fallback when the URL fails or is missing") {
  SUBCASE("no URL in the status") {
    render_fixture fx;
    fx.sim().update_knobs(
        [](fake_nemo::knobs& k) { k.render_url = fake_nemo::url_placement::none; });
    auto job = fx.start();
    auto done = fx.wait_finished(job.id);
    REQUIRE(done.state == core::render_state::completed);
    CHECK(fx.sim().get_counters().calls(endpoint::render_download) >= 1);
    CHECK(fx.sim().get_counters().calls(endpoint::file) == 0);
  }
  SUBCASE("the URL answers 404") {
    render_fixture fx;
    fx.sim().fail_next(endpoint::file, 3, 404);
    auto job = fx.start();
    auto done = fx.wait_finished(job.id);
    REQUIRE(done.state == core::render_state::completed);
    CHECK(fx.sim().get_counters().calls(endpoint::render_download) >= 1);
    CHECK(fake_nemo::sha256_file(done.output.path) == fake_nemo::shared_sample_mp4().sha256);
  }
}

TEST_CASE("a slow cloud: late answers and a long render still complete") {
  render_fixture fx;
  fx.sim().update_knobs([](fake_nemo::knobs& k) {
    k.delay = 150ms;
    k.render_sim_time = 1500ms;
  });
  auto job = fx.start();
  auto done = fx.wait_finished(job.id, 20s);
  CHECK(done.state == core::render_state::completed);
  CHECK(fx.sim().get_counters().posts(job.id) == 1);
}

TEST_CASE("a 4xx fails the job with a clear error, after one POST") {
  render_fixture fx;
  fx.sim().update_knobs([](fake_nemo::knobs& k) { k.plan_blocked = true; });
  auto job = fx.start();
  auto done = fx.wait_finished(job.id);
  REQUIRE(done.state == core::render_state::failed);
  REQUIRE(done.failure);
  CHECK(done.failure->code == core::errc::plan_blocked);
  CHECK(done.failure->message.find("402") != std::string::npos);
  CHECK(fx.sim().get_counters().posts(job.id) == 1);
  CHECK(fx.log.names("renders", job.id).back() == "render.failed");
}

TEST_CASE("a 4xx on a status poll fails the job") {
  render_fixture fx;
  fx.sim().fail_next(endpoint::render_status, 1, 403);
  auto job = fx.start();
  auto done = fx.wait_finished(job.id);
  REQUIRE(done.state == core::render_state::failed);
  CHECK(done.failure->message.find("403") != std::string::npos);
}

TEST_CASE("cancel: stored at once, the cloud told, no file left") {
  render_fixture fx;
  fx.sim().update_knobs([](fake_nemo::knobs& k) { k.render_sim_time = 60s; });
  auto job = fx.start();
  REQUIRE(fx.run_until([&] { return fx.state_of(job.id) == "rendering"; }));
  auto r = fx.run(fx.service().cancel(job.id));
  REQUIRE(r.has_value());
  CHECK(r->state == core::render_state::cancelled);
  CHECK(store::jobs_repo(fx.db).find(job.id)->state == "cancelled");
  fx.run_until([&] { return fx.sim().render(job.id)->status == "cancelled"; });
  CHECK(fx.sim().render(job.id)->status == "cancelled");
  fx.wait_finished(job.id);
  CHECK(fx.log.names("renders", job.id).back() == "render.cancelled");
  CHECK_FALSE(std::filesystem::exists(fx.dir.file("renders") + "/" + job.id + ".mp4"));
  // Again: the same answer. A finished job cannot be cancelled.
  CHECK(fx.run(fx.service().cancel(job.id))->state == core::render_state::cancelled);
  CHECK(fx.run(fx.service().cancel("render_1_x")).error().code == core::errc::not_found);
}

TEST_CASE("a render that outlives its deadline fails with timeout") {
  render_fixture fx;
  fx.opts.policy.deadline = 400ms;
  fx.sim().update_knobs([](fake_nemo::knobs& k) { k.render_sim_time = 60s; });
  auto job = fx.start();
  auto done = fx.wait_finished(job.id);
  REQUIRE(done.state == core::render_state::failed);
  CHECK(done.failure->code == core::errc::timeout);
  CHECK(fx.sim().render(job.id)->status == "cancelled");  // not left running upstream
}

TEST_CASE("many jobs share the concurrency limit") {
  render_fixture fx;
  fx.opts.concurrency = 2;
  fx.sim().update_knobs(
      [](fake_nemo::knobs& k) { k.endpoint_delay[endpoint::render_status] = 20ms; });
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(fx.start().id);
  for (const auto& id : ids)
    CHECK(fx.wait_finished(id, 30s).state == core::render_state::completed);
  CHECK(fx.service().status()["peak_in_flight"] == 2);
  for (const auto& id : ids) CHECK(fx.sim().get_counters().posts(id) == 1);
}

TEST_CASE("start refuses bad requests before anything is stored") {
  render_fixture fx;
  auto bad = [&](nlohmann::json body) {
    auto r = fx.run(fx.service().start("s_test", std::move(body)));
    return !r && r.error().code == core::errc::bad_request;
  };
  CHECK(bad({{"format", "mov"}}));
  CHECK(bad({{"resolution", "big"}}));
  CHECK(bad({{"dest", "relative.mp4"}}));
  CHECK(bad({{"dest", "/nonexistent-dir/x.mp4"}}));
  CHECK(bad({{"colour", "red"}}));
  CHECK(store::jobs_repo(fx.db).list(10, 0).empty());
  // A dest of the caller's choosing is honoured.
  auto job = fx.start({{"dest", fx.dir.file("mine.mp4")}, {"resolution", "1080x1920"}});
  CHECK(fx.wait_finished(job.id).output.path == fx.dir.file("mine.mp4"));
  CHECK(fx.sim().render(job.id).has_value());
}

}  // namespace reel::test
