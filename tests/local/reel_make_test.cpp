// `reel make`, the main job in one command, through the real reel and reeld binaries.
#include "local/local_fixture.hpp"

namespace reel::test {
namespace {

struct command_run {
  int exit_code = -1;
  std::string out;
};

// Runs reel with `args` against `d` (its address and key by environment); stdout captured,
// stderr (progress, the agent's answer) kept in a file for failure messages.
command_run run_reel(local_daemon& d, const std::vector<std::string>& args) {
  std::string cmd =
      "env -i PATH=/usr/bin:/bin HOME='" + d.dir.path() + "' XDG_STATE_HOME='" +
      d.dir.file("xdg-state") + "' REEL_HOST=127.0.0.1:" + std::to_string(d.daemon->port()) +
      " REEL_API_KEY=" + d.daemon->key() + " '" + std::string(REEL_BINARY_DIR) + "/cli/reel'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>'" + d.dir.file("reel.err") + "'";
  command_run r;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int rc = ::pclose(p);
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return r;
}

}  // namespace

TEST_CASE("reel make turns photos, music and a prompt into the MP4 it names, in one command") {
  local_daemon d;
  const auto& m = sample_media::get();
  const std::string out = d.dir.file("made.mp4");
  std::vector<std::string> args{"make"};
  args.insert(args.end(), m.photos.begin(), m.photos.begin() + 3);
  for (const std::string& a :
       {std::string("--music"), m.music, std::string("-p"),
        std::string("turn these images into a 6-second vertical video "
                    "with background music"),
        std::string("--quality"), std::string("draft"), std::string("-o"), out})
    args.push_back(a);
  auto r = run_reel(d, args);
  INFO("stderr: " << run_capture("cat '" + d.dir.file("reel.err") + "'"));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(out) != std::string::npos);
  REQUIRE(std::filesystem::exists(out));
  const auto p = probe(out);
  CHECK(std::abs(p.duration_s - 6.0) <= 0.1);
  CHECK(p.width == 1080);
  CHECK(p.height == 1920);
  CHECK(p.video_codec == "h264");
  CHECK(p.audio_codec == "aac");
  // The session stays the current one, with the four files in order.
  auto sessions = d.call_json("GET", "/v1/sessions", nullptr, 200)["sessions"];
  REQUIRE(sessions.size() == 1);
  auto media = d.state(sessions[0]["id"])["media"];
  CHECK(media.size() == 4);
}

TEST_CASE("reel make without a readable file fails before anything is made") {
  local_daemon d;
  auto r = run_reel(
      d, {"make", d.dir.file("missing.jpg"), "-p", "a video", "-o", d.dir.file("never.mp4")});
  CHECK(r.exit_code == 1);
  CHECK(run_capture("cat '" + d.dir.file("reel.err") + "'").find("no such file") !=
        std::string::npos);
  CHECK(d.call_json("GET", "/v1/sessions", nullptr, 200)["sessions"].empty());
  CHECK_FALSE(std::filesystem::exists(d.dir.file("never.mp4")));
}

}  // namespace reel::test
