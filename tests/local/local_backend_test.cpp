// The local backend's media handling without a daemon: stored metadata → what the agent sees,
// and the render quality a job's options name.
#include "engine/local_backend.hpp"
#include "engine/local_render_backend.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

namespace reel::test {

TEST_CASE("probed facts are stored as meta and read back for the agent in upload order") {
  engine::media_info clip;
  clip.kind = core::media_kind::video;
  clip.width = 1920;
  clip.height = 1080;
  clip.rotation = 90;  // a phone video: stored landscape, shown portrait
  clip.duration_ms = 6400;
  clip.has_audio = true;
  clip.video_codec = "h264";
  const auto meta = engine::media_meta(clip);
  CHECK(meta["duration_s"].get<double>() == doctest::Approx(6.4));
  CHECK(meta["duration_ms"] == 6400);
  CHECK(meta["rotation"] == 90);

  temp_dir dir;
  std::vector<store::media_row> rows(3);
  rows[0].id = "m_clip";
  rows[0].name = "walk.mp4";
  rows[0].kind = "video";
  rows[0].meta = meta.dump();
  rows[1].id = "m_script";
  rows[1].name = "script.txt";
  rows[1].kind = "text";
  rows[1].path = dir.write("script.txt", "Summer Sale\nHalf price today.");
  rows[1].meta = R"({"kind":"text"})";
  rows[2].id = "m_odd";
  rows[2].kind = "hologram";  // unknown kinds are skipped

  const auto media = engine::agent_media_of(rows);
  REQUIRE(media.size() == 2);
  CHECK(media[0].id == "m_clip");
  CHECK(media[0].kind == core::media_kind::video);
  CHECK(media[0].duration_ms == 6400);
  CHECK(media[0].width == 1080);  // as displayed
  CHECK(media[0].height == 1920);
  CHECK(media[0].has_audio);
  CHECK(media[1].kind == core::media_kind::text);
  CHECK(media[1].text == "Summer Sale\nHalf price today.");
}

TEST_CASE("the render quality comes from the job's options, unknown words fall back") {
  using core::render_quality;
  const auto fb = render_quality::standard;
  CHECK(engine::quality_of({{"quality", "draft"}}, fb) == render_quality::draft);
  CHECK(engine::quality_of({{"quality", "high"}}, fb) == render_quality::high);
  CHECK(engine::quality_of({{"quality", "low"}}, fb) == render_quality::draft);
  CHECK(engine::quality_of({{"quality", "ultra"}}, fb) == fb);
  CHECK(engine::quality_of(nlohmann::json::object(), render_quality::draft) ==
        render_quality::draft);
}

}  // namespace reel::test
