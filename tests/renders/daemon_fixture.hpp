#pragma once
// A real reeld pointed at an in-process cloud simulator, with fast render polling, and the few
// REST calls the render tests make.
#include "fake_nemo/sample_media.hpp"
#include "fake_nemo/server.hpp"
#include "service/render_rows.hpp"
#include "store/database.hpp"
#include "store/jobs_repo.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_http.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace reel::test {

struct daemon_fixture {
  temp_dir dir;
  fake_nemo::server sim_server;
  std::unique_ptr<daemon_process> daemon;
  std::vector<std::string> extra_args;

  daemon_fixture() { sim_server.start(); }

  fake_nemo::simulator& sim() { return sim_server.sim(); }
  std::string state_dir() const { return dir.file("state"); }

  std::vector<std::string> args() const {
    std::vector<std::string> a{"--set", "upstream.base_url=" + sim_server.base_url(),
                               "--set", "render.poll_first_s=0.05",
                               "--set", "render.poll_cap_s=0.2",
                               "--set", "store.event_flush_ms=5"};
    a.insert(a.end(), extra_args.begin(), extra_args.end());
    return a;
  }
  // Starts reeld on the state directory; `failpoint` makes it kill itself at that step.
  daemon_process& start(const std::string& failpoint = {}) {
    std::vector<std::string> env;
    if (!failpoint.empty()) env.push_back("REEL_FAILPOINT=" + failpoint);
    daemon = std::make_unique<daemon_process>(reeld_binary(), state_dir(), args(), env);
    return *daemon;
  }

  raw_response call(const std::string& method, const std::string& target,
                    const std::string& body = {}, const std::string& headers = {}) {
    return http(daemon->port(), method, target, daemon->key(), body, headers);
  }
  nlohmann::json get_json(const std::string& target) {
    auto r = call("GET", target);
    if (r.status != 200) throw std::runtime_error(target + ": HTTP " + std::to_string(r.status));
    return nlohmann::json::parse(r.body);
  }

  // A session on the cloud backend, made through the API.
  std::string new_session() {
    auto r = call("POST", "/v1/sessions", R"({"backend":"nemovideo"})");
    if (r.status != 201) throw std::runtime_error("POST /v1/sessions: " + r.body);
    return nlohmann::json::parse(r.body)["id"].get<std::string>();
  }

  // Waits until the job is finished; returns its API view (null when it never got there).
  nlohmann::json wait_finished(const std::string& id,
                               std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    nlohmann::json j;
    while (std::chrono::steady_clock::now() < deadline) {
      j = get_json("/v1/renders/" + id);
      const auto s = j.value("state", "");
      if (s == "completed" || s == "failed" || s == "cancelled") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return nullptr;
  }

  // The job as the store holds it, read while the daemon is down.
  std::optional<store::job_row> stored(const std::string& id) const {
    auto db = store::database::open(dir.file("state") + "/reel.db", 5000);
    if (!db) throw std::runtime_error(db.error().message);
    return store::jobs_repo(*db).find(id);
  }
  std::vector<store::job_row> stored_all() const {
    auto db = store::database::open(dir.file("state") + "/reel.db", 5000);
    if (!db) throw std::runtime_error(db.error().message);
    return store::jobs_repo(*db).list(100, 0);
  }

  // True when the simulator saw a download of `id` with "Range: bytes=N-" for some N > 0.
  bool saw_ranged_download(const std::string& id) {
    for (const auto& r : sim().requests()) {
      if (r.target.find(id) == std::string::npos) continue;
      for (const auto& [k, v] : r.headers)
        if (k == "Range" && v.rfind("bytes=", 0) == 0 && v != "bytes=0-") return true;
    }
    return false;
  }
};

}  // namespace reel::test
