// reel say and reel chat against a real reeld and the simulator.
#include "cloud/cloud_fixture.hpp"
#include "fake_nemo/turn_script.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
using reel::fake_nemo::turn_script;

namespace {

// Runs reel with `input` on its standard input (a pipe closed after it).
reel_run run_reel_input(cloud_fixture& f, std::vector<std::string> args, const std::string& input) {
  const std::string in_path = f.write_file("reel.in", input);
  const std::string out_path = f.dir.file("reel.out");
  const std::string err_path = f.dir.file("reel.err");
  std::vector<std::string> argv_s{reel_binary()};
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
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  reel_run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace

TEST_CASE("reel say streams the answer and ends with the timeline summary") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string upstream = s["upstream_session_id"];
  const std::string id = s["id"];
  f.sim().update_knobs([](auto& k) { k.sse_dribble = true; });
  f.sim().queue_turn(upstream, turn_script()
                                   .say("Ich füge den Titel hinzu. ", 3)
                                   .call("update_draft", {})
                                   .respond("update_draft", {{"status", "ok"}})
                                   .say("标题已添加。", 2));
  auto r = run_reel(f, {"say", "--session", id, "add a title 'Summer Sale'"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Ich füge den Titel hinzu. ") == 0);
  CHECK(r.out.find("标题已添加。") != std::string::npos);
  CHECK(r.out.find("Timeline (1 track): 1. Title: \"Summer Sale\" (0-3s)") != std::string::npos);
  CHECK(r.err.find("update_draft") != std::string::npos);
}

TEST_CASE("reel say --json prints every event of the turn as one line") {
  cloud_fixture f;
  auto s = f.new_session();
  f.sim().queue_turn(s["upstream_session_id"], turn_script().say("Fertig.", 2));
  auto r = run_reel(f, {"say", "--json", "--session", s["id"], "mach etwas"});
  CHECK(r.exit_code == 0);
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);) names.push_back(json::parse(l)["event"]);
  REQUIRE_FALSE(names.empty());
  CHECK(names.front() == "chat.started");
  CHECK(names.back() == "chat.done");
}

TEST_CASE("reel say reports out of credits with the link and exits 1") {
  cloud_fixture f;
  auto s = f.new_session();
  f.sim().queue_turn(s["upstream_session_id"], turn_script().error("2001", "no credits"));
  auto r = run_reel(f, {"say", "--session", s["id"], "make a video"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("credits") != std::string::npos);
  CHECK(r.err.find("bind=") != std::string::npos);
}

TEST_CASE("reel say without a session says how to get one") {
  cloud_fixture f;
  auto r = run_reel(f, {"say", "hello"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("reel new") != std::string::npos);
}

TEST_CASE("reel chat takes lines, streams answers, and runs /credits, /show, /export") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string upstream = s["upstream_session_id"];
  f.sim().queue_turn(upstream, turn_script().say("Hallo! 你好！", 2));
  f.sim().queue_turn(upstream, turn_script::silent());
  auto r = run_reel_input(f, {"chat", "--session", s["id"]},
                          "hi there\n/credits\nadd a title 'Summer Sale'\n/show\n/nope\n"
                          "/export\n/quit\n");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Hallo! 你好！") != std::string::npos);
  CHECK(r.out.find("Credits: ") != std::string::npos);
  CHECK(r.out.find("Added title \"Summer Sale\" (0-3s)") != std::string::npos);
  CHECK(r.out.find("1. Title: \"Summer Sale\" (0-3s)") != std::string::npos);
  CHECK(r.err.find("unknown command /nope") != std::string::npos);
  CHECK(r.out.find("Export started") != std::string::npos);
  CHECK(f.calls(endpoint::run_sse) == 2);
}
