// Whole flows, then a search of every response, every event and the daemon's whole log (at
// trace level) for every token the cloud issued: zero hits.
#include "cloud_fixture.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
using reel::fake_nemo::knobs;

TEST_CASE("no upstream token in any response, event or log line, across whole flows") {
  cloud_fixture f;
  auto everything = f.subscribe("*");

  // Sessions, media three ways, state, credits, status, metrics.
  auto s = f.new_session();
  const std::string id = s["id"];
  const auto media = "/v1/sessions/" + id + "/media";
  auto clip = f.write_file("clip.mp4", mp4_head() + std::string(300000, 'c'));
  CHECK(f.post(media, {{"paths", {clip}}}).status == 201);
  auto [body, type] = cloud_fixture::multipart({{"logo.png", png_head() + "p"}});
  CHECK(f.call("POST", media, body, type).status == 201);
  CHECK(f.post(media, {{"urls", {"https://example.com/a.mp3"}}}).status == 201);
  CHECK(f.get("/v1/sessions/" + id + "/state").status == 200);
  CHECK(f.get(media).status == 200);
  CHECK(f.get("/v1/credits?backend=nemovideo").status == 200);
  CHECK(f.get("/v1/status").status == 200);
  CHECK(f.get("/metrics").status == 200);
  CHECK(f.get("/v1/sessions").status == 200);

  // Renewal (1001), replacement (1002), refusals, faults.
  f.sim().expire_all_tokens();
  CHECK(f.get("/v1/sessions/" + id + "/state").status == 200);
  f.sim().lose_all_sessions();
  CHECK(f.get("/v1/sessions/" + id + "/state").status == 200);
  f.sim().update_knobs([](knobs& k) { k.force_unsupported_type = true; });
  CHECK(f.post(media, {{"paths", {clip}}}).status == 415);
  f.sim().update_knobs([](knobs& k) { k.force_unsupported_type = false; });
  f.sim().fail_next(endpoint::credits, 1, 502);
  CHECK(f.get("/v1/credits?backend=nemovideo").status >= 500);
  f.sim().drop_next(endpoint::state, 1, 3);
  CHECK(f.get("/v1/sessions/" + id + "/state").status >= 500);
  auto bad = f.write_file("bad.mp4", "not a video");
  CHECK(f.post(media, {{"paths", {bad}}}).status == 415);

  // A restart with the persisted token, and a few more calls.
  f.restart();
  auto again = f.subscribe("*");
  CHECK(f.new_session()["backend"] == "nemovideo");
  CHECK(f.get("/v1/status").status == 200);
  CHECK(f.get("/v1/sessions/" + id + "/state").status == 200);

  std::string events;
  for (auto* ws : {everything.get(), again.get()}) {
    for (;;) {
      auto frame = ws->read(500);
      if (frame.opcode < 0) break;
      events += frame.payload + "\n";
    }
  }
  const auto log = f.log();
  f.daemon->stop();

  const auto counters = f.sim().get_counters();
  REQUIRE(counters.by_token.size() >= 2);  // the first token and its renewal
  CHECK(events.find("media.added") != std::string::npos);
  CHECK(events.find("token.renewed") != std::string::npos);
  CHECK(log.find("new anonymous token") != std::string::npos);  // the log is the daemon's
  for (const auto& [token, n] : counters.by_token) {
    REQUIRE(token.size() > 8);
    CHECK_MESSAGE(log.find(token) == std::string::npos, "the log holds a token");
    CHECK_MESSAGE(events.find(token) == std::string::npos, "an event holds a token");
    for (const auto& r : f.responses)
      CHECK_MESSAGE(r.find(token) == std::string::npos, "a response holds a token");
    // Nor any part long enough to matter (a token cut in half).
    CHECK(log.find(token.substr(4, 20)) == std::string::npos);
  }
}
