// Render jobs are never orphaned: reeld is killed with SIGKILL at each step of a job's life (by
// a failpoint, at that exact step, and once from outside while it polls a slow cloud), then
// started again on the same state directory. Each time the job completes, the file is whole
// (the sha256 the simulator served) and the simulator saw exactly one render POST for the id.
#include "daemon_fixture.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>

namespace reel::test {
namespace {

struct crash_case {
  const char* failpoint;
  const char* state_at_crash;  // what the store holds when the daemon is dead
  int posts_at_crash;          // render POSTs the simulator saw by then
};

// Starts the job; returns its id (from the answer, or from the store when the daemon died
// before it could answer).
std::string start_job(daemon_fixture& fx, const std::string& session) {
  auto r = fx.call("POST", "/v1/sessions/" + session + "/renders", R"({"quality":"high"})");
  if (r.status == 202) return nlohmann::json::parse(r.body)["id"].get<std::string>();
  return {};
}

void check_whole(daemon_fixture& fx, const std::string& id, const nlohmann::json& job) {
  const auto& mp4 = fake_nemo::shared_sample_mp4();
  REQUIRE(job.is_object());
  CHECK(job["state"] == "completed");
  CHECK(job["output"]["sha256"] == mp4.sha256);
  CHECK(job["output"]["size"] == mp4.size);
  const auto path = job["output"]["path"].get<std::string>();
  CHECK(fake_nemo::sha256_file(path) == mp4.sha256);
  CHECK_FALSE(std::filesystem::exists(path + ".part"));
  CHECK(fx.sim().get_counters().posts(id) == 1);
}

}  // namespace

TEST_CASE("kill -9 at each step of a render job: it completes after a restart, posted once") {
  const crash_case cases[] = {
      {"render.stored", "queued", 0},
      {"render.before_submit", "submitting", 0},
      {"render.submit_answered", "submitting", 1},
      {"render.polling", "rendering", 1},
      {"render.downloading", "downloading", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.failpoint);
    daemon_fixture fx;
    fx.start(c.failpoint);
    const auto session = fx.new_session();
    std::string id = start_job(fx, session);
    // The daemon kills itself at the failpoint: it ends by SIGKILL, not by our hand.
    REQUIRE(fx.daemon->stop(0, std::chrono::seconds(20)) == -SIGKILL);
    if (id.empty()) {
      auto all = fx.stored_all();
      REQUIRE(all.size() == 1);
      id = all[0].id;
    }
    auto row = fx.stored(id);
    REQUIRE(row);
    CHECK(row->state == c.state_at_crash);
    CHECK(fx.sim().get_counters().posts(id) == c.posts_at_crash);
    if (std::string(c.failpoint) == "render.downloading") {
      const auto part = *row->dest + ".part";
      REQUIRE(std::filesystem::exists(part));
      CHECK(std::filesystem::file_size(part) < fake_nemo::shared_sample_mp4().size);
    }

    fx.start();  // the same state directory, no failpoint
    auto job = fx.wait_finished(id);
    check_whole(fx, id, job);
    if (std::string(c.failpoint) == "render.downloading") CHECK(fx.saw_ranged_download(id));
  }
}

TEST_CASE("kill -9 from outside while a slow render is polled: re-armed before READY") {
  daemon_fixture fx;
  fx.sim().update_knobs([](fake_nemo::knobs& k) { k.render_sim_time = std::chrono::seconds(3); });
  fx.start();
  const auto session = fx.new_session();
  const auto id = start_job(fx, session);
  REQUIRE_FALSE(id.empty());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fx.get_json("/v1/renders/" + id)["state"] != "rendering" &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  fx.daemon->kill_now();
  CHECK(fx.stored(id)->state == "rendering");

  fx.start();
  // Ready means re-armed: the job has its driver before the first request is served.
  auto status = fx.get_json("/v1/status");
  CHECK(status["renders"]["rearmed"] == 1);
  auto job = fx.wait_finished(id);
  check_whole(fx, id, job);
}

}  // namespace reel::test
