#pragma once
// Internal to the render_plan*.cpp files: the filter-graph builder they share and the pieces of
// the plan (picture, text, audio) that make_render_plan() puts together. Pure.
#include "core/render_plan.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core::render_detail {

// Inputs (each its own -i with options) and filter chains of one ffmpeg step.
class graph_builder {
 public:
  // Adds `-i path` preceded by `options`; returns the input index.
  int add_input(std::vector<std::string> options, std::string path);
  // A fresh pad label "[<prefix><n>]".
  std::string label(std::string_view prefix);
  // Appends one chain ("[in]f1,f2[out]").
  void add(std::string chain) { chains_.push_back(std::move(chain)); }
  // The input arguments in order: -opt ... -i path, ...
  std::vector<std::string> input_args() const;
  // The chains joined by ";\n".
  std::string text() const;
  int input_count() const noexcept { return static_cast<int>(inputs_.size()); }

 private:
  std::vector<std::vector<std::string>> inputs_;
  std::vector<std::string> chains_;
  int next_label_ = 0;
};

// A still, decoded and scaled once by a prepare step into a raw canvas file that the render
// reads (render_plan_video.cpp says why).
struct canvas_job {
  std::string source;  // the picture's file
  std::string filter;  // trim=end_frame=1,crop=...,scale=...,format=yuv420p[,pad=...]
  std::string file;    // the raw yuv420p canvas it writes
  int width = 0;
  int height = 0;
};

// What every part of the plan reads.
struct plan_context {
  const render_settings& settings;
  const std::map<std::string, plan_media>& media;
  int width = 0;
  int height = 0;
  int fps = 30;
  int draft_height = 0;                 // m.h of the draft, for text sizes; 0: the output height
  std::vector<plan_file>* files{};      // text files for drawtext are added here
  std::vector<canvas_job>* canvases{};  // stills to prepare (deduplicated)
  // The frames this step renders, [range_from, range_to); range_to 0: to the end.
  std::int64_t range_from = 0;
  std::int64_t range_to = 0;
  // Timeline ms -> frame index (rounded): every piece uses the same rounding, so frames line up.
  std::int64_t frames(std::int64_t ms) const;
  std::string seconds(std::int64_t frame_count) const;  // "12.366667"
};

// A number for a filter argument: fixed, up to 6 decimals, no trailing zeros ("0.5", "-3").
std::string num(double v);

// Escapes a value for a filter option inside -filter_complex: quoted for the option parser,
// then escaped for the graph parser (ffmpeg-filters "Notes on filtergraph escaping").
std::string escape_filter_value(std::string_view v);

// True when the UTF-8 text has a CJK ideograph, kana, hangul or full-width form.
bool has_cjk(std::string_view utf8);

// A colour that ffmpeg reads ("#RRGGBB[AA]", "0xRRGGBB", a name, each with optional "@0.5");
// nullopt for anything else, so a draft never injects filter syntax.
std::optional<std::string> filter_color(std::string_view c);

// The Ken Burns geometry of one picture segment (render_plan_video.cpp explains the model).
struct kb_point {
  double cx = 0;  // window centre on the canvas, canvas px
  double cy = 0;
  double s = 1;  // canvas px per output px (window width / output width)
};
struct kb_canvas {
  // The region of the picture (as displayed) that the move ever shows, picture px.
  int crop_x = 0, crop_y = 0, crop_w = 0, crop_h = 0;
  // It is scaled once to scaled_w x scaled_h, placed at (pad_x, pad_y) on a black canvas of
  // canvas_w x canvas_h (padding only for fit=contain), never smaller than the output.
  int scaled_w = 0, scaled_h = 0;
  int pad_x = 0, pad_y = 0;
  int canvas_w = 0, canvas_h = 0;
  kb_point from, to;
  bool moves = false;  // false: the output is the canvas, no per-frame work
};
kb_canvas plan_ken_burns(int pic_w, int pic_h, fit_mode fit, const motion_spec& mo, int out_w,
                         int out_h, render_quality q);

// Frames at which a parallel render may cut the picture into `parts` (fewer when the draft has
// no room): never inside a transition, a fade or an overlaid segment; parts of a second or more.
std::vector<std::int64_t> choose_splits(const plan_context& ctx, const draft& d, std::int64_t total,
                                        int parts);

// The picture: every video track's segments, transitions, gaps, fades. Returns the label of
// a stream of exactly `total_frames` frames at fps, yuv420p, out size, SAR 1.
result<std::string> build_picture(plan_context& ctx, graph_builder& g, const draft& d,
                                  std::int64_t total_frames);
// drawtext filters for every text segment ("" when none), appended to the picture's chain.
result<std::string> build_text(plan_context& ctx, const draft& d);
// The sound: returns the label of a 48 kHz stereo stream of exactly the total duration.
result<std::string> build_audio(plan_context& ctx, graph_builder& g, const draft& d,
                                std::int64_t total_frames);

}  // namespace reel::core::render_detail
