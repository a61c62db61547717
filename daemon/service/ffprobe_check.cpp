#include "service/ffprobe_check.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace reel::service {
namespace asio = boost::asio;

namespace {

constexpr std::size_t max_errors_kept = 4096;

// The child: killed and reaped unless it was reaped already (rule 10: killed on cancel).
class child {
 public:
  explicit child(pid_t pid) : pid_(pid) {}
  child(const child&) = delete;
  child& operator=(const child&) = delete;
  ~child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // The exit status once it ended (-1 for a signal), nullopt while it runs.
  std::optional<int> poll() {
    int status = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_;
};

double number_of(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    try {
      return std::stod(j.get<std::string>());
    } catch (const std::exception&) {
    }
  }
  return 0;
}

std::string first_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (auto nl = s.find('\n'); nl != std::string::npos) s = s.substr(0, nl);
  return s;
}

render_check_result bad(std::string why) {
  render_check_result r;
  r.ok = false;
  r.message = std::move(why);
  return r;
}

}  // namespace

render_check_result read_ffprobe(const nlohmann::json& out, int exit_status,
                                 const std::string& errors) {
  if (exit_status != 0)
    return bad("ffprobe could not read it" + (errors.empty() ? "" : ": " + first_line(errors)));
  if (!errors.empty()) return bad("ffprobe found errors: " + first_line(errors));
  const auto format = out.value("format", nlohmann::json::object());
  const std::string name = format.is_object() ? format.value("format_name", "") : "";
  if (name.find("mp4") == std::string::npos)
    return bad("not an MP4 (ffprobe says \"" + name + "\")");
  bool video = false;
  for (const auto& s : out.value("streams", nlohmann::json::array()))
    if (s.is_object() && s.value("codec_type", "") == "video" &&
        number_of(s.value("nb_read_packets", nlohmann::json())) > 0)
      video = true;
  if (!video) return bad("no video stream with frames");
  const double duration = number_of(format.value("duration", nlohmann::json()));
  if (!(duration > 0)) return bad("no duration");
  render_check_result r;
  r.ok = true;
  r.duration_s = duration;
  return r;
}

asio::awaitable<render_check_result> ffprobe_check(std::string path, ffprobe_options o) {
  const auto ex = co_await asio::this_coro::executor;
  // The JSON goes to a file beside the video (-o) so that stderr alone comes through the pipe.
  const std::string json_path = path + ".probe.json";
  ::unlink(json_path.c_str());  // never read an old verdict
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    co_return bad(std::string("pipe: ") + std::strerror(errno));
  asio::posix::stream_descriptor err_pipe(ex, pipe_fds[0]);

  std::vector<std::string> args{o.program,
                                "-v",
                                "error",
                                "-count_packets",
                                "-show_entries",
                                "format=format_name,duration:stream=codec_type,nb_read_packets",
                                "-of",
                                "json",
                                "-o",
                                json_path,
                                path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], STDERR_FILENO);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, o.program.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipe_fds[1]);
  if (rc != 0) co_return bad("cannot run " + o.program + ": " + std::strerror(rc));
  child proc(pid);

  asio::steady_timer limit(ex);
  limit.expires_after(o.timeout);
  bool timed_out = false;
  limit.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    timed_out = true;
    err_pipe.cancel();
  });

  // Read stderr to its end (the child's exit closes it); keep the first few KiB.
  std::string errors;
  char buf[4096];
  for (;;) {
    auto [ec, n] =
        co_await err_pipe.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (errors.size() < max_errors_kept) errors.append(buf, std::min(n, max_errors_kept));
    if (ec) break;
  }
  // stderr closed: the child is exiting; reap it without blocking the loop.
  std::optional<int> status;
  asio::steady_timer tick(ex);
  while (!timed_out && !(status = proc.poll())) {
    tick.expires_after(std::chrono::milliseconds(2));
    co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  limit.cancel();
  if (timed_out) {
    ::unlink(json_path.c_str());
    co_return bad("ffprobe took longer than " + std::to_string(o.timeout.count() / 1000) + " s");
  }

  nlohmann::json out = nlohmann::json::object();
  {
    std::ifstream in(json_path);
    std::stringstream ss;
    ss << in.rdbuf();
    out = nlohmann::json::parse(ss.str(), nullptr, false);
  }
  ::unlink(json_path.c_str());
  if (out.is_discarded()) out = nlohmann::json::object();
  co_return read_ffprobe(out, *status, errors);
}

}  // namespace reel::service
