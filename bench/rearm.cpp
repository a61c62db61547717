// bench_rearm: 1,000 render jobs waiting in the store are re-armed within 2 s of start, without
// a burst of 1,000 simultaneous requests to the cloud. See bench/README.md.
#include "fake_nemo/http_client.hpp"
#include "fake_nemo/server.hpp"
#include "machine.hpp"
#include "store/database.hpp"
#include "store/jobs_repo.hpp"
#include "store/migrations.hpp"
#include "store/sessions_repo.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_http.hpp"
#include "support/temp_dir.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace reel;
using bench::cpu_model;
using clock_type = std::chrono::steady_clock;
const std::string token = "nmv_bench_rearm_00000000000000000000000000000000";

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_rearm: re-arming render jobs at start-up"};
  int jobs = 1000;
  int concurrency = 4;
  int status_delay_ms = 2;
  std::string reeld = test::reeld_binary();
  bool quick = false;
  app.add_option("--jobs", jobs, "unfinished jobs in the store");
  app.add_option("--concurrency", concurrency, "render.concurrency");
  app.add_option("--status-delay-ms", status_delay_ms, "the simulated cloud's time per poll");
  app.add_option("--reeld", reeld, "the daemon to start");
  app.add_flag("--quick", quick, "200 jobs (CI smoke)");
  CLI11_PARSE(app, argc, argv);
  if (quick) jobs = 200;

  // The cloud: every job already submitted there and still rendering (an hour of sim time).
  fake_nemo::server sim_server;
  const auto port = sim_server.start();
  auto& sim = sim_server.sim();
  sim.add_token(token, 100);
  sim.update_knobs([&](fake_nemo::knobs& k) {
    k.render_sim_time = std::chrono::hours(1);
    k.endpoint_delay[fake_nemo::endpoint::render_status] =
        std::chrono::milliseconds(status_delay_ms);
  });
  fake_nemo::testing::client_options co;
  co.port = port;
  fake_nemo::testing::http_client cloud(co);
  const fake_nemo::header_list auth{{"Authorization", "Bearer " + token},
                                    {"X-Skill-Source", "bench"},
                                    {"X-Skill-Version", "1"},
                                    {"X-Skill-Platform", "bench"}};
  const auto sid = cloud
                       .post_json("/api/tasks/me/with-session/nemo_agent",
                                  {{"task_name", "bench"}, {"language", "en"}}, auth)
                       .json()["data"]["session_id"]
                       .get<std::string>();
  const nlohmann::json draft{{"v", 1}, {"t", nlohmann::json::array()}, {"d", 2000}};

  // The store: the session and the jobs, as a daemon that was stopped while they rendered left
  // them.
  test::temp_dir dir;
  const auto state = dir.file("state");
  std::filesystem::create_directories(state);
  std::vector<std::string> ids;
  {
    auto db = store::database::open(state + "/reel.db", 5000);
    if (!db || !store::migrate(*db, store::builtin_migrations())) {
      std::cerr << "bench_rearm: cannot make the store\n";
      return 1;
    }
    store::session_row s;
    s.id = "s_bench";
    s.backend = "nemovideo";
    s.upstream_session_id = sid;
    store::sessions_repo(*db).insert(s);
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    db->exec("BEGIN");
    for (int i = 0; i < jobs; ++i) {
      const std::string id = "render_" + std::to_string(now) + "_b" + std::to_string(i);
      cloud.post_json(
          "/api/render/proxy/lambda",
          {{"id", id}, {"sessionId", sid}, {"draft", draft}, {"output", {{"format", "mp4"}}}},
          auth);
      store::job_row r;
      r.id = id;
      r.session_id = "s_bench";
      r.backend = "nemovideo";
      r.state = "rendering";
      r.draft = draft.dump();
      r.dest = state + "/renders/" + id + ".mp4";
      r.attempts = 1;
      r.created_ms = r.updated_ms = now - jobs + i;
      r.submitted_ms = now;
      store::jobs_repo(*db).insert(r);
      ids.push_back(id);
    }
    db->exec("COMMIT");
  }

  // Start, and watch the cloud's side: every job polled once, and no more at once than allowed.
  const auto t0 = clock_type::now();
  test::daemon_process d(
      reeld, state,
      {"--set", "upstream.base_url=" + sim_server.base_url(), "--set", "upstream.token=" + token,
       "--set", "render.concurrency=" + std::to_string(concurrency), "--log-level", "warn"});
  const double ready_ms = std::chrono::duration<double, std::milli>(d.ready_after()).count();
  double all_polled_ms = -1;
  while (ms_since(t0) < 30000) {
    const auto c = sim.get_counters();
    int polled = 0;
    for (const auto& id : ids) polled += c.polls(id) > 0;
    if (polled == jobs) {
      all_polled_ms = ms_since(t0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto status = test::http(d.port(), "GET", "/v1/status", d.key()).json();
  const auto r = status["renders"];
  const auto rearmed = r.value("rearmed", 0);
  const auto rearm_ms = r.value("rearm_ms", -1.0);
  const auto peak = r.value("peak_in_flight", 0);
  int posts = 0;
  const auto c = sim.get_counters();
  for (const auto& id : ids) posts += c.posts(id);
  d.stop();

  const bool ok_count = rearmed == jobs;
  const bool ok_time = all_polled_ms >= 0 && all_polled_ms <= 2000;
  const bool ok_burst = peak <= concurrency;
  const bool ok_posts = posts == jobs;  // the ones made before the start; none after
  auto verdict = [](bool b) { return b ? "PASS" : "FAIL"; };
  std::printf("## bench_rearm: %d unfinished render jobs at start-up\n\n", jobs);
  std::printf(
      "CPU: %s; %u hardware threads; render.concurrency = %d; the cloud takes %d ms "
      "per poll.\n\n",
      cpu_model().c_str(), std::thread::hardware_concurrency(), concurrency, status_delay_ms);
  std::printf("| measure | value | target | verdict |\n|---|---|---|---|\n");
  std::printf("| jobs re-armed (before READY) | %d | %d | %s |\n", rearmed, jobs,
              verdict(ok_count));
  std::printf("| time to re-arm them (store read + drivers armed) | %.1f ms | - | - |\n", rearm_ms);
  std::printf("| spawn to ready | %.1f ms | - | - |\n", ready_ms);
  std::printf("| spawn to every job polled once by the cloud | %.0f ms | <= 2000 ms | %s |\n",
              all_polled_ms, verdict(ok_time));
  std::printf("| most render calls in flight at once | %d | <= %d | %s |\n", peak, concurrency,
              verdict(ok_burst));
  std::printf("| render POSTs after the restart | %d | 0 | %s |\n", posts - jobs,
              verdict(ok_posts));
  return ok_count && ok_time && ok_burst && ok_posts ? 0 : 1;
}
