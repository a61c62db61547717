#pragma once
// A real reeld process for tests and benchmarks: started on 127.0.0.1 port 0 with its own state
// directory, ready when it has written <state>/reeld.addr, stopped with a signal.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace reel::test {

class daemon_process {
 public:
  // Starts `binary` with --state-dir `state_dir`, --listen 127.0.0.1:0 and `extra_args`;
  // stderr goes to reeld.log beside the state directory (appended: restarts keep one log). Throws
  // when the daemon is not ready within `timeout`.
  daemon_process(std::string binary, std::string state_dir,
                 std::vector<std::string> extra_args = {}, std::vector<std::string> extra_env = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : state_dir_(std::move(state_dir)) {
    ::unlink((state_dir_ + "/reeld.addr").c_str());
    std::vector<std::string> args{binary, "--state-dir", state_dir_, "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e) {
      std::string v(*e);
      // Hermetic: the caller's REEL_* settings and systemd's variables do not leak in.
      if (v.rfind("REEL_", 0) == 0 || v.rfind("NOTIFY_SOCKET=", 0) == 0 ||
          v.rfind("STATE_DIRECTORY=", 0) == 0)
        continue;
      env_store.push_back(v);
    }
    env_store.push_back("XDG_CONFIG_HOME=" + state_dir_ + "/xdg-config-none");
    env_store.insert(env_store.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (auto& e : env_store) envp.push_back(e.data());
    envp.push_back(nullptr);

    log_path_ = state_dir_.substr(0, state_dir_.find_last_of('/') + 1) + "reeld.log";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    started_ = std::chrono::steady_clock::now();
    int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + binary);

    const auto deadline = started_ + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(state_dir_ + "/reeld.addr");
      std::string line;
      if (in && std::getline(in, line) && !line.empty()) {
        address_ = line;
        ready_after_ = std::chrono::steady_clock::now() - started_;
        std::ifstream key(state_dir_ + "/api.key");
        std::getline(key, key_);
        port_ = static_cast<std::uint16_t>(std::stoi(address_.substr(address_.rfind(':') + 1)));
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("reeld exited before it was ready; see " + log_path_);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill_now();
    throw std::runtime_error("reeld was not ready in time; see " + log_path_);
  }

  ~daemon_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  daemon_process(const daemon_process&) = delete;
  daemon_process& operator=(const daemon_process&) = delete;

  // Sends `sig` and waits up to `timeout` for the exit; returns the exit status (or -signal),
  // nullopt when it did not exit in time (then it is killed).
  std::optional<int> stop(int sig = SIGTERM,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (pid_ <= 0) return std::nullopt;
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        stop_took_ = std::chrono::steady_clock::now() - (deadline - timeout);
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        return -WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill_now();
    return std::nullopt;
  }
  // kill -9, as a crash would.
  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  const std::string& address() const { return address_; }  // "127.0.0.1:PORT"
  std::uint16_t port() const { return port_; }
  const std::string& key() const { return key_; }
  const std::string& state_dir() const { return state_dir_; }
  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return pid_; }
  std::chrono::steady_clock::duration ready_after() const { return ready_after_; }
  std::chrono::steady_clock::duration stop_took() const { return stop_took_; }

 private:
  std::string state_dir_;
  std::string log_path_;
  std::string address_;
  std::string key_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::duration ready_after_{};
  std::chrono::steady_clock::duration stop_took_{};
};

// The reeld built next to the tests.
inline std::string reeld_binary() {
  return std::string(REEL_BINARY_DIR) + "/daemon/reeld";
}

}  // namespace reel::test
