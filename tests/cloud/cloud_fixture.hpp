#pragma once
// A real reeld pointed at an in-process fake_nemo (HTTPS with a throwaway CA by default), in a
// temporary directory: the cloud backend end to end, asserted through the simulator's counters.
#include "core/error.hpp"
#include "fake_nemo/server.hpp"
#include "fake_nemo/test_pki.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_http.hpp"
#include "support/raw_ws.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace reel::cloud_test {

using nlohmann::json;
using reel::test::raw_conn;
using reel::test::raw_response;
using reel::test::raw_ws;
using namespace std::chrono_literals;

// The first bytes of an MP4 (an ftyp box): enough for the type checks of reeld and the cloud.
inline std::string mp4_head() {
  return std::string("\0\0\0\x20", 4) + "ftypisom" + std::string("\0\0\x02\0", 4) +
         "isomiso2avc1mp41";
}
inline std::string png_head() {
  return std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) + std::string(16, '\0');
}

struct cloud_options {
  bool tls = true;
  std::vector<std::string> args;  // more reeld arguments
  std::vector<std::string> env;   // more environment entries for reeld
  bool start_daemon = true;
};

struct cloud_fixture {
  reel::test::temp_dir dir;
  cloud_options opt;
  std::optional<fake_nemo::pki_files> pki;
  fake_nemo::server srv;
  std::uint16_t nemo_port = 0;
  std::unique_ptr<reel::test::daemon_process> daemon;

  explicit cloud_fixture(cloud_options o = {})
      : opt(std::move(o)),
        pki(opt.tls ? std::optional(fake_nemo::make_test_pki(dir.file("pki"))) : std::nullopt),
        srv(server_options()),
        nemo_port(srv.start()) {
    if (opt.start_daemon) start();
  }

  fake_nemo::server_options server_options() const {
    fake_nemo::server_options s;
    if (pki) s.tls = fake_nemo::tls_files{pki->cert_chain, pki->private_key};
    return s;
  }

  std::string base_url() const {
    return std::string(opt.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(nemo_port);
  }

  std::vector<std::string> daemon_args() const {
    std::vector<std::string> a{"--log-level", "trace",
                               "--set",       "upstream.base_url=" + base_url(),
                               "--set",       "upstream.rate_limit_wait_s=1",
                               "--set",       "upstream.skill_source=reel-test"};
    if (pki) {
      a.push_back("--set");
      a.push_back("upstream.ca_file=" + pki->ca_cert.string());
    }
    a.insert(a.end(), opt.args.begin(), opt.args.end());
    return a;
  }

  // Starts reeld (again: a restart keeps the state directory and appends to the log).
  void start() {
    daemon.reset();
    daemon = std::make_unique<reel::test::daemon_process>(
        reel::test::reeld_binary(), dir.file("state"), daemon_args(), opt.env);
  }
  void restart() {
    daemon->stop();
    start();
  }

  fake_nemo::simulator& sim() { return srv.sim(); }
  std::uint16_t port() const { return daemon->port(); }
  const std::string& key() const { return daemon->key(); }
  std::string log() const {
    std::ifstream in(daemon->log_path());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // One request on a new connection; waits up to `limit` for the whole answer.
  raw_response call(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::string& content_type = "application/json",
                    std::chrono::milliseconds limit = 30s) {
    raw_conn c(port());
    std::string req = method + " " + target +
                      " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port()) +
                      "\r\nAuthorization: Bearer " + key() + "\r\n";
    if (!body.empty() || method == "POST")
      req += "Content-Type: " + content_type +
             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    req += "Connection: close\r\n\r\n";
    c.send(req);
    c.send(body);
    auto r = reel::test::parse_response(c.read_response(limit));
    responses.push_back(r.head + "\r\n\r\n" + r.body);
    return r;
  }
  raw_response get(const std::string& target) { return call("GET", target); }
  raw_response post(const std::string& target, const json& body) {
    return call("POST", target, body.dump());
  }

  // A multipart/form-data body with each (filename, bytes) in field `field`.
  static std::pair<std::string, std::string> multipart(
      const std::vector<std::pair<std::string, std::string>>& files,
      const std::string& field = "files") {
    const std::string boundary = "reelTestBoundary7f3a9c2e1d5b4a60";
    std::string body;
    for (const auto& [name, bytes] : files) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field +
              "\"; filename=\"" + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
      body += bytes + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return {body, "multipart/form-data; boundary=" + boundary};
  }

  // POST /v1/sessions; fails the test unless 201.
  json new_session(const std::string& language = "en") {
    auto r = post("/v1/sessions", {{"backend", "nemovideo"}, {"language", language}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json();
  }

  // A file in the test directory.
  std::string write_file(const std::string& name, const std::string& bytes) {
    const auto path = dir.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // A WebSocket client subscribed to `topic`.
  std::unique_ptr<raw_ws> subscribe(const std::string& topic) {
    auto ws = std::make_unique<raw_ws>(port(), key());
    auto hello = ws->read_json();
    REQUIRE(hello.value("type", "") == "hello");
    ws->send_text(json{{"id", 1}, {"op", "subscribe"}, {"topic", topic}}.dump());
    auto res = ws->read_json();
    REQUIRE(res.value("ok", false));
    return ws;
  }

  // Events read until `until` is seen or `wait` passes with nothing new.
  static std::vector<json> events(raw_ws& ws, const std::string& until, int wait_ms = 3000) {
    std::vector<json> out;
    for (;;) {
      auto m = ws.read_json(wait_ms);
      if (m.is_null()) return out;
      if (m.value("type", "") != "event") continue;
      out.push_back(m);
      if (m.value("event", "") == until) return out;
    }
  }

  // The client id reeld uses (from its first anonymous-token call) and that client's token.
  std::string client_id() {
    for (const auto& r : sim().requests())
      for (const auto& [k, v] : r.headers)
        if (k == "X-Client-Id" || k == "x-client-id") return v;
    return {};
  }
  std::string current_token() { return sim().token_of(client_id()); }

  int calls(fake_nemo::endpoint ep) { return sim().get_counters().calls(ep); }

  // Every raw answer this fixture received (head and body), for leak searches.
  std::vector<std::string> responses;
};

// The result of running `reel`.
struct reel_run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string reel_binary() {
  return std::string(REEL_BINARY_DIR) + "/cli/reel";
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Peak resident memory of a process (VmHWM), in kB; -1 when unknown.
inline long peak_rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// How run_reel starts reel, beyond the common environment.
struct spawn_options {
  std::optional<std::string> input;  // its standard input (else /dev/null)
  std::string binary;                // the reel to run; empty: the build's
  int pass_fd = -1;                  // inherited by reel as fd `pass_as`
  int pass_as = -1;
  bool as_nobody = false;   // run reel as uid/gid 65534 (the tests run as root)
  bool sample_rss = false;  // poll reel's VmHWM while it runs
};

struct measured_run {
  reel_run run;
  long peak_rss_kb = -1;  // the largest VmHWM seen (sample_rss)
};

// Runs reel with `args` against the fixture's daemon, XDG_STATE_HOME in the test directory.
// VmHWM is read from /proc while reel runs: wait4's ru_maxrss would also count the forked test
// process's pages (exec keeps the old high-water mark).
inline measured_run spawn_reel(cloud_fixture& f, std::vector<std::string> args,
                               const spawn_options& so = {}) {
  const std::string in_path = so.input ? f.write_file("reel.in", *so.input) : "/dev/null";
  const std::string out_path = f.dir.file("reel.out");
  const std::string err_path = f.dir.file("reel.err");
  std::vector<std::string> argv_s{so.binary.empty() ? reel_binary() : so.binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s{
      "REEL_HOST=127.0.0.1:" + std::to_string(f.port()),
      "REEL_API_KEY=" + f.key(),
      "XDG_STATE_HOME=" + f.dir.file("xdg-state"),
      "XDG_CONFIG_HOME=" + f.dir.file("xdg-config"),
      "HOME=" + f.dir.path(),
      "PATH=/usr/bin:/bin",
  };
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int i = ::open(in_path.c_str(), O_RDONLY);
    const int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(i, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    if (so.pass_fd >= 0) ::dup2(so.pass_fd, so.pass_as);
    if (so.as_nobody &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
      ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  measured_run m;
  int status = 0;
  for (;;) {
    if (so.sample_rss) m.peak_rss_kb = std::max(m.peak_rss_kb, peak_rss_kb(pid));
    const pid_t w = ::waitpid(pid, &status, so.sample_rss ? WNOHANG : 0);
    if (w == pid) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m.run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  m.run.out = slurp(out_path);
  m.run.err = slurp(err_path);
  return m;
}

// The same, for what most tests need: the output, with `input` on stdin when given.
inline reel_run run_reel(cloud_fixture& f, std::vector<std::string> args,
                         std::optional<std::string> input = std::nullopt) {
  spawn_options so;
  so.input = std::move(input);
  return spawn_reel(f, std::move(args), so).run;
}

}  // namespace reel::cloud_test
