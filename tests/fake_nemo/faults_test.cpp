// Knobs that touch every endpoint (delays, 5xx), counters, the request log, and the executable.
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

#include <spawn.h>
#include <sys/wait.h>
#include <csignal>
#include <cstdio>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;
using namespace std::chrono_literals;

extern char** environ;

TEST_CASE("knob: answers are delayed globally and per endpoint") {
  fixture f;
  const auto token = f.token();
  f.sim().update_knobs([](knobs& k) {
    k.delay = 150ms;
    k.endpoint_delay[endpoint::credits] = 150ms;
  });
  auto t0 = std::chrono::steady_clock::now();
  f.client.get("/api/state/nemo_agent/me/x/latest", auth_headers(token));
  const auto plain = std::chrono::steady_clock::now() - t0;
  t0 = std::chrono::steady_clock::now();
  f.client.get("/api/credits/balance/simple", auth_headers(token));
  const auto slow = std::chrono::steady_clock::now() - t0;
  CHECK(plain >= 150ms);
  CHECK(slow >= 300ms);
}

TEST_CASE("fault: 5xx on any endpoint N times, then normal; clear_faults disarms") {
  fixture f;
  const auto token = f.token();
  f.sim().fail_next(endpoint::create_session, 2, 503);
  CHECK(f.client
            .post_json("/api/tasks/me/with-session/nemo_agent", {{"task_name", "p"}},
                       auth_headers(token))
            .status == 503);
  f.sim().clear_faults();
  CHECK_FALSE(f.session(token).empty());
}

TEST_CASE("counters count per endpoint, per token, per session and per render id") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  f.state(token, sid);
  f.state(token, sid);
  f.chat(token, sid, "add a title 'Count'");
  f.render(sid, "render_c", auth_headers(token));
  f.client.get("/api/render/proxy/lambda/render_c", auth_headers(token));
  f.client.get("/nope");
  const auto c = f.sim().get_counters();
  CHECK(c.total == 8);
  CHECK(c.calls(endpoint::anonymous_token) == 1);
  CHECK(c.calls(endpoint::create_session) == 1);
  CHECK(c.calls(endpoint::state) == 2);
  CHECK(c.calls(endpoint::run_sse) == 1);
  CHECK(c.calls(endpoint::not_found) == 1);
  CHECK(c.token_calls(token) == 6);
  CHECK(c.session_calls(sid) == 6);  // create, 2 states, chat, render, poll
  CHECK(c.posts("render_c") == 1);
  CHECK(c.polls("render_c") == 1);
  CHECK(c.posts("never") == 0);
}

TEST_CASE("the request log keeps what each request sent and got") {
  fixture f;
  const auto token = f.token();
  f.client.get("/api/credits/balance/simple", auth_headers(token));
  const auto log = f.sim().requests();
  REQUIRE(log.size() == 2);
  CHECK(log[0].ep == endpoint::anonymous_token);
  CHECK(log[1].target == "/api/credits/balance/simple");
  CHECK(log[1].status == 200);
  CHECK(log[1].code == 0);
  CHECK(find_header(log[1].headers, "X-Skill-Platform") == "unknown");
}

TEST_CASE("the fake_nemo executable serves the API until SIGTERM") {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string exe = REEL_FAKE_NEMO_EXE;
  std::vector<std::string> args{exe, "--listen", "127.0.0.1:0", "--bare", "--credits", "42"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);

  std::FILE* stream = ::fdopen(out[0], "r");
  char line[512] = {};
  REQUIRE(std::fgets(line, sizeof line, stream) != nullptr);
  const std::string banner = line;
  const auto at = banner.find("http://127.0.0.1:");
  REQUIRE(at != std::string::npos);
  client_options co;
  co.port = static_cast<std::uint16_t>(std::stoi(banner.substr(at + 17)));
  const http_client c(co);
  const auto token =
      c.post_json("/api/auth/anonymous-token", nlohmann::json::object(), {{"X-Client-Id", "exe"}})
          .json()["token"]
          .get<std::string>();
  CHECK(c.get("/api/credits/balance/simple", auth_headers(token)).json()["available"] == 42);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::fclose(stream);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
