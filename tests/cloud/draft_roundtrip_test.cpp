// The draft round trip: a draft with keys Reel does not know, read from GET state and sent back
// to the cloud, is equal as JSON to what the cloud sent; the summary is in the seeds' form.
#include "cloud_fixture.hpp"
#include "fake_nemo/http_client.hpp"

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
namespace fnt = reel::fake_nemo::testing;

namespace {

fnt::http_client cloud_client(cloud_fixture& f) {
  fnt::client_options o;
  o.port = f.nemo_port;
  o.tls = true;
  o.ca_file = f.pki->ca_cert.string();
  o.verify_name = "127.0.0.1";
  return fnt::http_client(o);
}

reel::fake_nemo::header_list auth(const std::string& token) {
  return {{"Authorization", "Bearer " + token},
          {"X-Skill-Source", "reel-test"},
          {"X-Skill-Version", "1"},
          {"X-Skill-Platform", "unknown"}};
}

}  // namespace

TEST_CASE("a draft with unknown keys read from state and sent back equals what the cloud sent") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string id = s["id"];
  const std::string sid = s["upstream_session_id"];
  auto clip = f.write_file("city timelapse.mp4", mp4_head() + std::string(2'000'000, 'c'));
  REQUIRE(f.post("/v1/sessions/" + id + "/media", {{"paths", {clip}}}).status == 201);

  // An edit turn on the cloud, with reeld's own token (the same user): tracks with unknown keys.
  auto cloud = cloud_client(f);
  const auto token = f.current_token();
  REQUIRE_FALSE(token.empty());
  auto h = auth(token);
  h.emplace_back("Accept", "text/event-stream");
  auto turn =
      cloud.post_json("/run_sse",
                      {{"app_name", "nemo_agent"},
                       {"user_id", "me"},
                       {"session_id", sid},
                       {"new_message",
                        {{"parts",
                          {{{"text",
                             "make a video, add a title 'Summer Sale' and add background music "
                             "'Lo-fi' 35%"}}}}}}},
                      h);
  REQUIRE(turn.status == 200);

  const auto sent = (*f.sim().session_state(sid))["draft"];
  REQUIRE(sent.contains("x_future"));
  REQUIRE(sent["t"].size() == 3);
  REQUIRE(sent["t"][0].contains("x_track"));

  auto st = f.get("/v1/sessions/" + id + "/state");
  REQUIRE(st.status == 200);
  const auto read = st.json()["draft"];
  CHECK(read == sent);
  const std::string summary = st.json()["summary"];
  CHECK(summary.rfind("Timeline (3 tracks): 1. Video: ", 0) == 0);
  CHECK(summary.find("BGM: Lo-fi") != std::string::npos);
  CHECK(summary.find("35%") != std::string::npos);
  CHECK(summary.find("Title: \"Summer Sale\" (0-3s)") != std::string::npos);

  // Sent back as a render's draft, exactly as read.
  auto posted = cloud.post_json("/api/render/proxy/lambda",
                                {{"id", "render_roundtrip_1"},
                                 {"sessionId", sid},
                                 {"draft", read},
                                 {"output", {{"format", "mp4"}, {"quality", "high"}}}},
                                auth(token));
  REQUIRE_MESSAGE(posted.status == 200, posted.body);
  auto job = f.sim().render("render_roundtrip_1");
  REQUIRE(job);
  CHECK(job->draft == sent);
  CHECK(job->draft.dump() == sent.dump());
}
