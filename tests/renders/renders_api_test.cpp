// The renders REST API and its events over a real daemon: start, list, read, the output with
// Range, cancel, and the render.* events on the renders and session topics.
#include "daemon_fixture.hpp"
#include "support/raw_ws.hpp"

#include <doctest/doctest.h>

namespace reel::test {
namespace {

std::unique_ptr<raw_ws> subscribe(daemon_fixture& fx, const std::string& topic) {
  auto ws = std::make_unique<raw_ws>(fx.daemon->port(), fx.daemon->key());
  ws->read_json();  // hello
  ws->send_text(nlohmann::json{{"id", 1}, {"op", "subscribe"}, {"topic", topic}}.dump());
  ws->read_json();  // result
  return ws;
}

// Event names for `job` until `last` arrives (or 20 s pass).
std::vector<nlohmann::json> events_until(raw_ws& ws, const std::string& job,
                                         const std::string& last) {
  std::vector<nlohmann::json> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = ws.read_json(20000);
    if (m.value("type", "") != "event" || m["data"].value("job", "") != job) continue;
    out.push_back(m);
    if (m["event"] == last) break;
  }
  return out;
}

}  // namespace

TEST_CASE("POST renders answers 202 with the stored job; events follow it to completion") {
  daemon_fixture fx;
  fx.start();
  const auto session = fx.new_session();
  auto renders = subscribe(fx, "renders");
  auto on_session = subscribe(fx, "session:" + session);

  auto r = fx.call("POST", "/v1/sessions/" + session + "/renders", R"({"quality":"high"})");
  REQUIRE(r.status == 202);
  auto job = nlohmann::json::parse(r.body);
  const auto id = job["id"].get<std::string>();
  CHECK(r.has_header("location"));
  CHECK(job["state"] == "queued");
  CHECK(job["session"] == session);
  CHECK(job["backend"] == "nemovideo");

  auto seen = events_until(*renders, id, "render.completed");
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.front()["event"] == "render.queued");
  CHECK(seen.back()["event"] == "render.completed");
  const auto& out = seen.back()["data"]["output"];
  CHECK(out["size"] == fake_nemo::shared_sample_mp4().size);
  CHECK(out["duration_s"].get<double>() == doctest::Approx(2.0).epsilon(0.05));
  CHECK(out["path"].get<std::string>().find(fx.state_dir() + "/renders/") == 0);
  CHECK(events_until(*on_session, id, "render.completed").back()["event"] == "render.completed");

  // Read and list.
  auto got = fx.get_json("/v1/renders/" + id);
  CHECK(got["state"] == "completed");
  CHECK(got["progress"] == 1.0);
  auto list = fx.get_json("/v1/renders?state=completed");
  REQUIRE(list["renders"].size() == 1);
  CHECK(list["renders"][0]["id"] == id);
  CHECK(fx.get_json("/v1/renders?state=failed")["renders"].empty());
  CHECK(fx.call("GET", "/v1/renders?state=bogus").status == 400);
  CHECK(fx.call("GET", "/v1/renders/render_1_nope").status == 404);

  // The file, whole and by Range.
  auto whole = fx.call("GET", "/v1/renders/" + id + "/output");
  CHECK(whole.status == 200);
  CHECK(fake_nemo::sha256_hex(whole.body) == fake_nemo::shared_sample_mp4().sha256);
  auto part = fx.call("GET", "/v1/renders/" + id + "/output", {}, "Range: bytes=0-99\r\n");
  CHECK(part.status == 206);
  CHECK(part.body.size() == 100);
  CHECK(part.body == whole.body.substr(0, 100));

  // A finished job cannot be cancelled.
  CHECK(fx.call("DELETE", "/v1/renders/" + id).status == 409);
}

TEST_CASE("DELETE cancels a running render locally and upstream") {
  daemon_fixture fx;
  fx.sim().update_knobs([](fake_nemo::knobs& k) { k.render_sim_time = std::chrono::seconds(60); });
  fx.start();
  const auto session = fx.new_session();
  auto r = fx.call("POST", "/v1/sessions/" + session + "/renders");
  REQUIRE(r.status == 202);
  const auto id = nlohmann::json::parse(r.body)["id"].get<std::string>();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fx.get_json("/v1/renders/" + id)["state"] != "rendering" &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));

  CHECK(fx.call("GET", "/v1/renders/" + id + "/output").status == 409);
  auto del = fx.call("DELETE", "/v1/renders/" + id);
  REQUIRE(del.status == 200);
  CHECK(nlohmann::json::parse(del.body)["state"] == "cancelled");
  CHECK(fx.call("DELETE", "/v1/renders/" + id).status == 200);  // again: as it is
  for (int i = 0; i < 200 && fx.sim().render(id)->status != "cancelled"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(fx.sim().render(id)->status == "cancelled");

  // It stays cancelled across a restart.
  fx.daemon->kill_now();
  fx.start();
  CHECK(fx.get_json("/v1/renders/" + id)["state"] == "cancelled");
  CHECK(fx.get_json("/v1/status")["renders"]["rearmed"] == 0);
}

TEST_CASE("POST renders refuses bad bodies and unknown sessions") {
  daemon_fixture fx;
  fx.start();
  const auto session = fx.new_session();
  const auto target = "/v1/sessions/" + session + "/renders";
  CHECK(fx.call("POST", target, R"({"format":"gif"})").status == 400);
  CHECK(fx.call("POST", target, R"({"dest":"out.mp4"})").status == 400);
  CHECK(fx.call("POST", target, R"({"nope":1})").status == 400);
  CHECK(fx.call("POST", target, "[1]").status == 400);
  CHECK(fx.call("POST", "/v1/sessions/s_nope/renders").status == 404);
  CHECK(fx.get_json("/v1/renders")["renders"].empty());
  // A destination of the caller's choosing.
  const auto dest = fx.dir.file("mine.mp4");
  auto r = fx.call("POST", target, nlohmann::json{{"dest", dest}}.dump());
  REQUIRE(r.status == 202);
  auto job = fx.wait_finished(nlohmann::json::parse(r.body)["id"].get<std::string>());
  CHECK(job["output"]["path"] == dest);
  CHECK(fake_nemo::sha256_file(dest) == fake_nemo::shared_sample_mp4().sha256);
}

}  // namespace reel::test
