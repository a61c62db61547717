#pragma once
// What a media file is, from ffprobe (-print_format json -show_format -show_streams): kind,
// picture size and rotation, duration, whether it has sound, codecs. The JSON reading is a pure
// function, tested without ffprobe; the probe itself runs ffprobe as a child process.
#include "core/error.hpp"
#include "core/media_type.hpp"
#include "core/render_plan.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace reel::engine {

struct media_info {
  core::media_kind kind = core::media_kind::image;
  int width = 0;  // as stored (0 when there is no picture)
  int height = 0;
  int rotation = 0;              // 0, 90, 180 or 270: how far the picture is turned for display
  std::int64_t duration_ms = 0;  // 0 for stills and when unknown
  bool has_audio = false;
  std::string video_codec;  // "h264", "mjpeg", ... empty when none
  std::string audio_codec;
  std::string format;  // ffprobe's format_name ("mov,mp4,m4a,3gp,3g2,mj2")
};

// Reads ffprobe's JSON. A cover picture in an audio file (attached_pic) does not make it a
// video. unsupported_media when the file has neither a picture nor sound; bad_request when the
// text is not ffprobe's JSON.
core::result<media_info> parse_ffprobe_json(std::string_view json);

// Probes `path` with `ffprobe`. unsupported_media (naming the file and ffprobe's reason) when
// ffprobe cannot read it; internal when ffprobe cannot be started.
boost::asio::awaitable<core::result<media_info>> probe_media(std::string path,
                                                             std::string ffprobe = "ffprobe");
// The same, blocking (tests, benchmarks, tools).
core::result<media_info> probe_media_sync(const std::string& path,
                                          const std::string& ffprobe = "ffprobe");

// The facts the render plan needs.
core::plan_media to_plan_media(const media_info& info, std::string path);

}  // namespace reel::engine
