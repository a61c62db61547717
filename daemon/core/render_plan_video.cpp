// The picture: the first video track with segments is the base (its segments in start order,
// joined by xfade where a segment says so and overlaps the one before, cut otherwise, black
// in gaps); segments of later video tracks are drawn over it (overlay) while they last.
//
// Every clip comes out at the output size, yuv420p, SAR 1, time base 1/fps and pts = frame
// index, with exactly as many frames as its place on the timeline: xfade and concat need
// identical inputs, and whole frames everywhere mean the parts add up to the total exactly.
#include "core/render_plan_internal.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core::render_detail {

namespace {

struct clip {
  std::int64_t start = 0;  // frames, [start, end) on the timeline
  std::int64_t end = 0;
  std::optional<segment_view> seg;  // none: black
  transition_kind into = transition_kind::none;
  std::int64_t overlap = 0;  // frames blended with the clip before (xfade)
};

std::string_view xfade_name(transition_kind k) {
  switch (k) {
    case transition_kind::slide:
      return "slideleft";
    case transition_kind::wipe:
      return "wipeleft";
    default:
      return "fade";
  }
}

std::string segment_name(std::size_t track, std::size_t index, const segment_view& s) {
  return "track " + std::to_string(track + 1) + ", segment " + std::to_string(index + 1) +
         (s.id() ? " (" + *s.id() + ")" : std::string());
}

result<const plan_media*> media_of(const plan_context& ctx, const segment_view& s,
                                   const std::string& where) {
  const auto src = s.source();
  if (!src || src->empty()) return make_error(errc::bad_request, where + ": no media (src)");
  const auto it = ctx.media.find(*src);
  if (it == ctx.media.end())
    return make_error(errc::bad_request, where + ": media " + *src + " is not in this session");
  if (it->second.kind != media_kind::image && it->second.kind != media_kind::video)
    return make_error(errc::bad_request, where + ": media " + *src + " is " +
                                             std::string(to_string(it->second.kind)) +
                                             ", not a picture");
  if (it->second.width <= 0 || it->second.height <= 0)
    return make_error(errc::bad_request, where + ": media " + *src + " has no picture size");
  return &it->second;
}

std::string frame_base(const plan_context& ctx) {
  return "settb=1/" + std::to_string(ctx.fps) + ",setpts=N";
}

std::string black_clip(const plan_context& ctx, graph_builder& g, std::int64_t frames) {
  const auto out = g.label("k");
  g.add("color=c=black:s=" + std::to_string(ctx.width) + "x" + std::to_string(ctx.height) + ":r=" +
        std::to_string(ctx.fps) + ",format=yuv420p,trim=end_frame=" + std::to_string(frames) + "," +
        frame_base(ctx) + ",setsar=1" + out);
  return out;
}

// `frames` is the whole move's length; the stream starts `skip` frames into it (a part of a
// parallel render), so frame n of the stream is frame n + skip of the move.
std::string progress_of(std::int64_t frames, std::int64_t skip) {
  const std::string m = std::to_string(std::max<std::int64_t>(frames - 1, 1));
  return skip > 0 ? "(on+" + std::to_string(skip) + ")/" + m : "on/" + m;
}

std::string perspective(const kb_canvas& kb, const plan_context& ctx, std::int64_t frames,
                        std::int64_t skip, bool cubic) {
  const std::string p = progress_of(frames, skip);
  const double k = std::log(kb.to.s / kb.from.s);
  const std::string s = std::abs(k) < 1e-9
                            ? num(kb.from.s)
                            : "(" + num(kb.from.s) + "*exp(" + num(k) + "*" + p + "))";
  auto lerp = [&](double a, double b) {
    return std::abs(b - a) < 1e-9 ? num(a) : "(" + num(a) + "+" + num(b - a) + "*" + p + ")";
  };
  const std::string cx = lerp(kb.from.cx, kb.to.cx);
  const std::string cy = lerp(kb.from.cy, kb.to.cy);
  auto x = [&](int px) {
    return "'" + num(ctx.width / 2.0) + "+(" + num(px) + "-" + cx + ")/" + s + "'";
  };
  auto y = [&](int px) {
    return "'" + num(ctx.height / 2.0) + "+(" + num(px) + "-" + cy + ")/" + s + "'";
  };
  return "perspective=x0=" + x(0) + ":y0=" + y(0) + ":x1=" + x(kb.canvas_w) + ":y1=" + y(0) +
         ":x2=" + x(0) + ":y2=" + y(kb.canvas_h) + ":x3=" + x(kb.canvas_w) +
         ":y3=" + y(kb.canvas_h) + ":sense=destination:eval=frame" +
         (cubic ? ":interpolation=cubic" : "") + ",crop=" + std::to_string(ctx.width) + ":" +
         std::to_string(ctx.height) + ":0:0";
}

// Draft quality: zoompan, whole-pixel steps, a fraction of perspective's cost.
std::string zoompan(const kb_canvas& kb, const plan_context& ctx, std::int64_t frames,
                    std::int64_t skip, std::int64_t count) {
  const std::string p = progress_of(frames, skip);
  const double k = std::log(kb.to.s / kb.from.s);
  const std::string s = "(" + num(kb.from.s) + "*exp(" + num(k) + "*" + p + "))";
  auto lerp = [&](double a, double b) { return "(" + num(a) + "+" + num(b - a) + "*" + p + ")"; };
  return "zoompan=z='" + num(kb.canvas_w) + "/(" + num(ctx.width) + "*" + s + ")':x='" +
         lerp(kb.from.cx, kb.to.cx) + "-" + num(ctx.width / 2.0) + "*" + s + "':y='" +
         lerp(kb.from.cy, kb.to.cy) + "-" + num(ctx.height / 2.0) + "*" + s +
         "':d=" + std::to_string(count) + ":s=" + std::to_string(ctx.width) + "x" +
         std::to_string(ctx.height) + ":fps=" + std::to_string(ctx.fps);
}

// One picture segment, `frames` long on the timeline, as a stream of its frames
// [skip, skip + count) (all of them unless a parallel part starts or ends inside it). alpha:
// keep an alpha plane for fades over the picture below.
result<std::string> segment_clip(plan_context& ctx, graph_builder& g, const segment_view& s,
                                 const std::string& where, std::int64_t frames, bool alpha,
                                 std::int64_t skip, std::int64_t count) {
  auto m = media_of(ctx, s, where);
  if (!m) return m.error();
  const plan_media& media = **m;
  const bool quarter = std::abs(media.rotation) % 180 == 90;
  const int pw = quarter ? media.height : media.width;
  const int ph = quarter ? media.width : media.height;
  const motion_spec mo = s.motion().value_or(motion_spec{"none", {}, {}});
  const auto q = ctx.settings.quality;
  const kb_canvas kb =
      plan_ken_burns(pw, ph, s.fit().value_or(fit_mode::cover), mo, ctx.width, ctx.height, q);

  // The one-time crop and scale: for a still in a prepare step (its canvas is read raw), for a
  // clip per frame (its frames differ anyway).
  const std::string prep =
      "crop=" + std::to_string(kb.crop_w) + ":" + std::to_string(kb.crop_h) + ":" +
      std::to_string(kb.crop_x) + ":" + std::to_string(kb.crop_y) +
      ":exact=1,scale=" + std::to_string(kb.scaled_w) + ":" + std::to_string(kb.scaled_h) +
      ":flags=" + (media.kind == media_kind::image ? "lanczos" : "bicubic") +
      ":out_color_matrix=bt709:out_range=tv,format=yuv420p" +
      (kb.scaled_w != kb.canvas_w || kb.scaled_h != kb.canvas_h
           ? ",pad=" + std::to_string(kb.canvas_w) + ":" + std::to_string(kb.canvas_h) + ":" +
                 std::to_string(kb.pad_x) + ":" + std::to_string(kb.pad_y) + ":black"
           : std::string());
  std::string chain;
  const bool still = media.kind == media_kind::image;
  if (still) {
    const std::string filter = "trim=end_frame=1," + prep;
    auto& jobs = *ctx.canvases;
    auto it = std::find_if(jobs.begin(), jobs.end(), [&](const canvas_job& j) {
      return j.source == media.path && j.filter == filter;
    });
    if (it == jobs.end()) {
      jobs.push_back({media.path, filter,
                      ctx.settings.work_dir + "/canvas" + std::to_string(jobs.size()) + ".yuv",
                      kb.canvas_w, kb.canvas_h});
      it = jobs.end() - 1;
    }
    const int input = g.add_input({"-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size",
                                   std::to_string(kb.canvas_w) + "x" + std::to_string(kb.canvas_h),
                                   "-framerate", std::to_string(ctx.fps)},
                                  it->file);
    chain = "[" + std::to_string(input) + ":v]";
  } else {
    // Seek in the input (fast), read only what the segment shows; a short clip holds its last
    // frame. Played at its own speed: `to` only limits how much of the source is used.
    const std::int64_t in = s.trim_in_ms().value_or(0);
    std::int64_t span = s.duration_ms();
    if (auto out = s.trim_out_ms(); out && *out > in) span = std::min(span, *out - in);
    const double from = in / 1000.0 + static_cast<double>(skip) / ctx.fps;
    const int input = g.add_input(
        {"-ss", num(from), "-t", num(std::max(span / 1000.0 - from + in / 1000.0, 0.04))},
        media.path);
    chain = "[" + std::to_string(input) + ":v]setpts=PTS-STARTPTS,fps=" + std::to_string(ctx.fps) +
            "," + prep;
  }
  const bool zp = still && kb.moves && q == render_quality::draft;
  if (zp) {
    chain += zoompan(kb, ctx, frames, skip, count) + "," + frame_base(ctx);
  } else {
    if (still)
      chain += "loop=loop=" + std::to_string(count - 1) + ":size=1:start=0";
    else
      chain += ",tpad=stop_mode=clone:stop=-1,trim=end_frame=" + std::to_string(count);
    chain += "," + frame_base(ctx);
    if (kb.moves) chain += "," + perspective(kb, ctx, frames, skip, q == render_quality::high);
  }
  if (alpha) chain += ",format=yuva420p";
  const std::int64_t fi = std::min(ctx.frames(s.fade_in_ms().value_or(0)), frames);
  const std::int64_t fo = std::min(ctx.frames(s.fade_out_ms().value_or(0)), frames);
  const std::string fade_alpha = alpha ? ":alpha=1" : "";
  // Parts never start or end inside a fade (choose_splits), so a fade is whole or absent.
  if (fi > 0 && skip == 0) chain += ",fade=t=in:s=0:n=" + std::to_string(fi) + fade_alpha;
  if (fo > 0 && frames - fo >= skip && frames <= skip + count)
    chain += ",fade=t=out:s=" + std::to_string(frames - fo - skip) + ":n=" + std::to_string(fo) +
             fade_alpha;
  const auto out = g.label("c");
  g.add(chain + ",setsar=1" + out);
  return out;
}

// The base track's clips with their junctions, black filling every gap.
std::vector<clip> base_clips(const plan_context& ctx, const std::vector<segment_view>& segs,
                             std::int64_t total) {
  std::vector<clip> in;
  for (const auto& s : segs) {
    clip c{ctx.frames(s.start_ms()), ctx.frames(s.end_ms()), s};
    if (c.end > c.start) in.push_back(std::move(c));
  }
  std::stable_sort(in.begin(), in.end(),
                   [](const clip& a, const clip& b) { return a.start < b.start; });
  std::vector<clip> out;
  std::int64_t at = 0;
  for (auto& c : in) {
    if (c.start > at) out.push_back(clip{at, c.start, std::nullopt});
    if (c.start < at && !out.empty()) {
      // Overlap: blend over it when the later segment asks for a transition (never longer than
      // the transition), and cut the earlier one where the blend ends. Each side keeps at least
      // one frame of its own.
      const auto tr = c.seg->transition().value_or(transition_spec{});
      const std::int64_t asked = tr.type == transition_kind::none
                                     ? 0
                                     : std::max<std::int64_t>(ctx.frames(tr.duration_ms), 0);
      std::int64_t ov =
          std::max<std::int64_t>(0, std::min({at - c.start, asked, c.end - c.start - 1}));
      if (c.start <= out.back().start) {
        out.pop_back();  // nothing of its own would be left
        ov = 0;
        const std::int64_t before = out.empty() ? 0 : out.back().end;
        if (before > c.start) out.back().end = c.start;
        if (before < c.start) out.push_back(clip{before, c.start, std::nullopt});
      } else {
        out.back().end = c.start + ov;
      }
      c.into = ov > 0 ? tr.type : transition_kind::none;
      c.overlap = ov;
    }
    at = c.end;
    out.push_back(std::move(c));
  }
  if (at < total) out.push_back(clip{at, total, std::nullopt});
  return out;
}

std::vector<std::size_t> video_tracks(const draft& d) {
  std::vector<std::size_t> tracks;
  for (std::size_t i : d.find_tracks(track_kind::video))
    if (d.track(i).segment_count() > 0) tracks.push_back(i);
  return tracks;
}

std::vector<clip> timeline(const plan_context& ctx, const draft& d,
                           const std::vector<std::size_t>& tracks, std::int64_t total) {
  return tracks.empty() ? std::vector<clip>{clip{0, total, std::nullopt}}
                        : base_clips(ctx, d.track(tracks.front()).segments(), total);
}

}  // namespace

std::vector<std::int64_t> choose_splits(const plan_context& ctx, const draft& d, std::int64_t total,
                                        int parts) {
  // A cut at frame f is allowed when no blend, fade or overlaid segment spans it.
  const auto tracks = video_tracks(d);
  std::vector<std::pair<std::int64_t, std::int64_t>> busy;  // open intervals (a, b)
  for (const auto& c : timeline(ctx, d, tracks, total)) {
    if (c.overlap > 0) busy.emplace_back(c.start, c.start + c.overlap);
    if (!c.seg) continue;
    busy.emplace_back(c.start, c.start + ctx.frames(c.seg->fade_in_ms().value_or(0)));
    busy.emplace_back(c.end - ctx.frames(c.seg->fade_out_ms().value_or(0)), c.end);
  }
  for (std::size_t t = 1; t < tracks.size(); ++t)
    for (const auto& s : d.track(tracks[t]).segments())
      busy.emplace_back(ctx.frames(s.start_ms()) - 1, ctx.frames(s.end_ms()) + 1);
  auto free_at = [&](std::int64_t f) {
    return std::none_of(busy.begin(), busy.end(),
                        [f](const auto& b) { return b.first < f && f < b.second; });
  };
  std::vector<std::int64_t> cuts;
  const std::int64_t min_part = ctx.fps;  // a part shorter than a second is not worth a process
  for (int i = 1; i < parts; ++i) {
    const std::int64_t want = total * i / parts;
    for (std::int64_t delta = 0; delta < total; ++delta) {
      std::int64_t found = -1;
      if (free_at(want - delta)) found = want - delta;
      if (found < 0 && free_at(want + delta)) found = want + delta;
      if (found < 0) continue;
      const std::int64_t prev = cuts.empty() ? 0 : cuts.back();
      if (found - prev >= min_part && total - found >= min_part) cuts.push_back(found);
      break;
    }
  }
  return cuts;
}

result<std::string> build_picture(plan_context& ctx, graph_builder& g, const draft& d,
                                  std::int64_t total_frames) {
  const auto tracks = video_tracks(d);
  const std::int64_t from = ctx.range_from;
  const std::int64_t to = ctx.range_to > 0 ? ctx.range_to : total_frames;
  const auto segs =
      tracks.empty() ? std::vector<segment_view>{} : d.track(tracks.front()).segments();
  // Runs of clips joined by xfade; runs are joined by concat (a cut).
  std::vector<std::string> runs;
  std::string acc;
  std::int64_t acc_frames = 0;
  for (const auto& c : timeline(ctx, d, tracks, total_frames)) {
    const std::int64_t a = std::max(c.start, from);
    const std::int64_t b = std::min(c.end, to);
    if (b <= a) continue;
    const std::int64_t n = b - a;
    std::string label;
    if (c.seg) {
      std::size_t index = 0;
      while (index < segs.size() && &segs[index].raw() != &c.seg->raw()) ++index;
      auto made = segment_clip(ctx, g, *c.seg, segment_name(tracks.front(), index, *c.seg),
                               c.end - c.start, false, a - c.start, n);
      if (!made) return made.error();
      label = *made;
    } else {
      label = black_clip(ctx, g, n);
    }
    // A part never starts inside a blend: a clip cut at the part's start has no xfade in it.
    if (c.overlap > 0 && c.start >= from && !acc.empty()) {
      const auto out = g.label("x");
      g.add(acc + label + "xfade=transition=" + std::string(xfade_name(c.into)) + ":duration=" +
            ctx.seconds(c.overlap) + ":offset=" + ctx.seconds(acc_frames - c.overlap) + out);
      acc = out;
      acc_frames += n - c.overlap;
    } else {
      if (!acc.empty()) runs.push_back(acc);
      acc = label;
      acc_frames = n;
    }
  }
  runs.push_back(acc);
  std::string base = runs.front();
  if (runs.size() > 1) {
    base = g.label("v");
    std::string joined;
    for (const auto& r : runs) joined += r;
    g.add(joined + "concat=n=" + std::to_string(runs.size()) + ":v=1:a=0" + base);
  }

  // Later video tracks: each segment over what is below, from its start to its end (parts
  // never cut one: choose_splits).
  for (std::size_t t = 1; t < tracks.size(); ++t) {
    const auto over = d.track(tracks[t]).segments();
    for (std::size_t i = 0; i < over.size(); ++i) {
      const std::int64_t start = ctx.frames(over[i].start_ms());
      const std::int64_t end = std::min(ctx.frames(over[i].end_ms()), total_frames);
      if (end <= start || end <= from || start >= to) continue;
      auto made = segment_clip(ctx, g, over[i], segment_name(tracks[t], i, over[i]), end - start,
                               true, 0, end - start);
      if (!made) return made.error();
      const auto shifted = g.label("o");
      g.add(*made + "setpts=PTS+" + std::to_string(start - from) + shifted);
      const auto out = g.label("v");
      g.add(base + shifted + "overlay=eof_action=pass:format=yuv420" + out);
      base = out;
    }
  }
  // The text chain (if any) follows directly: "<label>drawtext...,drawtext...[vout]".
  return base;
}

}  // namespace reel::core::render_detail
