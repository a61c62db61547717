// End to end: the real reeld process and the real reel binary.
#include "support/daemon_process.hpp"
#include "support/raw_ws.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <array>
#include <cstdio>

using namespace reel::test;

namespace {

struct run_result {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command line, capturing stdout (stderr folded in with 2>&1 by the caller).
run_result run(const std::string& cmd) {
  run_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (auto n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string reel_binary() {
  return std::string(REEL_BINARY_DIR) + "/cli/reel";
}

std::string reel_env(const daemon_process& d) {
  return "env -u REEL_API_KEY REEL_HOST=" + d.address() + " REEL_STATE_DIR=" + d.state_dir() + " ";
}

}  // namespace

TEST_CASE("reeld starts, reel status shows both versions, SIGTERM exits 0 within 5 s") {
  temp_dir dir;
  daemon_process d(reeld_binary(), dir.file("state"));
  CHECK(d.ready_after() < std::chrono::seconds(2));

  auto r = run(reel_env(d) + reel_binary() + " status 2>&1");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("0.1.0") != std::string::npos);
  CHECK(r.out.find(d.address()) != std::string::npos);

  r = run(reel_env(d) + reel_binary() + " status --json 2>/dev/null");
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j.dump().find("0.1.0") != std::string::npos);

  // The state directory and the key are private.
  struct stat st {};
  REQUIRE(::stat(d.state_dir().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((d.state_dir() + "/api.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto code = d.stop(SIGTERM);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(d.stop_took() < std::chrono::seconds(5));
}

TEST_CASE("shutdown closes WebSocket clients with 1001 and still exits 0") {
  temp_dir dir;
  daemon_process d(reeld_binary(), dir.file("state"));
  raw_ws a(d.port(), d.key());
  raw_ws b(d.port(), d.key());
  CHECK(a.read_json()["type"] == "hello");
  CHECK(b.read_json()["type"] == "hello");
  ::kill(d.pid(), SIGTERM);
  auto fa = a.read(4000);
  auto fb = b.read(4000);
  CHECK(fa.opcode == 8);
  CHECK(fa.close_code() == 1001);
  CHECK(fb.close_code() == 1001);
  a.send_close(1001);
  b.send_close(1001);
  auto code = d.stop(SIGTERM);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}

TEST_CASE("SIGINT stops the daemon cleanly too, even with a client that never answers the close") {
  temp_dir dir;
  daemon_process d(reeld_binary(), dir.file("state"));
  raw_ws silent(d.port(), d.key());  // never reads, never answers
  auto code = d.stop(SIGINT, std::chrono::seconds(6));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(d.stop_took() < std::chrono::seconds(5));
}

TEST_CASE("the key survives a restart; a second daemon on the same port fails clearly") {
  temp_dir dir;
  std::string first_key;
  std::uint16_t port = 0;
  {
    daemon_process d(reeld_binary(), dir.file("state"));
    first_key = d.key();
    port = d.port();
    auto r = run(reeld_binary() + " --state-dir " + dir.file("other") +
                 " --listen 127.0.0.1:" + std::to_string(port) + " 2>&1");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
    d.stop();
  }
  daemon_process again(reeld_binary(), dir.file("state"));
  CHECK(again.key() == first_key);
  CHECK(first_key.size() == 64);
}

TEST_CASE("reel status with no daemon says where it looked and how to start one, exit 3") {
  temp_dir dir;
  auto r = run("env REEL_HOST=127.0.0.1:1 REEL_STATE_DIR=" + dir.path() + " " + reel_binary() +
               " status 2>&1");
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("127.0.0.1:1") != std::string::npos);
  CHECK(r.out.find("REEL_HOST") != std::string::npos);
  CHECK(r.out.find("systemctl --user start reeld") != std::string::npos);
}

TEST_CASE("a bad configuration exits 2 naming the key and the line") {
  temp_dir dir;
  {
    std::FILE* f = std::fopen(dir.file("bad.toml").c_str(), "w");
    std::fputs("[api]\nread_timeout_s = -5\n", f);
    std::fclose(f);
  }
  auto r = run(reeld_binary() + " --state-dir " + dir.file("s") + " --config " +
               dir.file("bad.toml") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("bad.toml:2: api.read_timeout_s") != std::string::npos);
  r = run("REEL_LOG_LEVEL=chatty " + reeld_binary() + " --state-dir " + dir.file("s") + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("REEL_LOG_LEVEL") != std::string::npos);
  r = run(reeld_binary() + " --bogus-flag 2>&1");
  CHECK(r.exit_code == 2);
  r = run(reeld_binary() + " --help 2>&1");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("REEL_API_WS_OUTBOX_BYTES") != std::string::npos);
  CHECK(r.out.find("--state-dir") != std::string::npos);
}

TEST_CASE("a database newer than the binary is refused with a clear message") {
  temp_dir dir;
  ::mkdir(dir.file("state").c_str(), 0700);
  auto r = run("sqlite3 " + dir.file("state/reel.db") + " 'PRAGMA user_version=999;' 2>&1");
  REQUIRE(r.exit_code == 0);
  r = run(reeld_binary() + " --state-dir " + dir.file("state") + " --listen 127.0.0.1:0 2>&1");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("999") != std::string::npos);
  CHECK(r.out.find("upgrade reeld") != std::string::npos);
}

TEST_CASE("no line of the daemon's log carries the API key") {
  temp_dir dir;
  daemon_process d(reeld_binary(), dir.file("state"), {"--log-level", "trace"});
  raw_ws ws(d.port(), d.key());
  raw_ws bad(d.port(), "");
  bad.send_text(nlohmann::json{{"op", "auth"}, {"key", d.key()}}.dump());
  http(d.port(), "GET", "/v1/status", d.key());
  d.stop();
  std::FILE* f = std::fopen(d.log_path().c_str(), "r");
  REQUIRE(f);
  std::string log;
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof buf, f)) log.append(buf, n);
  std::fclose(f);
  CHECK_FALSE(log.empty());
  CHECK(log.find(d.key()) == std::string::npos);
}
