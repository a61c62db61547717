// Media on the nemovideo backend through a real reeld: local paths, multipart uploads and URLs;
// checks by content and size before anything is sent; progress and media.added events; the
// cloud's metadata stored; the cloud's own refusals (4001, 4002).
#include "cloud_fixture.hpp"

#include <filesystem>

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;

namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string media_target(const json& session) {
  return "/v1/sessions/" + session["id"].get<std::string>() + "/media";
}

// The files split out of multipart bodies that are still on disk (the spooled body itself is
// the server's, removed once the answer is written).
std::size_t files_in(const std::string& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); ++it)
    n += it->path().filename().string().rfind("part-", 0) == 0;
  return n;
}

}  // namespace

TEST_CASE("a file by path: uploaded, progress and media.added published, cloud metadata stored") {
  cloud_fixture f;
  auto s = f.new_session();
  auto ws = f.subscribe("session:" + s["id"].get<std::string>());
  const auto path = f.write_file("city timelapse.mp4", mp4_head() + std::string(3 << 20, 'v'));
  auto r = f.post(media_target(s), {{"paths", {path}}});
  REQUIRE_MESSAGE(r.status == 201, r.body);
  auto m = r.json()["media"];
  REQUIRE(m.size() == 1);
  CHECK(m[0]["name"] == "city timelapse.mp4");
  CHECK(m[0]["kind"] == "video");
  CHECK(m[0]["mime"] == "video/mp4");
  CHECK(m[0]["size"] == (3 << 20) + 32);
  CHECK(m[0]["meta"]["size"] == (3 << 20) + 32);
  CHECK(m[0]["meta"]["duration_s"].is_number());
  CHECK(m[0]["meta"]["duration_s"].get<double>() > 0);
  CHECK(m[0]["meta"]["cloud"]["media_id"].is_string());
  CHECK(f.calls(endpoint::upload) == 1);

  auto evs = cloud_fixture::events(*ws, "media.added");
  REQUIRE(evs.size() >= 2);
  CHECK(evs.back()["event"] == "media.added");
  CHECK(evs.back()["data"]["id"] == m[0]["id"]);
  std::vector<double> progress;
  for (const auto& e : evs)
    if (e["event"] == "upload.progress") progress.push_back(e["data"]["progress"]);
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back() == doctest::Approx(1.0));
  CHECK(std::is_sorted(progress.begin(), progress.end()));

  auto listed = f.get(media_target(s));
  REQUIRE(listed.status == 200);
  CHECK(listed.json()["media"] == m);
  auto st = f.get("/v1/sessions/" + s["id"].get<std::string>() + "/state").json();
  CHECK(st["media"] == m);
  CHECK(st["backend_media"].size() == 1);
}

TEST_CASE("multipart uploads: every file of field files, names kept, temporary files removed") {
  cloud_fixture f;
  auto s = f.new_session();
  auto [body, type] = cloud_fixture::multipart(
      {{"logo.png", png_head() + "pixels"}, {"intro.mp4", mp4_head() + std::string(5000, 'm')}});
  auto r = f.call("POST", media_target(s), body, type);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  auto m = r.json()["media"];
  REQUIRE(m.size() == 2);
  CHECK(m[0]["name"] == "logo.png");
  CHECK(m[0]["kind"] == "image");
  CHECK(m[1]["name"] == "intro.mp4");
  CHECK(m[1]["size"] == 5032);
  CHECK(f.calls(endpoint::upload) == 2);
  CHECK(files_in(f.daemon->state_dir() + "/tmp") == 0);

  // A file in another field is named as a mistake; nothing is sent.
  auto [other, other_type] = cloud_fixture::multipart({{"a.png", png_head()}}, "file");
  auto bad = f.call("POST", media_target(s), other, other_type);
  CHECK(bad.status == 400);
  CHECK(has(bad.body, "files"));
  auto [broken, broken_type] = cloud_fixture::multipart({{"a.png", png_head()}});
  broken.resize(broken.size() - 10);  // no close delimiter
  CHECK(f.call("POST", media_target(s), broken, broken_type).status == 400);
  CHECK(f.calls(endpoint::upload) == 2);
  CHECK(files_in(f.daemon->state_dir() + "/tmp") == 0);
}

TEST_CASE("URLs are handed to the cloud, which fetches them itself") {
  cloud_fixture f;
  auto s = f.new_session();
  auto r = f.post(media_target(s), {{"urls", {"https://example.com/photos/beach.jpg"}}});
  REQUIRE_MESSAGE(r.status == 201, r.body);
  auto m = r.json()["media"];
  REQUIRE(m.size() == 1);
  CHECK(m[0]["kind"] == "image");
  CHECK(m[0]["meta"]["cloud"]["source"] == "url");
  CHECK(f.calls(endpoint::upload) == 1);
  CHECK(f.post(media_target(s), {{"urls", {"ftp://example.com/a.jpg"}}}).status == 400);
}

TEST_CASE("refused before anything is sent: wrong type by content or name, with the formats") {
  cloud_fixture f;
  auto s = f.new_session();
  const auto good = f.write_file("good.mp4", mp4_head() + "data");
  const auto text = f.write_file("notes.txt", "hello");
  const auto fake = f.write_file("fake.mp4", "this is not a video at all");
  const auto png_as_mp4 = f.write_file("pic.mp4", png_head());
  for (const auto& bad : {text, fake, png_as_mp4}) {
    auto r = f.post(media_target(s), {{"paths", {good, bad}}});
    CHECK(r.status == 415);
    auto e = r.json()["error"];
    CHECK(e["code"] == "unsupported_media");
    CHECK(has(e["message"], "mp4, mov, avi, webm, mkv"));
    CHECK(has(e["message"], std::filesystem::path(bad).filename().string()));
    CHECK(e["upstream_code"].is_null());
  }
  // Multipart too: the files are checked once split out of the body.
  auto [body, type] = cloud_fixture::multipart({{"ok.png", png_head()}, {"x.exe", "MZ\x90"}});
  CHECK(f.call("POST", media_target(s), body, type).status == 415);
  CHECK(f.calls(endpoint::upload) == 0);
}

TEST_CASE("refused before anything is sent: over the size limit, 413 with the formats") {
  cloud_options o;
  o.args = {"--set", "api.max_media_body=1048576"};
  cloud_fixture f(o);
  auto s = f.new_session();
  const auto big = f.write_file("big.mp4", mp4_head() + std::string(2 << 20, 'b'));
  auto r = f.post(media_target(s), {{"paths", {big}}});
  CHECK(r.status == 413);
  auto e = r.json()["error"];
  CHECK(e["code"] == "payload_too_large");
  CHECK(has(e["message"], "big.mp4"));
  CHECK(has(e["message"], "mp4, mov"));
  CHECK(e["hint"].is_string());
  // An upload body over the limit is refused by its Content-Length, before it is read.
  auto [body, type] =
      cloud_fixture::multipart({{"big.mp4", mp4_head() + std::string(2 << 20, 'b')}});
  CHECK(f.call("POST", media_target(s), body, type).status == 413);
  CHECK(f.calls(endpoint::upload) == 0);
}

TEST_CASE("bad media requests: relative or missing paths, both lists, other types, huge JSON") {
  cloud_options o;
  o.args = {"--set", "api.max_json_body=1024"};
  cloud_fixture f(o);
  auto s = f.new_session();
  const auto target = media_target(s);
  CHECK(f.post(target, {{"paths", {"relative/a.mp4"}}}).status == 400);
  CHECK(f.post(target, {{"paths", {f.dir.file("missing.mp4")}}}).status == 400);
  CHECK(f.post(target, {{"paths", {"/a.mp4"}}, {"urls", {"https://x/a.mp4"}}}).status == 400);
  CHECK(f.post(target, {{"paths", json::array()}}).status == 400);
  CHECK(f.post(target, {{"paths", {1}}}).status == 400);
  CHECK(f.call("POST", target, "hello", "text/plain").status == 400);
  CHECK(f.post(target, {{"paths", {std::string(2000, 'a')}}}).status == 413);
  CHECK(f.post("/v1/sessions/s_nope/media", {{"paths", {"/a.mp4"}}}).status == 404);
  CHECK(f.get("/v1/sessions/s_nope/media").status == 404);
  CHECK(f.calls(endpoint::upload) == 0);
}

TEST_CASE("the cloud's refusals: 4001 unsupported_media and 4002 payload_too_large") {
  cloud_fixture f;
  auto s = f.new_session();
  const auto clip = f.write_file("clip.mp4", mp4_head() + std::string(4096, 'c'));
  f.sim().update_knobs([](reel::fake_nemo::knobs& k) { k.force_unsupported_type = true; });
  auto r = f.post(media_target(s), {{"paths", {clip}}});
  CHECK(r.status == 415);
  CHECK(r.json()["error"]["code"] == "unsupported_media");
  CHECK(r.json()["error"]["upstream_code"] == 4001);
  CHECK(has(r.json()["error"]["message"], "mp4, mov"));

  f.sim().update_knobs([](reel::fake_nemo::knobs& k) {
    k.force_unsupported_type = false;
    k.max_upload_bytes = 1024;
  });
  r = f.post(media_target(s), {{"paths", {clip}}});
  CHECK(r.status == 413);
  CHECK(r.json()["error"]["code"] == "payload_too_large");
  CHECK(r.json()["error"]["upstream_code"] == 4002);
  CHECK(r.json()["error"]["hint"].is_string());

  // The request-body cap: the cloud answers 4002 without reading the body.
  f.sim().update_knobs([](reel::fake_nemo::knobs& k) {
    k.max_upload_bytes = 500ull << 20;
    k.body_limit = 2048;
  });
  r = f.post(media_target(s), {{"paths", {clip}}});
  CHECK(r.status == 413);
  CHECK(r.json()["error"]["upstream_code"] == 4002);
  CHECK(f.get(media_target(s)).json()["media"].empty());
}
