// POST /api/upload-video/nemo_agent/me/<sid>: multipart `files` (streamed) and JSON URLs.
#include "fake_nemo/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using namespace reel::fake_nemo::testing;
using namespace std::string_literals;

namespace {

const std::string boundary = "reelTestBoundary42";
const std::string mp4_head =
    "\0\0\0\x20"
    "ftypisom\0\0\x02\0isomiso2avc1mp41"s;
const std::string png_head = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s;

struct file_part {
  std::string name;
  std::string content;
  std::string field = "files";
};

std::string multipart(const std::vector<file_part>& files) {
  std::string out;
  for (const auto& f : files) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.field +
           "\"; filename=\"" + f.name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
           f.content + "\r\n";
  }
  return out + "--" + boundary + "--\r\n";
}

header_list multipart_headers(const std::string& token) {
  auto h = auth_headers(token);
  h.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
  return h;
}

http_reply upload(fixture& f, const std::string& token, const std::string& sid,
                  const std::vector<file_part>& files) {
  return f.client.send({"POST", "/api/upload-video/nemo_agent/me/" + sid, multipart_headers(token),
                        multipart(files)});
}

// A multipart upload of one `size`-byte file, made on the fly.
http_reply upload_big(fixture& f, const std::string& token, const std::string& sid,
                      std::uint64_t size) {
  streamed_body b;
  b.prefix = "--" + boundary +
             "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.mp4\"\r\n"
             "Content-Type: video/mp4\r\n\r\n";
  b.head = mp4_head;
  b.size = size;
  b.suffix = "\r\n--" + boundary + "--\r\n";
  return f.client.send_streamed(
      {"POST", "/api/upload-video/nemo_agent/me/" + sid, multipart_headers(token), {}}, b);
}

}  // namespace

TEST_CASE("a multipart upload stores each file's metadata in the session's video_infos") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto r = upload(f, token, sid,
                        {{"city.mp4", mp4_head + std::string(5000, 'v')},
                         {"logo.png", png_head + "rest"},
                         {"ignored.txt", "not a file field", "note"}});
  const auto j = r.json();
  CHECK(j["code"] == 0);
  CHECK(j["data"]["uploaded"].size() == 2);
  const auto infos = f.state(token, sid)["data"]["state"]["video_infos"];
  REQUIRE(infos.size() == 2);
  CHECK(infos[0]["name"] == "city.mp4");
  CHECK(infos[0]["size"] == mp4_head.size() + 5000);
  CHECK(infos[0]["type"] == "video");
  CHECK(infos[0]["duration"].get<int>() >= 1000);
  CHECK(infos[1]["type"] == "image");
  CHECK(infos[1]["duration"] == 3000);
}

TEST_CASE("an upload by URL stores the URL's file") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto j =
      f.client
          .post_json("/api/upload-video/nemo_agent/me/" + sid,
                     {{"urls", {"https://cdn.example/a/clip.mov?sig=1"}}, {"source_type", "url"}},
                     auth_headers(token))
          .json();
  CHECK(j["code"] == 0);
  const auto infos = f.state(token, sid)["data"]["state"]["video_infos"];
  REQUIRE(infos.size() == 1);
  CHECK(infos[0]["name"] == "clip.mov");
  CHECK(infos[0]["source"] == "url");
}

TEST_CASE("an unsupported type is 4001, by extension or by content") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  CHECK(upload(f, token, sid, {{"notes.txt", "hello"}}).json()["code"] == 4001);
  CHECK(upload(f, token, sid, {{"evil.mp4", "MZ\x90\0 not a movie"s}}).json()["code"] == 4001);
  CHECK(f.client
            .post_json("/api/upload-video/nemo_agent/me/" + sid,
                       {{"urls", {"https://x.test/a.exe"}}, {"source_type", "url"}},
                       auth_headers(token))
            .json()["code"] == 4001);
  f.sim().update_knobs([](knobs& k) { k.force_unsupported_type = true; });
  CHECK(upload(f, token, sid, {{"ok.png", png_head}}).json()["code"] == 4001);
  CHECK(f.state(token, sid)["data"]["state"]["video_infos"].empty());
}

TEST_CASE("a file over the size limit is 4002") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.max_upload_bytes = 1000; });
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto j = upload(f, token, sid, {{"big.mp4", mp4_head + std::string(2000, 'x')}}).json();
  CHECK(j["code"] == 4002);
  CHECK(j["data"]["max_bytes"] == 1000);
}

TEST_CASE("a body over the body limit is 4002 and the connection closes") {
  fixture f;
  f.sim().update_knobs([](knobs& k) { k.body_limit = 1u << 20; });
  const auto token = f.token();
  const auto sid = f.session(token);
  const auto r = upload_big(f, token, sid, 3u << 20);
  CHECK(r.json()["code"] == 4002);
  CHECK(r.header("Connection") == "close");
}

TEST_CASE("a 300 MB upload streams through and is counted to the byte") {
  fixture f;
  const auto token = f.token();
  const auto sid = f.session(token);
  const std::uint64_t size = 300ull << 20;
  const auto r = upload_big(f, token, sid, size);
  CHECK(r.json()["code"] == 0);
  const auto infos = f.state(token, sid)["data"]["state"]["video_infos"];
  REQUIRE(infos.size() == 1);
  CHECK(infos[0]["size"] == size);
}

TEST_CASE("an upload to an unknown session is 1002; a multipart body without files is 400") {
  fixture f;
  const auto token = f.token();
  CHECK(upload(f, token, "nope", {{"a.png", png_head}}).json()["code"] == 1002);
  const auto sid = f.session(token);
  CHECK(upload(f, token, sid, {{"a.png", png_head, "other"}}).status == 400);
}
