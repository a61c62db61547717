#pragma once
// Helpers for tests/cli: a temporary directory, a free port, and running the reel binary with a
// controlled environment, capturing its output and exit code.
#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace reel::cli::test {

using reel::test::temp_dir;

// A port on 127.0.0.1 that nothing listens on (bound to port 0, then closed).
inline std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct process_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string reel_binary() {
  return std::string(REEL_BINARY_DIR) + "/cli/reel";
}

// Called whenever reel wrote something, with its pid and the output so far.
using output_hook = std::function<void(pid_t pid, const process_result& so_far)>;

// Runs reel with `args` and exactly `env` (plus PATH), killing it after `timeout`.
inline process_result run_reel(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env = {},
                               const output_hook& on_output = {},
                               std::chrono::seconds timeout = std::chrono::seconds(20)) {
  int out_pipe[2];
  int err_pipe[2];
  REQUIRE(::pipe(out_pipe) == 0);
  REQUIRE(::pipe(err_pipe) == 0);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  if (!env.contains("PATH")) env_strings.emplace_back("PATH=/usr/bin:/bin");
  auto binary = reel_binary();

  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    std::vector<char*> argv{binary.data()};
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);

  process_result r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open = 2;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool killed = false;
  while (open > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      auto n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      } else {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
        if (on_output) on_output(pid, r);
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (killed) FAIL("reel did not finish in time; stderr: " << r.err);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// An environment with nothing of the caller's: HOME and XDG_CONFIG_HOME point into `dir`, so
// no real config file or key is found.
inline std::map<std::string, std::string> hermetic_env(const temp_dir& dir) {
  return {{"HOME", dir.str() + "/home"}, {"XDG_CONFIG_HOME", dir.str() + "/config"}};
}

}  // namespace reel::cli::test
