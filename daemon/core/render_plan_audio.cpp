// The sound: every audio-track segment (music, voice) and the own sound of every video clip on a
// video track, each trimmed, at its volume, with its fades, delayed to its start, then summed.
// amix runs with normalize=0 so that a volume means what it says (amix would otherwise divide
// every input by the number of inputs, and re-scale as inputs end); the clips' sound therefore
// stays at its own level under the music. Audio that must run longer than its file (music under
// a longer video) loops (-stream_loop -1).
#include "core/render_plan_internal.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core::render_detail {

namespace {

struct sound {
  const plan_media* media = nullptr;
  std::int64_t start_ms = 0;
  std::int64_t in_ms = 0;   // where in the file it starts
  std::int64_t len_ms = 0;  // how long it plays
  double volume = 1;
  std::int64_t fade_in_ms = 0;
  std::int64_t fade_out_ms = 0;
};

std::string place(graph_builder& g, const sound& s) {
  const bool loop = s.media->duration_ms > 0 ? s.in_ms + s.len_ms > s.media->duration_ms
                                             : s.media->kind == media_kind::audio;
  std::string chain;
  int input = 0;
  if (loop) {
    input = g.add_input({"-stream_loop", "-1"}, s.media->path);
    chain = "[" + std::to_string(input) + ":a]atrim=start=" + num(s.in_ms / 1000.0) +
            ":duration=" + num(s.len_ms / 1000.0) + ",";
  } else {
    input =
        g.add_input({"-ss", num(s.in_ms / 1000.0), "-t", num(s.len_ms / 1000.0)}, s.media->path);
    chain = "[" + std::to_string(input) + ":a]";
  }
  chain +=
      "asetpts=PTS-STARTPTS,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts="
      "stereo";
  if (std::abs(s.volume - 1.0) > 1e-6) chain += ",volume=" + num(s.volume);
  const double len = s.len_ms / 1000.0;
  const double fi = std::min(s.fade_in_ms / 1000.0, len);
  const double fo = std::min(s.fade_out_ms / 1000.0, len);
  if (fi > 0) chain += ",afade=t=in:st=0:d=" + num(fi);
  if (fo > 0) chain += ",afade=t=out:st=" + num(len - fo) + ":d=" + num(fo);
  if (s.start_ms > 0) {
    const auto ms = std::to_string(s.start_ms);
    chain += ",adelay=" + ms + "|" + ms;
  }
  const auto out = g.label("a");
  g.add(chain + out);
  return out;
}

}  // namespace

result<std::string> build_audio(plan_context& ctx, graph_builder& g, const draft& d,
                                std::int64_t total_frames) {
  std::vector<sound> sounds;
  const std::int64_t total_ms = total_frames * 1000 / ctx.fps;
  for (std::size_t t = 0; t < d.track_count(); ++t) {
    const auto track = d.track(t);
    const auto kind = track.kind();
    if (kind != track_kind::audio && kind != track_kind::video) continue;
    const auto segs = track.segments();
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& s = segs[i];
      if (s.start_ms() >= total_ms || s.duration_ms() <= 0) continue;
      const auto src = s.source();
      const auto it = src ? ctx.media.find(*src) : ctx.media.end();
      if (it == ctx.media.end()) {
        if (kind == track_kind::video) continue;  // the picture reports it
        return make_error(errc::bad_request,
                          "track " + std::to_string(t + 1) + ", segment " + std::to_string(i + 1) +
                              ": media " + src.value_or("(none)") + " is not in this session");
      }
      const plan_media& m = it->second;
      if (m.kind == media_kind::image || (m.kind == media_kind::video && !m.has_audio)) continue;
      sound snd;
      snd.media = &m;
      snd.start_ms = s.start_ms();
      snd.in_ms = s.trim_in_ms().value_or(0);
      snd.len_ms = std::min(s.duration_ms(), total_ms - snd.start_ms);
      if (auto out = s.trim_out_ms(); kind == track_kind::video && out && *out > snd.in_ms)
        snd.len_ms = std::min(snd.len_ms, *out - snd.in_ms);
      // A video clip's sound ends with the clip's source (its picture holds the last frame).
      if (kind == track_kind::video && m.duration_ms > 0)
        snd.len_ms = std::min(snd.len_ms, m.duration_ms - snd.in_ms);
      if (snd.len_ms <= 0) continue;
      snd.volume = std::max(0.0, s.volume().value_or(1.0));
      snd.fade_in_ms = s.fade_in_ms().value_or(0);
      snd.fade_out_ms = s.fade_out_ms().value_or(0);
      if (snd.volume > 0) sounds.push_back(snd);
    }
  }

  const auto out = g.label("aout");
  const std::string end = num(static_cast<double>(total_frames) / ctx.fps);
  if (sounds.empty()) {
    g.add("anullsrc=r=48000:cl=stereo,atrim=end=" + end + out);
    return out;
  }
  std::string inputs;
  for (const auto& s : sounds) inputs += place(g, s);
  std::string chain = inputs;
  if (sounds.size() > 1)
    chain += "amix=inputs=" + std::to_string(sounds.size()) +
             ":normalize=0:duration=longest:dropout_transition=0,";
  // Exactly the picture's length: silence after the last sound, nothing past the end.
  chain += "apad,atrim=end=" + end + ",asetpts=PTS-STARTPTS";
  g.add(chain + out);
  return out;
}

}  // namespace reel::core::render_detail
