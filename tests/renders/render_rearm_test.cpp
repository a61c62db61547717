// Jobs left unfinished in the store (as a crash leaves them) resume from where they stood,
// and nothing is posted twice.
#include "render_fixture.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

namespace reel::test {
namespace {

core::render_job stored_job(render_fixture& fx, const std::string& id, core::render_state s) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto j = core::make_render_job(id, "s_test", "nemovideo", fx.draft, {{"format", "mp4"}},
                                 fx.dir.file("renders") + "/" + id + ".mp4", now);
  j.state = s;
  if (s != core::render_state::queued) {
    j.attempts = 1;
    j.submitted_ms = now;
  }
  return j;
}

void put(render_fixture& fx, const core::render_job& j) {
  service::store_job_synced(fx.db, j);
}

// Polls the simulator until the render is completed (as a daemon before the crash did).
void complete_in_sim(render_fixture& fx, const std::string& id) {
  for (int i = 0; i < 10 && fx.sim().render(id)->status != "completed"; ++i)
    fx.sim_client().get("/api/render/proxy/lambda/" + id,
                        {{"Authorization", "Bearer " + sim_token}});
}

}  // namespace

TEST_CASE("unfinished jobs resume from every state, each posted exactly once") {
  render_fixture fx;
  std::filesystem::create_directories(fx.dir.file("renders"));
  const auto& mp4 = fake_nemo::shared_sample_mp4();

  auto queued = stored_job(fx, "render_1_a", core::render_state::queued);
  queued.attempts = 0;
  queued.submitted_ms.reset();
  put(fx, queued);
  // Crashed after storing `submitting`, before the POST left.
  put(fx, stored_job(fx, "render_1_b", core::render_state::submitting));
  // Crashed after the POST left, before its answer was stored.
  put(fx, stored_job(fx, "render_1_c", core::render_state::submitting));
  REQUIRE(fx.post_to_sim("render_1_c") == 200);
  // Crashed while polling.
  put(fx, stored_job(fx, "render_1_d", core::render_state::rendering));
  REQUIRE(fx.post_to_sim("render_1_d") == 200);
  // Crashed in the middle of the download: the first 10,000 bytes are in the part file.
  auto e = stored_job(fx, "render_1_e", core::render_state::downloading);
  REQUIRE(fx.post_to_sim("render_1_e") == 200);
  complete_in_sim(fx, "render_1_e");
  e.output.url = fx.sim_server.base_url() + "/files/render_1_e.mp4";
  e.progress = 1;
  put(fx, e);
  {
    std::ifstream in(mp4.path, std::ios::binary);
    std::string head(10000, '\0');
    in.read(head.data(), 10000);
    std::ofstream(core::part_path(e), std::ios::binary) << head;
  }
  // Finished jobs stay as they are.
  auto done = stored_job(fx, "render_1_f", core::render_state::failed);
  done.failure = core::make_error(core::errc::upstream_error, "earlier");
  put(fx, done);

  CHECK(fx.service().rearm() == 5);
  CHECK(fx.service().status()["armed"] == 5);
  for (auto id : {"render_1_a", "render_1_b", "render_1_c", "render_1_d", "render_1_e"}) {
    CAPTURE(id);
    auto j = fx.wait_finished(id);
    CHECK(j.state == core::render_state::completed);
    CHECK(fake_nemo::sha256_file(j.output.path) == mp4.sha256);
    CHECK(fx.sim().get_counters().posts(id) == 1);
  }
  CHECK(store::jobs_repo(fx.db).find("render_1_f")->state == "failed");
  bool ranged = false;
  for (const auto& r : fx.sim().requests())
    for (const auto& [k, v] : r.headers)
      if (r.target == "/files/render_1_e.mp4" && k == "Range" && v == "bytes=10000-") ranged = true;
  CHECK(ranged);
}

TEST_CASE("a job the cloud lost while polling is submitted again under the same id") {
  render_fixture fx;
  put(fx, stored_job(fx, "render_2_a", core::render_state::rendering));
  fx.service().rearm();
  auto j = fx.wait_finished("render_2_a");
  const std::string why = j.failure ? j.failure->message : "";
  INFO(why);
  CHECK(j.state == core::render_state::completed);
  CHECK(fx.sim().get_counters().posts("render_2_a") == 1);
}

}  // namespace reel::test
