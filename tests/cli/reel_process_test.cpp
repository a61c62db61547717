// reel as a process: exit codes, messages and --json when nothing, or a fake daemon, listens.
#include "cli/fake_daemon.hpp"
#include "cli/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

using namespace reel::cli::test;
using nlohmann::json;

namespace {

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const char* status_body = R"({"version":"0.1.0","uptime_s":12.5,"pid":123,
  "listen":"127.0.0.1:7878","state_dir":"/tmp/state",
  "backends":[{"name":"local","default":true,"health":"ok","detail":null}],
  "upstream":{"token":{"state":"missing","source":null,"expires_at":null},"credits":null},
  "counts":{"sessions":0,"media":0,"jobs":{"queued":0},"ws_clients":0,"events_stored":0}})";

canned_response status_ok(const recorded_request& req) {
  if (req.target == "/v1/status") return {200, status_body};
  return {404, R"({"error":{"code":"not_found","message":"no such route"}})"};
}

}  // namespace

TEST_CASE("unreachable daemon: exit 3, with the address, where it came from and how to start it") {
  temp_dir dir;
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "k";
  auto addr = "127.0.0.1:" + std::to_string(free_port());
  auto r = run_reel({"status", "--host", addr}, env);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, addr));
  CHECK(contains(r.err, "from --host"));
  CHECK(contains(r.err, "reeld "));
  CHECK(contains(r.err, "systemctl --user start reeld"));
  CHECK(contains(r.err, "sudo systemctl start reeld"));
  CHECK(r.out.empty());
}

TEST_CASE("unreachable daemon: the source is $REEL_HOST or the config file that set it") {
  temp_dir dir;
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "k";
  auto addr = "127.0.0.1:" + std::to_string(free_port());
  env["REEL_HOST"] = addr;
  auto r = run_reel({"status"}, env);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, addr + " (from $REEL_HOST)"));

  env.erase("REEL_HOST");
  auto file = dir.write("config/reel/reeld.toml", "[api]\nlisten = \"" + addr + "\"\n");
  r = run_reel({"status"}, env);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, addr + " (from api.listen in " + file + ")"));
}

TEST_CASE("unreachable daemon with --json: a daemon_unreachable envelope on stdout") {
  temp_dir dir;
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "k";
  auto addr = "127.0.0.1:" + std::to_string(free_port());
  env["REEL_HOST"] = addr;
  auto r = run_reel({"status", "--json"}, env);
  CHECK(r.exit_code == 3);
  auto j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["error"]["code"] == "daemon_unreachable");
  CHECK(j["error"]["address"] == addr);
  CHECK(j["error"]["address_source"] == "$REEL_HOST");
  CHECK(contains(j["error"]["message"].get<std::string>(), addr));
  CHECK(contains(j["error"]["hint"].get<std::string>(), "systemctl --user start reeld"));
}

TEST_CASE("bad usage exits 2") {
  temp_dir dir;
  auto env = hermetic_env(dir);
  CHECK(run_reel({}, env).exit_code == 2);
  CHECK(run_reel({"frobnicate"}, env).exit_code == 2);
  CHECK(run_reel({"status", "--bogus"}, env).exit_code == 2);
  CHECK(run_reel({"watch"}, env).exit_code == 2);
  CHECK(run_reel({"watch", "renders", "--since", "-3"}, env).exit_code == 2);
  auto r = run_reel({"status", "--host", "no-port-here"}, env);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "no-port-here"));
  r = run_reel({"status", "extra-arg"}, env);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "reel: "));
}

TEST_CASE("bad usage with --json: a bad_usage envelope on stdout") {
  temp_dir dir;
  auto r = run_reel({"watch", "--json"}, hermetic_env(dir));
  CHECK(r.exit_code == 2);
  auto j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["error"]["code"] == "bad_usage");
}

TEST_CASE("--help is complete and exits 0") {
  temp_dir dir;
  auto r = run_reel({"--help"}, hermetic_env(dir));
  CHECK(r.exit_code == 0);
  for (auto word : {"status", "watch", "version", "--json", "--host", "--key-file", "--verbose",
                    "REEL_HOST", "REEL_API_KEY", "Exit codes"})
    CHECK_MESSAGE(contains(r.out, word), word);
  r = run_reel({"watch", "--help"}, hermetic_env(dir));
  CHECK(r.exit_code == 0);
  for (auto word : {"TOPIC", "--since", "--count", "--timeout", "--json", "--host", "Exit codes"})
    CHECK_MESSAGE(contains(r.out, word), word);
  r = run_reel({"status", "--help"}, hermetic_env(dir));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "--key-file"));
}

TEST_CASE("version prints reel's version, as text or JSON") {
  temp_dir dir;
  auto r = run_reel({"version"}, hermetic_env(dir));
  CHECK(r.exit_code == 0);
  CHECK(r.out == std::string("reel ") + REEL_VERSION_FOR_TEST + "\n");
  r = run_reel({"version", "--json"}, hermetic_env(dir));
  CHECK(json::parse(r.out)["version"] == REEL_VERSION_FOR_TEST);
  CHECK(run_reel({"--version"}, hermetic_env(dir)).exit_code == 0);
}

TEST_CASE("status prints both versions and sends the key from --key-file as a bearer token") {
  temp_dir dir;
  fake_daemon daemon(status_ok);
  auto key_file = dir.write("my.key", "k-from-file\n");
  auto r =
      run_reel({"status", "--host", daemon.address(), "--key-file", key_file}, hermetic_env(dir));
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, std::string("reel        ") + REEL_VERSION_FOR_TEST + "\n"));
  CHECK(contains(r.out, "reeld       0.1.0 (pid 123)\n"));
  CHECK(contains(r.out, daemon.address() + " (from --host)"));
  auto reqs = daemon.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "GET");
  CHECK(reqs[0].target == "/v1/status");
  CHECK(reqs[0].header("authorization") == "Bearer k-from-file");
  CHECK(reqs[0].header("host") == daemon.address());
}

TEST_CASE("status finds the key in $REEL_STATE_DIR/api.key, and $REEL_API_KEY wins over it") {
  temp_dir dir;
  fake_daemon daemon(status_ok);
  dir.write("state/api.key", "k-from-state\n");
  auto env = hermetic_env(dir);
  env["REEL_STATE_DIR"] = dir.str() + "/state";
  env["REEL_HOST"] = daemon.address();
  CHECK(run_reel({"status"}, env).exit_code == 0);
  env["REEL_API_KEY"] = "k-from-env";
  CHECK(run_reel({"status"}, env).exit_code == 0);
  auto reqs = daemon.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].header("authorization") == "Bearer k-from-state");
  CHECK(reqs[1].header("authorization") == "Bearer k-from-env");
}

TEST_CASE("status --json prints the daemon's JSON as is") {
  temp_dir dir;
  fake_daemon daemon(status_ok);
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "k";
  auto r = run_reel({"--json", "status", "--host", daemon.address()}, env);
  CHECK(r.exit_code == 0);
  CHECK(json::parse(r.out) == json::parse(status_body));
}

TEST_CASE("a 401 envelope becomes exit 1 with the daemon's message and where the key came from") {
  temp_dir dir;
  fake_daemon daemon([](const recorded_request&) {
    return canned_response{401, R"({"error":{"code":"unauthorized","message":"wrong API key"}})"};
  });
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "stale";
  auto r = run_reel({"status", "--host", daemon.address()}, env);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "wrong API key"));
  CHECK(contains(r.err, "$REEL_API_KEY"));
  CHECK(!contains(r.err, "stale"));

  r = run_reel({"status", "--host", daemon.address(), "--json"}, env);
  CHECK(r.exit_code == 1);
  auto j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j["error"]["code"] == "unauthorized");
  CHECK(j["error"]["message"] == "wrong API key");
}

TEST_CASE("an answer that is not JSON is a failure, exit 1") {
  temp_dir dir;
  fake_daemon daemon([](const recorded_request&) {
    return canned_response{200, "<html>not reeld</html>", "text/html"};
  });
  auto env = hermetic_env(dir);
  env["REEL_API_KEY"] = "k";
  auto r = run_reel({"status", "--host", daemon.address()}, env);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "not JSON"));
}

TEST_CASE("a key file that cannot be read: exit 1 before any request") {
  temp_dir dir;
  fake_daemon daemon(status_ok);
  auto r = run_reel({"status", "--host", daemon.address(), "--key-file", dir.str() + "/none.key"},
                    hermetic_env(dir));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, dir.str() + "/none.key"));
  CHECK(daemon.requests().empty());
}
