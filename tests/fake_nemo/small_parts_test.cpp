// The small pure pieces: routes, media sniffing, byte ranges, response bodies with cuts.
#include "fake_nemo/body_source.hpp"
#include "fake_nemo/endpoint.hpp"
#include "fake_nemo/http_range.hpp"
#include "fake_nemo/media_sniff.hpp"

#include <doctest/doctest.h>

using namespace reel::fake_nemo;
using namespace std::string_literals;

TEST_CASE("the route table tells 404 from 405 and captures ids") {
  auto m = match_route("GET", "/api/state/nemo_agent/me/abc-123/latest");
  CHECK(m.ep == endpoint::state);
  CHECK(m.method_allowed);
  CHECK(m.param == "abc-123");
  m = match_route("GET", "/api/render/proxy/lambda/render_1/download");
  CHECK(m.ep == endpoint::render_download);
  CHECK(m.param == "render_1");
  m = match_route("DELETE", "/api/render/proxy/lambda/render_1");
  CHECK(m.ep == endpoint::render_cancel);
  m = match_route("PUT", "/api/render/proxy/lambda/render_1");
  CHECK(m.ep != endpoint::not_found);
  CHECK_FALSE(m.method_allowed);
  CHECK(m.allow == "GET, DELETE");
  CHECK(match_route("GET", "/api/nothing").ep == endpoint::not_found);
  CHECK(match_route("GET", "/files/render_9.mp4").param == "render_9");
  CHECK(target_path("/a/b?x=1") == "/a/b");
  CHECK(endpoint_from_string(to_string(endpoint::render_status)) == endpoint::render_status);
}

TEST_CASE("accepted media are known by extension and by their first bytes") {
  CHECK(format_from_name("Clip.MP4")->ext == "mp4");
  CHECK(format_from_name("photo.jpeg")->ext == "jpg");
  CHECK(format_from_name("https://x.test/a/song.mp3?sig=1")->kind == media_kind::audio);
  CHECK_FALSE(format_from_name("notes.txt"));
  CHECK_FALSE(format_from_name("no_extension"));
  CHECK(magic_matches("mp4",
                      "\0\0\0\x18"
                      "ftypisom"s));
  CHECK(magic_matches("png", "\x89PNG\r\n\x1A\n...."));
  CHECK(magic_matches("jpg", "\xFF\xD8\xFF\xE0"));
  CHECK(magic_matches("webp", "RIFF\x10\0\0\0WEBPVP8 "s));
  CHECK(magic_matches("wav", "RIFF\x10\0\0\0WAVEfmt "s));
  CHECK(magic_matches("mkv", "\x1A\x45\xDF\xA3"));
  CHECK(magic_matches("mp3", "ID3\x04"));
  CHECK_FALSE(magic_matches("mp4", "hello, world"));
  CHECK_FALSE(magic_matches("png", "\xFF\xD8\xFF\xE0"));
  CHECK(guess_duration_ms(media_kind::image, 1 << 20) == 3000);
  CHECK(guess_duration_ms(media_kind::video, 2'500'000) == 10000);
}

TEST_CASE("byte ranges: first-last, open-ended, suffix, unsatisfiable, ignored") {
  using k = range_result::kind;
  auto r = parse_range("bytes=0-99", 1000);
  CHECK(r.what == k::partial);
  CHECK(r.last == 99);
  r = parse_range("bytes=900-", 1000);
  CHECK(r.first == 900);
  CHECK(r.last == 999);
  r = parse_range("bytes=-100", 1000);
  CHECK(r.first == 900);
  r = parse_range("bytes=500-5000", 1000);
  CHECK(r.last == 999);
  CHECK(parse_range("bytes=1000-", 1000).what == k::unsatisfiable);
  CHECK(parse_range("bytes=0-1,5-6", 1000).what == k::whole);
  CHECK(parse_range("items=0-1", 1000).what == k::whole);
  CHECK(parse_range("", 1000).what == k::whole);
  CHECK(parse_range("bytes=9-3", 1000).what == k::whole);
}

TEST_CASE("a cut body stops after K bytes and says so") {
  sim_response r;
  r.body = "0123456789";
  r.cut_after = 4;
  body_source s(r);
  CHECK(s.cut());
  CHECK(s.content_length() == 10);
  auto p = s.next();
  REQUIRE(p);
  CHECK(p->bytes == "0123");
  CHECK_FALSE(s.next());

  sim_response sse;
  sse.kind = body_kind::sse;
  sse.sse = {{"abc", {}, false}, {"def", std::chrono::milliseconds(5), false}};
  sse.cut_after = 4;
  body_source s2(sse);
  CHECK(s2.cut());
  CHECK(s2.next()->bytes == "abc");
  const auto second = s2.next();
  CHECK(second->bytes == "d");
  CHECK(second->pause == std::chrono::milliseconds(5));
  CHECK_FALSE(s2.next());

  sim_response whole;
  whole.body = "xyz";
  whole.cut_after = 3;  // not a cut when everything fits
  CHECK_FALSE(body_source(whole).cut());
}
