// The render's output: a real MP4 served by the simulator, with Range, a fallback and cuts.
#include "fake_nemo/sample_media.hpp"
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;

namespace {

// A completed render "done" in a fresh session; returns the token.
std::string completed_render(fixture& f, const std::string& id) {
  f.sim().update_knobs([](knobs& k) {
    k.render_pending_polls = 0;
    k.render_processing_polls = 0;
  });
  const auto token = f.token();
  const auto sid = f.session(token);
  f.render(sid, id, auth_headers(token));
  f.client.get("/api/render/proxy/lambda/" + id, auth_headers(token));
  return token;
}

std::string run(const std::string& cmd) {
  std::string out;
  if (std::FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (const auto n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

}  // namespace

TEST_CASE("the output URL serves a real H.264 MP4 whose sha256 the simulator exposes") {
  fixture f;
  completed_render(f, "real");
  const auto r = f.client.get("/files/real.mp4");
  CHECK(r.status == 200);
  CHECK(r.complete);
  CHECK(r.header("Content-Type") == "video/mp4");
  CHECK(r.header("Accept-Ranges") == "bytes");
  const auto& mp4 = shared_sample_mp4();
  CHECK(r.body.size() == mp4.size);
  CHECK(sha256_hex(r.body) == mp4.sha256);
  CHECK(r.header("X-Content-SHA256") == mp4.sha256);

  temp_dir dir;
  const auto path = dir.path / "download.mp4";
  std::ofstream(path, std::ios::binary) << r.body;
  const auto probe = nlohmann::json::parse(
      run("ffprobe -v error -show_entries stream=codec_name,codec_type,width,height "
          "-show_entries format=duration -of json '" +
          path.string() + "'"),
      nullptr, false);
  REQUIRE(probe.is_object());
  CHECK(probe["streams"][0]["codec_name"] == "h264");
  CHECK(probe["streams"][0]["width"] == 320);
  CHECK(std::stod(probe["format"]["duration"].get<std::string>()) ==
        doctest::Approx(2.0).epsilon(0.1));
}

TEST_CASE("Range requests answer 206 with Content-Range, or 416 past the end") {
  fixture f;
  completed_render(f, "ranged");
  const auto& mp4 = shared_sample_mp4();
  const auto whole = f.client.get("/files/ranged.mp4").body;
  const auto size = std::to_string(mp4.size);

  auto r = f.client.get("/files/ranged.mp4", {{"Range", "bytes=0-99"}});
  CHECK(r.status == 206);
  CHECK(r.header("Content-Range") == "bytes 0-99/" + size);
  CHECK(r.body == whole.substr(0, 100));

  r = f.client.get("/files/ranged.mp4", {{"Range", "bytes=1000-"}});
  CHECK(r.status == 206);
  CHECK(r.body == whole.substr(1000));

  r = f.client.get("/files/ranged.mp4", {{"Range", "bytes=-10"}});
  CHECK(r.body == whole.substr(whole.size() - 10));

  r = f.client.get("/files/ranged.mp4", {{"Range", "bytes=" + size + "-"}});
  CHECK(r.status == 416);
  CHECK(r.header("Content-Range") == "bytes */" + size);
}

TEST_CASE("the fallback download needs the token and the render to be completed") {
  fixture f;
  const auto token = completed_render(f, "fb");
  CHECK(f.client.get("/api/render/proxy/lambda/fb/download").json()["code"] == 1001);
  const auto r = f.client.get("/api/render/proxy/lambda/fb/download", auth_headers(token));
  CHECK(r.status == 200);
  CHECK(sha256_hex(r.body) == shared_sample_mp4().sha256);
  const auto part = f.client.get("/api/render/proxy/lambda/fb/download",
                                 fixture::with(auth_headers(token), {{"Range", "bytes=5-9"}}));
  CHECK(part.status == 206);
  CHECK(part.body == r.body.substr(5, 5));

  f.sim().update_knobs([](knobs& k) { k.render_pending_polls = 3; });
  const auto sid = f.session(token);
  f.render(sid, "not_yet", auth_headers(token));
  CHECK(f.client.get("/api/render/proxy/lambda/not_yet/download", auth_headers(token)).status ==
        409);
  CHECK(f.client.get("/files/not_yet.mp4").status == 404);
  CHECK(f.client.get("/files/never.mp4").status == 404);
  CHECK(f.sim().get_counters().downloads_of("fb") == 2);
}

TEST_CASE("fault: a download is cut after K bytes, the next one is whole") {
  fixture f;
  completed_render(f, "cut");
  f.sim().drop_next(endpoint::file, 1, 1000);
  const auto cut = f.client.get("/files/cut.mp4");
  CHECK(cut.status == 200);
  CHECK_FALSE(cut.complete);
  CHECK(cut.body.size() == 1000);
  CHECK(cut.header("Content-Length") == std::to_string(shared_sample_mp4().size));
  const auto whole = f.client.get("/files/cut.mp4");
  CHECK(whole.complete);
  CHECK(cut.body == whole.body.substr(0, 1000));
}

TEST_CASE("fault: a JSON answer is cut mid-body") {
  fixture f;
  const auto token = f.token();
  f.sim().drop_next(endpoint::credits, 1, 10);
  const auto r = f.client.get("/api/credits/balance/simple", auth_headers(token));
  CHECK_FALSE(r.complete);
  CHECK(r.body.size() == 10);
  CHECK(f.client.get("/api/credits/balance/simple", auth_headers(token)).complete);
}
