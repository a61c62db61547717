#include "engine/media_probe.hpp"

#include "engine/child_process.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <optional>

namespace reel::engine {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

std::optional<double> number(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    try {
      std::size_t used = 0;
      const std::string s = it->get<std::string>();
      const double v = std::stod(s, &used);
      if (used == s.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

std::string text(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int rotation_of(const json& stream) {
  double r = 0;
  if (auto it = stream.find("side_data_list"); it != stream.end() && it->is_array())
    for (const auto& sd : *it)
      if (sd.is_object())
        if (auto v = number(sd, "rotation")) r = *v;
  if (r == 0)
    if (auto tags = stream.find("tags"); tags != stream.end() && tags->is_object())
      if (auto v = number(*tags, "rotate")) r = *v;
  int deg = static_cast<int>(std::lround(r)) % 360;
  if (deg < 0) deg += 360;
  return (deg + 45) / 90 * 90 % 360;
}

bool is_still_codec(const std::string& c) {
  return c == "mjpeg" || c == "png" || c == "webp" || c == "bmp" || c == "tiff" || c == "gif";
}

}  // namespace

core::result<media_info> parse_ffprobe_json(std::string_view text_in) {
  const json j = json::parse(text_in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return core::make_error(core::errc::bad_request, "ffprobe output is not JSON");
  media_info info;
  const json empty = json::object();
  const json& format = j.contains("format") && j["format"].is_object() ? j["format"] : empty;
  info.format = text(format, "format_name");
  const json* video = nullptr;
  if (auto it = j.find("streams"); it != j.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (!s.is_object()) continue;
      const std::string type = text(s, "codec_type");
      const bool cover = s.contains("disposition") && s["disposition"].is_object() &&
                         number(s["disposition"], "attached_pic").value_or(0) != 0;
      if (type == "video" && !cover && !video) video = &s;
      if (type == "audio" && !info.has_audio) {
        info.has_audio = true;
        info.audio_codec = text(s, "codec_name");
      }
    }
  }
  double seconds = number(format, "duration").value_or(0);
  if (video) {
    info.video_codec = text(*video, "codec_name");
    info.width = static_cast<int>(number(*video, "width").value_or(0));
    info.height = static_cast<int>(number(*video, "height").value_or(0));
    info.rotation = rotation_of(*video);
    if (seconds <= 0) seconds = number(*video, "duration").value_or(0);
    // A still: an image format, or a picture codec with a single frame and no sound (a GIF
    // that moves is a video).
    const bool image_format = info.format.find("image2") != std::string::npos ||
                              info.format.find("_pipe") != std::string::npos;
    const double frames = number(*video, "nb_frames").value_or(0);
    const bool still = image_format || (is_still_codec(info.video_codec) && !info.has_audio &&
                                        frames <= 1 && info.video_codec != "gif");
    info.kind = still ? core::media_kind::image : core::media_kind::video;
    if (info.width <= 0 || info.height <= 0)
      return core::make_error(core::errc::unsupported_media, "the picture has no size");
  } else if (info.has_audio) {
    info.kind = core::media_kind::audio;
  } else {
    return core::make_error(core::errc::unsupported_media, "no picture and no sound in the file");
  }
  if (info.kind != core::media_kind::image && seconds > 0)
    info.duration_ms = static_cast<std::int64_t>(std::llround(seconds * 1000));
  return info;
}

asio::awaitable<core::result<media_info>> probe_media(std::string path, std::string ffprobe) {
  auto ex = co_await asio::this_coro::executor;
  auto child = child_process::spawn({ffprobe, "-v", "error", "-print_format", "json",
                                     "-show_format", "-show_streams", "--", path});
  if (!child) co_return child.error();
  // ffprobe's JSON is small; stderr (one error line at most) is read after stdout ends.
  std::string out, err;
  std::array<char, 8192> buf{};
  {
    asio::posix::stream_descriptor o(ex, child->take_stdout());
    for (;;) {
      auto [ec, n] =
          co_await o.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      if (out.size() < (8u << 20)) out.append(buf.data(), n);
    }
  }
  {
    asio::posix::stream_descriptor e(ex, child->take_stderr());
    for (;;) {
      auto [ec, n] =
          co_await e.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      if (err.size() < 4096) err.append(buf.data(), n);
    }
  }
  asio::steady_timer t(ex);
  std::optional<process_exit> exit;
  while (!(exit = child->try_wait())) {
    t.expires_after(std::chrono::milliseconds(2));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
  if (!exit->ok())
    co_return core::make_error(core::errc::unsupported_media,
                               "cannot read " + path + (err.empty() ? "" : ": " + err));
  auto info = parse_ffprobe_json(out);
  if (!info)
    co_return core::make_error(info.error().code,
                               "cannot read " + path + ": " + info.error().message);
  co_return *info;
}

core::result<media_info> probe_media_sync(const std::string& path, const std::string& ffprobe) {
  asio::io_context io;
  std::optional<core::result<media_info>> out;
  asio::co_spawn(io, probe_media(path, ffprobe),
                 [&out](std::exception_ptr e, core::result<media_info> r) {
                   if (e)
                     out = core::make_error(core::errc::internal, "probe failed unexpectedly");
                   else
                     out = std::move(r);
                 });
  io.run();
  if (!out) return core::make_error(core::errc::internal, "probe did not finish");
  return *out;
}

core::plan_media to_plan_media(const media_info& info, std::string path) {
  core::plan_media m;
  m.path = std::move(path);
  m.kind = info.kind;
  m.width = info.width;
  m.height = info.height;
  m.duration_ms = info.duration_ms;
  m.has_audio = info.has_audio;
  m.rotation = info.rotation;
  return m;
}

}  // namespace reel::engine
