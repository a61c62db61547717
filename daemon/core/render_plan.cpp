#include "core/render_plan.hpp"

#include "core/render_plan_internal.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

namespace reel::core {

namespace {

using namespace render_detail;

struct quality_params {
  std::string_view name;
  std::string_view preset;
  std::string_view crf;
};
constexpr std::array<quality_params, 3> qualities{{
    {"draft", "ultrafast", "28"},
    {"standard", "veryfast", "23"},
    {"high", "medium", "20"},
}};

const quality_params& params_of(render_quality q) {
  return qualities[static_cast<std::size_t>(q)];
}

// The encoder arguments every step that encodes video uses: parts of a parallel render must
// match exactly so that their streams join without re-encoding.
void add_video_encoder(std::vector<std::string>& a, const render_settings& s, int fps) {
  const auto& q = params_of(s.quality);
  a.insert(a.end(),
           {"-c:v", "libx264", "-preset", std::string(q.preset), "-crf", std::string(q.crf),
            "-profile:v", "high", "-pix_fmt", "yuv420p", "-r", std::to_string(fps),
            "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"});
  if (s.threads > 0) a.insert(a.end(), {"-threads", std::to_string(s.threads)});
}

void add_audio_encoder(std::vector<std::string>& a) {
  a.insert(a.end(), {"-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2"});
}

std::vector<std::string> step_head(const render_settings& s) {
  // -progress pipe:1 gives key=value blocks on stdout (the runner's progress); errors only on
  // stderr so that its tail is the reason when a render fails.
  return {s.ffmpeg, "-hide_banner", "-nostdin",  "-y",    "-loglevel",
          "error",  "-nostats",     "-progress", "pipe:1"};
}

// Stills are prepared a few at a time per process: a single ffmpeg decodes every input of its
// graph before it starts, and decoded 12-megapixel photos are large; the render then holds
// only the small raw canvases.
void add_prepare_steps(render_plan& plan, const std::vector<canvas_job>& jobs,
                       const render_settings& s) {
  constexpr std::size_t per_process = 4;
  for (std::size_t first = 0; first < jobs.size(); first += per_process) {
    ffmpeg_step step;
    step.argv = step_head(s);
    std::string graph;
    const std::size_t end = std::min(jobs.size(), first + per_process);
    for (std::size_t i = first; i < end; ++i) {
      step.argv.insert(step.argv.end(), {"-i", jobs[i].source});
      if (!graph.empty()) graph += ";\n";
      graph += "[" + std::to_string(i - first) + ":v]" + jobs[i].filter + "[c" +
               std::to_string(i - first) + "]";
    }
    const std::string script =
        s.work_dir + "/prepare" + std::to_string(first / per_process) + ".txt";
    plan.files.push_back({script, graph});
    step.argv.insert(step.argv.end(), {"-filter_complex_script", script});
    for (std::size_t i = first; i < end; ++i) {
      step.argv.insert(step.argv.end(), {"-map", "[c" + std::to_string(i - first) + "]",
                                         "-frames:v", "1", "-f", "rawvideo", jobs[i].file});
      plan.scratch.push_back(jobs[i].file);
    }
    step.filter_complex = graph;
    step.output = jobs[first].file;
    plan.prepare.push_back(std::move(step));
  }
}

result<void> check_settings(const render_settings& s, int w, int h, int fps) {
  if (w < 16 || h < 16 || w > 4096 || h > 4096 || w % 2 || h % 2)
    return make_error(errc::bad_request, "render size " + std::to_string(w) + "x" +
                                             std::to_string(h) +
                                             " is not usable (even, 16..4096 per side)");
  if (fps < 1 || fps > 60)
    return make_error(errc::bad_request, "render fps " + std::to_string(fps) + " is not 1..60");
  if (s.output_path.empty()) return make_error(errc::bad_request, "no output path");
  if (s.work_dir.empty()) return make_error(errc::bad_request, "no work directory");
  return {};
}

}  // namespace

std::string_view to_string(render_quality q) noexcept {
  return params_of(q).name;
}

std::optional<render_quality> render_quality_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < qualities.size(); ++i)
    if (qualities[i].name == name) return static_cast<render_quality>(i);
  return std::nullopt;
}

namespace render_detail {

int graph_builder::add_input(std::vector<std::string> options, std::string path) {
  options.push_back("-i");
  options.push_back(std::move(path));
  inputs_.push_back(std::move(options));
  return static_cast<int>(inputs_.size()) - 1;
}

std::string graph_builder::label(std::string_view prefix) {
  return "[" + std::string(prefix) + std::to_string(next_label_++) + "]";
}

std::vector<std::string> graph_builder::input_args() const {
  std::vector<std::string> out;
  for (const auto& in : inputs_) out.insert(out.end(), in.begin(), in.end());
  return out;
}

std::string graph_builder::text() const {
  std::string out;
  for (const auto& c : chains_) {
    if (!out.empty()) out += ";\n";
    out += c;
  }
  return out;
}

std::int64_t plan_context::frames(std::int64_t ms) const {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(ms) * fps / 1000.0));
}

std::string plan_context::seconds(std::int64_t frame_count) const {
  return num(static_cast<double>(frame_count) / fps);
}

std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  if (std::abs(v) < 5e-7) v = 0;
  std::array<char, 64> buf{};
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, 6);
  if (ec != std::errc{}) return "0";
  std::string s(buf.data(), end);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string escape_filter_value(std::string_view v) {
  // Level 1 (option value): inside '...' everything is literal except the quote itself, which
  // is closed, escaped and reopened. Level 2 (graph): \ ' [ ] , ; are escaped again.
  std::string quoted = "'";
  for (char c : v) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  quoted += '\'';
  std::string out;
  for (char c : quoted) {
    if (c == '\\' || c == '\'' || c == '[' || c == ']' || c == ',' || c == ';') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace render_detail

namespace {

// The step that writes the MP4: the graph `g` as the script `script_name` in the work directory,
// g's inputs, what `maps` adds (maps and the video codec), then the sound and the container.
template <class Maps>
void finish_final_step(render_plan& plan, const graph_builder& g, const render_settings& settings,
                       const std::string& length, const std::string& script_name, Maps maps) {
  ffmpeg_step& step = plan.final_step;
  step.filter_complex = g.text();
  step.duration_ms = plan.duration_ms;
  step.output = plan.part_output;
  const std::string script = settings.work_dir + "/" + script_name;
  plan.files.push_back({script, step.filter_complex});
  plan.scratch.push_back(plan.part_output);
  auto& a = step.argv;
  a = step_head(settings);
  const auto inputs = g.input_args();
  a.insert(a.end(), inputs.begin(), inputs.end());
  maps(a, script);
  add_audio_encoder(a);
  a.insert(a.end(), {"-t", length, "-movflags", "+faststart", "-f", "mp4", plan.part_output});
}

}  // namespace

result<render_plan> make_render_plan(const draft& d, const std::map<std::string, plan_media>& media,
                                     const render_settings& settings) {
  int w = settings.width;
  int h = settings.height;
  if (w <= 0 || h <= 0) {
    w = d.width().value_or(1920);
    h = d.height().value_or(1080);
  }
  const int fps =
      settings.fps > 0 ? settings.fps : static_cast<int>(std::lround(d.fps().value_or(30)));
  if (auto ok = check_settings(settings, w, h, fps); !ok) return ok.error();

  plan_context ctx{settings, media, w, h, fps, d.height().value_or(0)};
  const std::int64_t duration_ms = d.duration_ms();
  const std::int64_t total_frames = ctx.frames(duration_ms);
  if (total_frames < 1)
    return make_error(errc::bad_request, "the draft is empty: nothing to render");

  render_plan plan;
  plan.output_path = settings.output_path;
  plan.part_output = settings.output_path + ".part";
  plan.duration_ms = total_frames * 1000 / fps;
  plan.width = w;
  plan.height = h;
  plan.fps = fps;
  ctx.files = &plan.files;
  std::vector<canvas_job> canvases;
  ctx.canvases = &canvases;

  const auto splits = settings.parallel > 1 ? choose_splits(ctx, d, total_frames, settings.parallel)
                                            : std::vector<std::int64_t>{};
  if (splits.empty()) {
    graph_builder g;
    auto picture = build_picture(ctx, g, d, total_frames);
    if (!picture) return picture.error();
    auto text = build_text(ctx, d);
    if (!text) return text.error();
    auto sound = build_audio(ctx, g, d, total_frames);
    if (!sound) return sound.error();
    // Text is drawn last, over the finished picture, and only while it shows (enable=).
    g.add(*picture + (text->empty() ? "null" : *text) + "[vout]");
    add_prepare_steps(plan, canvases, settings);

    finish_final_step(
        plan, g, settings, ctx.seconds(total_frames), "graph.txt",
        [&](std::vector<std::string>& a, const std::string& script) {
          a.insert(a.end(), {"-filter_complex_script", script, "-map", "[vout]", "-map", *sound});
          add_video_encoder(a, settings, fps);
        });
    return plan;
  }

  // Parallel: each part renders its frames (video only, identical encoder settings), then the
  // join copies the parts' video one after another (concat demuxer) and encodes the sound.
  std::vector<std::int64_t> bounds{0};
  bounds.insert(bounds.end(), splits.begin(), splits.end());
  bounds.push_back(total_frames);
  std::string list = "ffconcat version 1.0\n";
  for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
    ctx.range_from = bounds[i];
    ctx.range_to = bounds[i + 1];
    graph_builder g;
    auto picture = build_picture(ctx, g, d, total_frames);
    if (!picture) return picture.error();
    auto text = build_text(ctx, d);
    if (!text) return text.error();
    g.add(*picture + (text->empty() ? "null" : *text) + "[vout]");
    ffmpeg_step part;
    part.filter_complex = g.text();
    part.duration_ms = (bounds[i + 1] - bounds[i]) * 1000 / fps;
    part.output = settings.work_dir + "/part" + std::to_string(i) + ".mp4";
    const std::string script = settings.work_dir + "/part" + std::to_string(i) + ".txt";
    plan.files.push_back({script, part.filter_complex});
    plan.scratch.push_back(part.output);
    part.argv = step_head(settings);
    const auto inputs = g.input_args();
    part.argv.insert(part.argv.end(), inputs.begin(), inputs.end());
    part.argv.insert(part.argv.end(), {"-filter_complex_script", script, "-map", "[vout]", "-an"});
    add_video_encoder(part.argv, settings, fps);
    part.argv.insert(part.argv.end(), {"-frames:v", std::to_string(bounds[i + 1] - bounds[i]), "-f",
                                       "mp4", part.output});
    std::string quoted;
    for (char c : part.output) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    list += "file '" + quoted + "'\n";
    plan.parts.push_back(std::move(part));
  }
  ctx.range_from = 0;
  ctx.range_to = 0;
  add_prepare_steps(plan, canvases, settings);

  graph_builder g;
  const std::string list_file = settings.work_dir + "/parts.txt";
  plan.files.push_back({list_file, list});
  g.add_input({"-f", "concat", "-safe", "0"}, list_file);  // input 0: the parts, in order
  auto sound = build_audio(ctx, g, d, total_frames);
  if (!sound) return sound.error();
  finish_final_step(plan, g, settings, ctx.seconds(total_frames), "join.txt",
                    [&](std::vector<std::string>& a, const std::string& script) {
                      a.insert(a.end(), {"-filter_complex_script", script, "-map", "0:v", "-map",
                                         *sound, "-c:v", "copy"});
                    });
  return plan;
}

}  // namespace reel::core
