// media_probe: ffprobe's JSON read without ffprobe, and real files probed.
#include "engine_fixture.hpp"

namespace {

using namespace reel;

}  // namespace

TEST_CASE("ffprobe JSON: a phone video turned 90 degrees, with sound") {
  const auto info = engine::parse_ffprobe_json(R"({
    "streams": [
      {"codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080,
       "side_data_list": [{"side_data_type": "Display Matrix", "rotation": -90}]},
      {"codec_type": "audio", "codec_name": "aac"}],
    "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "12.345000"}})");
  REQUIRE(info.has_value());
  CHECK(info->kind == core::media_kind::video);
  CHECK(info->rotation == 270);
  CHECK(info->duration_ms == 12345);
  CHECK(info->has_audio);
  CHECK(info->audio_codec == "aac");
  const auto pm = engine::to_plan_media(*info, "/x.mp4");
  CHECK(pm.rotation == 270);
  CHECK(pm.width == 1920);
}

TEST_CASE("ffprobe JSON: an MP3 with cover art is audio, a JPEG is a still") {
  const auto mp3 = engine::parse_ffprobe_json(R"({
    "streams": [
      {"codec_type": "audio", "codec_name": "mp3"},
      {"codec_type": "video", "codec_name": "mjpeg", "width": 500, "height": 500,
       "disposition": {"attached_pic": 1}}],
    "format": {"format_name": "mp3", "duration": "30.0"}})");
  REQUIRE(mp3.has_value());
  CHECK(mp3->kind == core::media_kind::audio);
  CHECK(mp3->duration_ms == 30000);
  const auto jpg = engine::parse_ffprobe_json(R"({
    "streams": [{"codec_type": "video", "codec_name": "mjpeg", "width": 3000, "height": 2000}],
    "format": {"format_name": "image2", "duration": "0.040000"}})");
  REQUIRE(jpg.has_value());
  CHECK(jpg->kind == core::media_kind::image);
  CHECK(jpg->duration_ms == 0);
  CHECK(jpg->width == 3000);
}

TEST_CASE("ffprobe JSON: nothing to show or hear, or not JSON, is refused") {
  CHECK(engine::parse_ffprobe_json(R"({"streams": [], "format": {}})").error().code ==
        core::errc::unsupported_media);
  CHECK(engine::parse_ffprobe_json("not json").error().code == core::errc::bad_request);
}

TEST_CASE("real files: a photo, a song, a clip with sound; an unreadable file is refused") {
  test::temp_dir dir;
  test::make_media("testsrc2=s=320x240", dir.file("p.jpg"), {"-frames:v", "1"});
  test::make_media("sine=d=2", dir.file("s.mp3"));
  test::make_media("testsrc2=s=320x240:d=1", dir.file("c.mp4"),
                   {"-f", "lavfi", "-i", "sine=d=1", "-shortest", "-pix_fmt", "yuv420p"});
  auto p = engine::probe_media_sync(dir.file("p.jpg"));
  REQUIRE(p.has_value());
  CHECK(p->kind == core::media_kind::image);
  CHECK(p->width == 320);
  auto s = engine::probe_media_sync(dir.file("s.mp3"));
  REQUIRE(s.has_value());
  CHECK(s->kind == core::media_kind::audio);
  CHECK(std::abs(s->duration_ms - 2000) < 100);
  auto c = engine::probe_media_sync(dir.file("c.mp4"));
  REQUIRE(c.has_value());
  CHECK(c->kind == core::media_kind::video);
  CHECK(c->has_audio);
  CHECK(c->video_codec == "h264");

  std::ofstream(dir.file("junk.mp4")) << "this is not a video";
  auto junk = engine::probe_media_sync(dir.file("junk.mp4"));
  REQUIRE_FALSE(junk.has_value());
  CHECK(junk.error().code == core::errc::unsupported_media);
  CHECK(junk.error().message.find("junk.mp4") != std::string::npos);
  auto none = engine::probe_media_sync(dir.file("missing.jpg"));
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == core::errc::unsupported_media);
}
