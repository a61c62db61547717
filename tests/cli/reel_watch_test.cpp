// reel watch against a fake daemon's WebSocket.
#include "cli/fake_daemon.hpp"
#include "cli/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace reel::cli::test;
using nlohmann::json;

namespace {

canned_response no_http(const recorded_request&) {
  return {404, R"({"error":{"code":"not_found","message":"no"}})"};
}

json event(int seq, const char* name, json data) {
  return {{"type", "event"}, {"topic", "session:s_1"},  {"seq", seq},
          {"event", name},   {"data", std::move(data)}, {"ts", "2026-11-21T10:00:00Z"}};
}

std::map<std::string, std::string> env_for(const temp_dir& dir, const fake_daemon& d) {
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "ws-key";
  env["REEL_HOST"] = d.address();
  return env;
}

}  // namespace

TEST_CASE("watch subscribes with the key and prints 'seq event data' per event") {
  temp_dir dir;
  ws_script script;
  script.events = {event(4, "chat.text", {{"text", "hi"}}), event(5, "chat.done", json::object())};
  fake_daemon daemon(no_http, script);
  auto r = run_reel({"watch", "session:s_1", "--since", "3", "--count", "2"}, env_for(dir, daemon));
  CHECK(r.exit_code == 0);
  CHECK(r.out == "4 chat.text {\"text\":\"hi\"}\n5 chat.done {}\n");
  CHECK(r.err.find("watching session:s_1") != std::string::npos);
  auto reqs = daemon.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].target == "/v1/ws");
  CHECK(reqs[0].header("authorization") == "Bearer ws-key");
  auto ops = daemon.ws_ops();
  REQUIRE(!ops.empty());
  CHECK(ops[0] == json{{"id", 1}, {"op", "subscribe"}, {"topic", "session:s_1"}, {"since", 3}});
}

TEST_CASE("watch --json prints each event message as one JSON line") {
  temp_dir dir;
  ws_script script;
  script.events = {event(1, "session.created", {{"id", "s_1"}})};
  fake_daemon daemon(no_http, script);
  auto r = run_reel({"watch", "session:s_1", "--json", "-n", "1"}, env_for(dir, daemon));
  CHECK(r.exit_code == 0);
  CHECK(json::parse(r.out) == script.events[0]);
  CHECK_FALSE(daemon.ws_ops().at(0).contains("since"));
}

TEST_CASE("watch --timeout ends the wait: exit 0, or 1 when --count events did not arrive") {
  temp_dir dir;
  ws_script script;
  script.events = {event(1, "chat.text", json::object())};
  fake_daemon daemon(no_http, script);
  auto r = run_reel({"watch", "session:s_1", "--timeout", "0.5"}, env_for(dir, daemon));
  CHECK(r.exit_code == 0);
  CHECK(r.out == "1 chat.text {}\n");
  fake_daemon again(no_http, script);  // the fake plays its script to the first connection only
  r = run_reel({"watch", "session:s_1", "--timeout", "0.5", "--count", "3"}, env_for(dir, again));
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.find("1 of 3") != std::string::npos, r.err);
}

TEST_CASE("watch: a refused subscription or upgrade is exit 1 with the daemon's message") {
  temp_dir dir;
  ws_script refused_op;
  refused_op.fail_op = true;
  fake_daemon d1(no_http, refused_op);
  auto r = run_reel({"watch", "nope"}, env_for(dir, d1));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown topic") != std::string::npos);

  ws_script refused_upgrade;
  refused_upgrade.accept = false;
  fake_daemon d2(no_http, refused_upgrade);
  r = run_reel({"watch", "renders", "--json"}, env_for(dir, d2));
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["error"]["code"] == "unauthorized");
}

TEST_CASE("watch with nothing listening exits 3") {
  temp_dir dir;
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "k";
  auto r =
      run_reel({"watch", "renders", "--host", "127.0.0.1:" + std::to_string(free_port())}, env);
  CHECK(r.exit_code == 3);
}

TEST_CASE("watch stops on Ctrl-C with exit 0") {
  temp_dir dir;
  fake_daemon daemon(no_http, ws_script{});
  bool sent = false;
  auto r = run_reel({"watch", "renders"}, env_for(dir, daemon),
                    [&](pid_t pid, const process_result& so_far) {
                      if (!sent && so_far.err.find("Ctrl-C to stop") != std::string::npos) {
                        ::kill(pid, SIGINT);
                        sent = true;
                      }
                    });
  CHECK(sent);
  CHECK(r.exit_code == 0);
}

TEST_CASE("watch: dropped by the daemon (1008), it resubscribes since the last seq it printed") {
  temp_dir dir;
  ws_script script;
  script.events = {event(1, "render.progress", {{"p", 0.1}}),
                   event(2, "render.progress", {{"p", 0.2}})};
  script.close_with = 1008;
  script.events_after_reconnect = {event(3, "render.completed", json::object())};
  fake_daemon daemon(no_http, script);
  auto r = run_reel({"watch", "session:s_1", "-n", "3"}, env_for(dir, daemon));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out ==
        "1 render.progress {\"p\":0.1}\n2 render.progress {\"p\":0.2}\n3 render.completed {}\n");
  CHECK(r.err.find("resubscribing since 2") != std::string::npos);
  auto ops = daemon.ws_ops();
  REQUIRE(ops.size() >= 2);
  CHECK(ops[1]["since"] == 2);
}
