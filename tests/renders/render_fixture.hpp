#pragma once
// The render service in-process, against the cloud simulator: a real store in a temporary
// directory, the hub, the real nemovideo render backend (HTTP to the simulator, a registered
// token), and an io_context the test turns by hand until something holds.
#include "core/metrics.hpp"
#include "fake_nemo/http_client.hpp"
#include "fake_nemo/sample_media.hpp"
#include "fake_nemo/server.hpp"
#include "service/hub.hpp"
#include "service/render_rows.hpp"
#include "service/render_service.hpp"
#include "store/database.hpp"
#include "store/events_repo.hpp"
#include "store/jobs_repo.hpp"
#include "store/migrations.hpp"
#include "store/sessions_repo.hpp"
#include "store/settings_repo.hpp"
#include "support/temp_dir.hpp"
#include "upstream/http_client.hpp"
#include "upstream/nemo_render_backend.hpp"
#include "upstream/token_keeper.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace reel::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline const std::string sim_token = "nmv_render_tests_0000000000000000000000000000";

// Every event the hub delivers, in order.
struct event_log final : service::hub_client {
  struct entry {
    std::string topic, name, key;
    nlohmann::json data;
  };
  std::vector<entry> seen;
  void deliver(const core::frame& f, const std::string& key) override {
    auto j = nlohmann::json::parse(*f);
    seen.push_back(
        {j.value("topic", ""), j.value("event", ""), key, j.value("data", nlohmann::json())});
  }
  std::vector<std::string> names(const std::string& topic, const std::string& job) const {
    std::vector<std::string> out;
    for (const auto& e : seen)
      if (e.topic == topic && e.data.value("job", "") == job) out.push_back(e.name);
    return out;
  }
};

inline asio::awaitable<core::result<service::export_source>> fixed_source(nlohmann::json draft,
                                                                          std::string) {
  service::export_source s;
  s.backend = "nemovideo";
  s.draft = std::move(draft);
  co_return s;
}

struct render_fixture {
  temp_dir dir;
  fake_nemo::server sim_server;
  std::uint16_t sim_port = 0;
  store::database db;
  store::events_repo events{db};
  core::metrics metrics;
  service::hub hub{events, metrics, [] { return std::int64_t{0}; }, {}};
  store::settings_repo settings{db};
  asio::io_context io{1};  // after the store: pending drivers die before it
  std::optional<upstream::nemo_render_backend> backend;
  event_log log;
  std::string upstream_session;
  nlohmann::json draft{
      {"v", 1}, {"t", nlohmann::json::array()}, {"d", 2000}, {"x_future", {{"k", {1, 2}}}}};
  service::render_service::options opts;
  std::unique_ptr<service::render_service> svc;
  std::uint64_t next_random = 1;

  render_fixture() : db(open_db(dir)) {
    sim_port = sim_server.start();
    sim().add_token(sim_token, 100);
    upstream::client_options co;
    co.base_url = sim_server.base_url();
    co.skill_version = "test";  // attribution: the cloud refuses exports without it
    auto http = upstream::http_client::make(io.get_executor(), co);
    if (!http) throw std::runtime_error(http.error().message);
    upstream::keeper_options ko;
    ko.user_token = sim_token;
    upstream::token_keeper keeper(*http, settings, ko);
    backend.emplace(*http, keeper);
    upstream_session = make_upstream_session();
    store::session_row s;
    s.id = "s_test";
    s.backend = "nemovideo";
    s.upstream_session_id = upstream_session;
    store::sessions_repo(db).insert(s);
    hub.subscribe(log, "renders", std::nullopt);
    hub.subscribe(log, "session:s_test", std::nullopt);
    opts.policy.first_poll = 20ms;
    opts.policy.poll_cap = 80ms;
    opts.policy.deadline = 30s;
    opts.output_dir = dir.file("renders");
    opts.concurrency = 4;
  }
  ~render_fixture() {
    hub.unsubscribe_all(log);
    svc.reset();
  }

  static store::database open_db(const temp_dir& d) {
    auto db = store::database::open(d.file("reel.db"), 5000);
    if (!db) throw std::runtime_error(db.error().message);
    if (auto v = store::migrate(*db, store::builtin_migrations()); !v)
      throw std::runtime_error(v.error().message);
    return std::move(*db);
  }

  fake_nemo::simulator& sim() { return sim_server.sim(); }

  fake_nemo::testing::http_client sim_client() const {
    fake_nemo::testing::client_options o;
    o.port = sim_port;
    return fake_nemo::testing::http_client(o);
  }

  std::string make_upstream_session() {
    auto r = sim_client().post_json("/api/tasks/me/with-session/nemo_agent",
                                    {{"task_name", "project"}, {"language", "en"}},
                                    {{"Authorization", "Bearer " + sim_token}});
    return r.json()["data"]["session_id"].get<std::string>();
  }

  // POSTs a render straight to the simulator (as an earlier daemon would have).
  int post_to_sim(const std::string& id) {
    return sim_client()
        .post_json("/api/render/proxy/lambda",
                   {{"id", id},
                    {"sessionId", upstream_session},
                    {"draft", draft},
                    {"output", {{"format", "mp4"}}}},
                   {{"Authorization", "Bearer " + sim_token},
                    {"X-Skill-Source", "t"},
                    {"X-Skill-Version", "1"},
                    {"X-Skill-Platform", "t"}})
        .status;
  }

  service::render_service& service() {
    if (!svc) {
      std::map<std::string, service::render_backend*> b{{"nemovideo", &*backend}};
      auto d = draft;
      svc = std::make_unique<service::render_service>(
          io.get_executor(), db, hub, b,
          [d](std::string session) { return fixed_source(d, std::move(session)); },
          [] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
          },
          [this] { return next_random++; }, opts);
    }
    return *svc;
  }

  // Turns the loop until `done()` holds or `limit` passes; returns done().
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(5ms);
    }
    return done();
  }

  template <class T>
  T run(asio::awaitable<T> a, std::chrono::milliseconds limit = 10s) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(a), [&out](std::exception_ptr e, T v) {
      if (e) std::rethrow_exception(e);
      out = std::move(v);
    });
    if (!run_until([&] { return out.has_value(); }, limit))
      throw std::runtime_error("the call did not finish in time");
    return std::move(*out);
  }

  core::render_job start(nlohmann::json body = nlohmann::json::object()) {
    auto r = run(service().start("s_test", std::move(body)));
    if (!r) throw std::runtime_error("start failed: " + r.error().message);
    return *r;
  }

  std::string state_of(const std::string& id) {
    auto j = service().find(id);
    return j ? std::string(core::to_string(j->state)) : "";
  }

  bool finished(const std::string& id) {
    auto s = state_of(id);
    return s == "completed" || s == "failed" || s == "cancelled";
  }

  // Waits until the job is finished and its driver gone; returns it as stored.
  core::render_job wait_finished(const std::string& id, std::chrono::milliseconds limit = 15s) {
    run_until([&] { return finished(id) && service().status()["armed"] == 0; }, limit);
    auto row = store::jobs_repo(db).find(id);
    if (!row) throw std::runtime_error("no job " + id);
    auto j = service::from_row(*row);
    return *j;
  }
};

}  // namespace reel::test
