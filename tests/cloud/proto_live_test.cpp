// The session calls' real answers validate against proto/ (check.py --validate, the schemas the
// examples are checked with): sessions, media, state, credits, status with the token part, the
// error envelopes of refusals, and the session events.
#include "cloud_fixture.hpp"

#include <cstdio>

using namespace reel::cloud_test;

namespace {

const std::string openapi = "openapi.yaml#/components/schemas/";

// Runs check.py --validate REF FILE...; its exit status, its output in `out`.
int run_check(const std::string& ref, const std::vector<std::string>& files, std::string& out) {
  std::string cmd = "/usr/bin/python3 '" + std::string(REEL_SOURCE_DIR) +
                    "/proto/check.py' --validate '" + ref + "'";
  for (const auto& f : files) cmd += " '" + f + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("session, media, state, credits, status and events of the cloud backend match proto/") {
  cloud_fixture f;
  std::map<std::string, std::vector<std::string>> files;
  int n = 0;
  auto add = [&](const std::string& ref, const std::string& text) {
    const auto path = f.dir.file("answer-" + std::to_string(++n) + ".json");
    std::ofstream(path) << text;
    files[ref].push_back(path);
  };
  auto ws = f.subscribe("*");

  auto created = f.post("/v1/sessions", {{"backend", "nemovideo"}, {"title", "Promo"}});
  REQUIRE(created.status == 201);
  add(openapi + "Session", created.body);
  const std::string id = created.json()["id"];
  add(openapi + "Session", f.get("/v1/sessions/" + id).body);
  add(openapi + "SessionCreate", R"({"backend":"nemovideo","language":"en","title":"Promo"})");

  const auto clip = f.write_file("clip.mp4", mp4_head() + std::string(200000, 'c'));
  const json by_path{{"paths", {clip}}};
  add(openapi + "MediaAdd", by_path.dump());
  auto added = f.post("/v1/sessions/" + id + "/media", by_path);
  REQUIRE(added.status == 201);
  for (const auto& m : added.json()["media"]) add(openapi + "Media", m.dump());
  const json by_url{{"urls", {"https://example.com/a.png"}}};
  add(openapi + "MediaAdd", by_url.dump());
  added = f.post("/v1/sessions/" + id + "/media", by_url);
  REQUIRE(added.status == 201);
  for (const auto& m : added.json()["media"]) add(openapi + "Media", m.dump());

  auto st = f.get("/v1/sessions/" + id + "/state");
  REQUIRE(st.status == 200);
  add(openapi + "SessionState", st.body);
  auto credits = f.get("/v1/credits?backend=nemovideo");
  REQUIRE(credits.status == 200);
  add(openapi + "Credits", credits.body);
  add("status.schema.json#/$defs/Status", f.get("/v1/status").body);

  const auto envelope = "error.schema.json#/$defs/ErrorEnvelope";
  add(envelope,
      f.post("/v1/sessions/" + id + "/media", {{"paths", {f.write_file("n.txt", "x")}}}).body);
  add(envelope, f.post("/v1/sessions", {{"backend", "nope"}}).body);
  add(envelope, f.get("/v1/sessions/s_missing").body);
  f.sim().lose_all_sessions();
  REQUIRE(f.get("/v1/sessions/" + id + "/state").status == 200);  // replaced: an event
  REQUIRE(f.call("DELETE", "/v1/sessions/" + id).status == 204);

  int events = 0;
  for (;;) {
    auto frame = ws->read(500);
    if (frame.opcode != 1) break;
    add("ws.schema.json", frame.payload);
    ++events;
  }
  CHECK(events >= 6);  // session.created x2, upload.progress, media.added x2, replaced, deleted

  for (const auto& [ref, list] : files) {
    std::string out;
    const int rc = run_check(ref, list, out);
    CAPTURE(ref);
    CHECK_MESSAGE(rc == 0, "check.py --validate failed:\n" << out);
  }
}
