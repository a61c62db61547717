#pragma once
// The renderer's plan: a draft (core/draft.hpp) and the facts about its media become the exact
// ffmpeg command lines that render it to an H.264 High yuv420p + AAC MP4 (+faststart), plus the
// small files those commands read (filter graph script, drawtext text files). Pure: no file is
// read or written here; the engine (daemon/engine/ffmpeg_runner.hpp) writes the files, runs the
// steps and removes everything it made.
//
// How the picture is made (render_plan_video.cpp explains why):
// - each still is decoded and scaled once, by a prepare step, to a raw canvas file that the
//   render reads and repeats with `loop` (never re-decoded or re-scaled per frame);
// - Ken Burns moves are drawn with `perspective` (bilinear, sub-pixel: no one-pixel stair-steps),
//   except at quality draft, which uses the cheaper, integer-stepped `zoompan`;
// - transitions are `xfade` (fade, slideleft, wipeleft), gaps are black, text is `drawtext`
//   from text files (DejaVu Sans, or the CJK font when the text has CJK characters);
// - audio: every audio segment and every video clip's own sound, trimmed, with volume and fades,
//   placed on the timeline and summed (amix normalize=0), silence when there is none.
#include "core/draft.hpp"
#include "core/error.hpp"
#include "core/media_type.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

// draft: ultrafast, CRF 28, zoompan Ken Burns; standard: veryfast, CRF 23; high: medium, CRF 20
// with cubic interpolation and no upsampling inside a move.
enum class render_quality { draft, standard, high };
std::string_view to_string(render_quality q) noexcept;
// "draft" | "standard" | "high"; nullopt otherwise.
std::optional<render_quality> render_quality_from_string(std::string_view name) noexcept;

// What the plan needs to know about one media file (the engine's media_probe finds it).
struct plan_media {
  std::string path;  // absolute path; passed to ffmpeg as an argument, never parsed
  media_kind kind = media_kind::image;
  int width = 0;                 // as stored; `rotation` says how it is displayed
  int height = 0;                // (0 for audio)
  std::int64_t duration_ms = 0;  // 0 for stills, or when unknown
  bool has_audio = false;
  int rotation = 0;  // degrees the picture is turned for display (ffmpeg applies it): 0/90/180/270
};

struct render_fonts {
  std::string main = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string cjk = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
};

struct render_settings {
  int width = 0;  // output size; 0: the draft's m.w x m.h, else 1920x1080. Must be even.
  int height = 0;
  int fps = 30;
  render_quality quality = render_quality::standard;
  render_fonts fonts;
  std::string output_path;  // the finished MP4 (written as output_path + ".part", then renamed)
  std::string work_dir;     // an existing empty directory for the plan's files, owned by caller
  int threads = 0;          // x264 threads per ffmpeg process; 0: ffmpeg's default
  int parallel = 1;         // up to this many ffmpeg processes render segment groups at once
  std::string ffmpeg = "ffmpeg";
};

// A file a step reads, written before the first step runs.
struct plan_file {
  std::string path;
  std::string content;
};

// One ffmpeg process.
struct ffmpeg_step {
  std::vector<std::string> argv;  // argv[0] is settings.ffmpeg; includes -progress pipe:1 -nostats
  std::string filter_complex;  // the graph (also in a plan_file, read with -filter_complex_script)
  std::int64_t duration_ms = 0;  // of what it writes: progress = out_time / duration
  std::string output;            // the file it writes
};

struct render_plan {
  // Run first: each still decoded, cropped and scaled once to the raw canvas the render reads.
  std::vector<ffmpeg_step> prepare;
  // Segment groups rendered at once (video only, identical encoder settings), then joined by
  // `final_step` without re-encoding. Empty: `final_step` renders everything in one pass.
  std::vector<ffmpeg_step> parts;
  ffmpeg_step final_step;
  std::vector<plan_file> files;      // written before the first step, removed after the last
  std::vector<std::string> scratch;  // written by steps; removed in every outcome
  std::string part_output;           // final_step.output: renamed to output_path on success
  std::string output_path;
  std::int64_t duration_ms = 0;
  int width = 0;
  int height = 0;
  int fps = 30;
};

// The plan for `d`. `media` maps each segment's `src` to its file. bad_request when the draft
// has nothing to render, a segment names media that `media` lacks (the message names the
// segment and the id), a text segment has no text, or the settings are unusable (odd or
// out-of-range size, fps outside 1..60, empty output_path or work_dir).
result<render_plan> make_render_plan(const draft& d, const std::map<std::string, plan_media>& media,
                                     const render_settings& settings);

}  // namespace reel::core
