// reel new / add / credits / show against a real reeld on the cloud backend: the current
// session remembered, --session overriding it, upload progress shown, --json as the daemon's.
#include "cloud_fixture.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;

namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("reel new, add, show, credits: one flow on the current session") {
  cloud_fixture f;
  auto r = run_reel(f, {"new", "--backend", "nemovideo", "--lang", "en"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(has(r.out, "on nemovideo"));
  const auto saved = slurp(f.dir.file("xdg-state/reel/cli-session"));
  REQUIRE(saved.rfind("s_", 0) == 0);
  const auto id = saved.substr(0, saved.find('\n'));

  auto clip = f.write_file("beach.mp4", mp4_head() + std::string(2 << 20, 'b'));
  auto logo = f.write_file("logo.png", png_head());
  r = run_reel(f, {"add", clip, logo});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(has(r.out, "Added 2 items to " + id));
  CHECK(has(r.out, "beach.mp4 (video"));
  // Not a terminal: progress as percentage lines.
  CHECK(has(r.err, "uploading beach.mp4: 100%"));
  CHECK(f.calls(endpoint::upload) == 2);

  r = run_reel(f, {"add", "--url", "https://example.com/song.mp3"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(has(r.out, "Added 1 item"));

  r = run_reel(f, {"show"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(has(r.out, "Timeline is empty"));
  CHECK(has(r.out, "Media (3):"));
  CHECK(has(r.out, "1. beach.mp4 (video, 2.0 MB"));

  r = run_reel(f, {"show", "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = json::parse(r.out);
  CHECK(j["draft"].contains("x_future"));
  CHECK(j["media"].size() == 3);

  r = run_reel(f, {"credits"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(has(r.out, "Credits (nemovideo): 100 available, 0 frozen, 100 total"));
  r = run_reel(f, {"credits", "--json", "--backend", "nemovideo"});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out) ==
        json{{"available", 100}, {"frozen", 0}, {"total", 100}, {"metered", true}});
}

TEST_CASE("reel add: refusals and usage errors, --session overrides the current one") {
  cloud_fixture f;
  auto r = run_reel(f, {"add", "x.mp4"});
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "reel new"));
  r = run_reel(f, {"show"});
  CHECK(r.exit_code == 2);

  auto s = f.new_session();
  const std::string id = s["id"];
  r = run_reel(f, {"add", "--session", id, f.dir.file("missing.mp4")});
  CHECK(r.exit_code == 1);
  CHECK(has(r.err, "no such file"));

  auto notes = f.write_file("notes.txt", "hello");
  r = run_reel(f, {"add", "--session", id, notes});
  CHECK(r.exit_code == 1);
  CHECK(has(r.err, "Accepted formats: mp4"));
  r = run_reel(f, {"add", "--json", "--session", id, notes});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["error"]["code"] == "unsupported_media");

  auto clip = f.write_file("a.mp4", mp4_head() + "x");
  r = run_reel(f, {"add", "--json", "--session", id, clip});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(json::parse(r.out)["media"][0]["name"] == "a.mp4");
  CHECK(f.calls(endpoint::upload) == 1);

  r = run_reel(f, {"add", "--session", id, clip, "--url", "https://x.example/a.mp4"});
  CHECK(r.exit_code == 2);
}

TEST_CASE("reel credits: a failing cloud is reported, exit 1") {
  cloud_fixture f;
  f.sim().fail_next(endpoint::credits, 1, 503);
  auto r = run_reel(f, {"credits", "--backend", "nemovideo"});
  CHECK(r.exit_code == 1);
  CHECK(has(r.err, "unavailable"));
}
