// multipart_parser: fed whole, byte by byte, and split at every position (house rule 2).
#include "core/multipart_parser.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace reel::core;
using namespace std::string_literals;

namespace {

struct part {
  std::string name, filename, content_type, data;
};

struct outcome {
  std::vector<part> parts;
  bool finished = false;
  std::string error;
};

outcome run(const std::string& boundary, const std::vector<std::string_view>& pieces) {
  multipart_parser p(boundary);
  outcome o;
  auto take = [&](std::vector<multipart_event> events) {
    for (auto& e : events) {
      switch (e.what) {
        case multipart_event::kind::part_begin:
          o.parts.push_back({e.name, e.filename, e.content_type, {}});
          break;
        case multipart_event::kind::part_data:
          o.parts.back().data.append(e.data);
          break;
        case multipart_event::kind::part_end:
          break;
        case multipart_event::kind::finished:
          o.finished = true;
          break;
        case multipart_event::kind::error:
          o.error = e.message;
          break;
      }
    }
  };
  for (auto piece : pieces) take(p.feed(piece));
  take(p.finish());
  return o;
}

const std::string boundary = "----reelBoundary7MA4YWxk";
const std::string body =
    "preamble to ignore\r\n"
    "------reelBoundary7MA4YWxk\r\n"
    "Content-Disposition: form-data; name=\"files\"; filename=\"city clip.mp4\"\r\n"
    "Content-Type: video/mp4\r\n"
    "\r\n"
    "\x00\x00\x00\x18"
    "ftypmp42 data with \r\n-- almost a boundary \r\n------reelBoundary7MA4YWx!"
    "\r\n------reelBoundary7MA4YWxk\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n"
    "\r\n"
    "hello"
    "\r\n------reelBoundary7MA4YWxk\r\n"
    "Content-Disposition: form-data; name=\"files\"; filename*=UTF-8''caf%C3%A9.png\r\n"
    "\r\n"
    "\x89PNG"
    "\r\n------reelBoundary7MA4YWxk--\r\n"
    "epilogue"s;

std::string body_string() {
  return body;
}

void check_outcome(const outcome& o) {
  REQUIRE(o.error.empty());
  CHECK(o.finished);
  REQUIRE(o.parts.size() == 3);
  CHECK(o.parts[0].name == "files");
  CHECK(o.parts[0].filename == "city clip.mp4");
  CHECK(o.parts[0].content_type == "video/mp4");
  CHECK(o.parts[0].data ==
        std::string("\x00\x00\x00\x18", 4) +
            "ftypmp42 data with \r\n-- almost a boundary \r\n------reelBoundary7MA4YWx!");
  CHECK(o.parts[1].name == "note");
  CHECK(o.parts[1].data == "hello");
  CHECK(o.parts[2].filename == "caf\xC3\xA9.png");
  CHECK(o.parts[2].data == "\x89PNG");
}

}  // namespace

TEST_CASE("multipart parser reads a body fed whole") {
  const auto b = body_string();
  check_outcome(run(boundary, {b}));
}

TEST_CASE("multipart parser reads a body fed byte by byte") {
  const auto b = body_string();
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < b.size(); ++i) pieces.push_back(std::string_view(b).substr(i, 1));
  check_outcome(run(boundary, pieces));
}

TEST_CASE("multipart parser reads a body split at every position") {
  const auto b = body_string();
  for (std::size_t i = 0; i <= b.size(); ++i) {
    CAPTURE(i);
    const std::string_view v(b);
    check_outcome(run(boundary, {v.substr(0, i), v.substr(i)}));
  }
}

TEST_CASE("multipart parser accepts a body that starts with the boundary and has no preamble") {
  const std::string b =
      "--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.mp3\"\r\n\r\nID3"
      "\r\n--xyz--";
  const auto o = run("xyz", {b});
  REQUIRE(o.parts.size() == 1);
  CHECK(o.parts[0].data == "ID3");
  CHECK(o.finished);
}

TEST_CASE("multipart parser reports a body cut before its close delimiter") {
  const std::string b =
      "--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.mp3\"\r\n\r\nID3...";
  const auto o = run("xyz", {b});
  CHECK_FALSE(o.finished);
  CHECK_FALSE(o.error.empty());
}

TEST_CASE("multipart parser reports a malformed delimiter line") {
  const auto o = run("xyz", {"--xyzGARBAGE\r\n\r\n"});
  CHECK_FALSE(o.error.empty());
}

TEST_CASE("multipart boundary comes from a multipart/form-data content type only") {
  CHECK(multipart_boundary("multipart/form-data; boundary=abc") == "abc");
  CHECK(multipart_boundary("Multipart/Form-Data; charset=x; boundary=\"a b;c\"") == "a b;c");
  CHECK(multipart_boundary("application/json").empty());
  CHECK(multipart_boundary("multipart/form-data").empty());
}
