// reel export / jobs / job against a real reeld and the simulator, including a daemon killed and
// restarted while `reel export --wait` draws its progress bar.
#include "daemon_fixture.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace reel::test {
namespace {

struct run_result {
  int exit_code = -1;
  std::string out;
};

run_result run(const std::string& cmd) {
  run_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (auto n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string reel_binary() {
  return std::string(REEL_BINARY_DIR) + "/cli/reel";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A free loopback port (bound, read, released).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A child process with its output in files; killed and reaped when it goes.
class child {
 public:
  child(std::vector<std::string> args, const std::vector<std::string>& env, const std::string& out,
        const std::string& err) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_store(env);
    std::vector<char*> envp;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    if (::posix_spawn(&pid_, args[0].c_str(), &fa, nullptr, argv.data(), envp.data()) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~child() { kill9(); }
  child(const child&) = delete;
  child& operator=(const child&) = delete;
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // The exit status; nullopt when it did not end within `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
};

// reeld on a fixed port (so `reel` finds it again after a restart); ready when reeld.addr is.
std::unique_ptr<child> start_on_port(daemon_fixture& fx, std::uint16_t port) {
  ::unlink((fx.state_dir() + "/reeld.addr").c_str());
  std::vector<std::string> args{reeld_binary(), "--state-dir", fx.state_dir(), "--listen",
                                "127.0.0.1:" + std::to_string(port)};
  for (const auto& a : fx.args()) args.push_back(a);
  auto c = std::make_unique<child>(args, std::vector<std::string>{"PATH=/usr/bin:/bin"},
                                   "/dev/null", fx.dir.file("reeld.log"));
  for (int i = 0; i < 500; ++i) {
    if (std::ifstream(fx.state_dir() + "/reeld.addr").good()) return c;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("reeld did not start on port " + std::to_string(port));
}

}  // namespace

TEST_CASE("reel export -o writes the finished file; reel jobs and reel job show the job") {
  daemon_fixture fx;
  fx.start();
  const auto session = fx.new_session();
  const auto file = fx.dir.file("out.mp4");
  const std::string env = "env -u REEL_API_KEY REEL_HOST=" + fx.daemon->address() +
                          " REEL_STATE_DIR=" + fx.state_dir() +
                          " XDG_STATE_HOME=" + fx.dir.file("xdg") + " ";
  auto r = run(env + reel_binary() + " export --session " + session + " -o " + file +
               " --json 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["state"] == "completed");
  CHECK(j["saved_to"] == file);
  CHECK(fake_nemo::sha256_file(file) == fake_nemo::shared_sample_mp4().sha256);
  const auto id = j["id"].get<std::string>();

  auto jobs = run(env + reel_binary() + " jobs");
  CHECK(jobs.exit_code == 0);
  CHECK(jobs.out.find(id) != std::string::npos);
  CHECK(jobs.out.find("completed") != std::string::npos);
  auto one = run(env + reel_binary() + " job " + id + " --json");
  CHECK(one.exit_code == 0);
  CHECK(nlohmann::json::parse(one.out)["output"]["sha256"] ==
        fake_nemo::shared_sample_mp4().sha256);
  CHECK(run(env + reel_binary() + " job render_1_nope 2>&1").exit_code == 1);

  // Without --wait: the id at once.
  auto quick = run(env + reel_binary() + " export --session " + session);
  CHECK(quick.exit_code == 0);
  CHECK(quick.out.rfind("render_", 0) == 0);
}

TEST_CASE("reel export --wait survives a kill -9 and restart of the daemon") {
  daemon_fixture fx;
  fx.sim().update_knobs([](fake_nemo::knobs& k) { k.render_sim_time = std::chrono::seconds(3); });
  const auto port = free_port();
  auto d = start_on_port(fx, port);
  const auto key = read_file(fx.state_dir() + "/api.key").substr(0, 64);
  auto r = http(port, "POST", "/v1/sessions", key, R"({"backend":"nemovideo"})");
  REQUIRE(r.status == 201);
  const auto session = nlohmann::json::parse(r.body)["id"].get<std::string>();

  const auto file = fx.dir.file("out.mp4");
  child reel({reel_binary(), "export", "--session", session, "--wait", "-o", file},
             {"REEL_HOST=127.0.0.1:" + std::to_string(port), "REEL_STATE_DIR=" + fx.state_dir(),
              "XDG_STATE_HOME=" + fx.dir.file("xdg"), "HOME=" + fx.dir.path()},
             fx.dir.file("reel.out"), fx.dir.file("reel.err"));
  // Wait for the job to be rendering, then crash the daemon under reel's feet.
  std::string id;
  for (int i = 0; i < 500 && id.empty(); ++i) {
    auto list = http(port, "GET", "/v1/renders?state=rendering", key).json();
    if (list.is_object() && !list["renders"].empty()) id = list["renders"][0]["id"];
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_FALSE(id.empty());
  d->kill9();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  d = start_on_port(fx, port);

  auto status = reel.wait(std::chrono::seconds(40));
  INFO(read_file(fx.dir.file("reel.err")));
  REQUIRE(status == 0);
  CHECK(read_file(fx.dir.file("reel.out")) == file + "\n");
  CHECK(fake_nemo::sha256_file(file) == fake_nemo::shared_sample_mp4().sha256);
  CHECK(fx.sim().get_counters().posts(id) == 1);
  CHECK(read_file(fx.dir.file("reel.err")).find("reconnected") != std::string::npos);
}

}  // namespace reel::test
