#include "engine/child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

extern char** environ;

namespace reel::engine {

namespace {

process_exit exit_of(int status, const rusage& ru) {
  process_exit e;
  if (WIFEXITED(status)) e.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  e.usage.user_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
  e.usage.sys_s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  e.usage.max_rss_kb = ru.ru_maxrss;  // kilobytes on Linux
  return e;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

core::result<child_process> child_process::spawn(const std::vector<std::string>& argv) {
  if (argv.empty()) return core::make_error(core::errc::internal, "no program to start");
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  // O_CLOEXEC: a child started by another job at the same moment must not inherit these pipes
  // (it would hold them open and our reads would never see end of file).
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    for (int fd : {out[0], out[1], err[0], err[1]})
      if (fd >= 0) ::close(fd);
    return core::make_error(core::errc::internal,
                            std::string("cannot make pipes: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
  // The child gets default signal dispositions and its own process group, so a terminal's
  // Ctrl-C reaches the daemon only, and the daemon decides what happens to its renders.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    return core::make_error(core::errc::internal,
                            "cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  child_process c;
  c.pid_ = pid;
  c.out_ = out[0];
  c.err_ = err[0];
  return c;
}

child_process::child_process(child_process&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      out_(std::exchange(o.out_, -1)),
      err_(std::exchange(o.err_, -1)),
      exit_(std::exchange(o.exit_, std::nullopt)) {}

child_process& child_process::operator=(child_process&& o) noexcept {
  if (this != &o) {
    reset();
    pid_ = std::exchange(o.pid_, -1);
    out_ = std::exchange(o.out_, -1);
    err_ = std::exchange(o.err_, -1);
    exit_ = std::exchange(o.exit_, std::nullopt);
  }
  return *this;
}

child_process::~child_process() {
  reset();
}

void child_process::reset() noexcept {
  close_fd(out_);
  close_fd(err_);
  if (pid_ > 0 && !exit_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  exit_.reset();
}

int child_process::take_stdout() noexcept {
  return std::exchange(out_, -1);
}

int child_process::take_stderr() noexcept {
  return std::exchange(err_, -1);
}

void child_process::signal(int sig) noexcept {
  if (pid_ > 0 && !exit_) ::kill(pid_, sig);
}

std::optional<process_exit> child_process::try_wait() {
  if (exit_ || pid_ <= 0) return exit_;
  int status = 0;
  rusage ru{};
  const pid_t r = ::wait4(pid_, &status, WNOHANG, &ru);
  if (r == pid_) exit_ = exit_of(status, ru);
  return exit_;
}

process_exit child_process::wait() {
  if (exit_ || pid_ <= 0) return exit_.value_or(process_exit{});
  int status = 0;
  rusage ru{};
  pid_t r = -1;
  do {
    r = ::wait4(pid_, &status, 0, &ru);
  } while (r < 0 && errno == EINTR);
  exit_ = r == pid_ ? exit_of(status, ru) : process_exit{};
  return *exit_;
}

}  // namespace reel::engine
