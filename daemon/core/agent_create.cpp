// A new video from the session's media: pictures in upload order sharing the length, a gentle
// Ken Burns move on stills, crossfades, music at 35% fading out, a title and captions from the
// script. Whatever the prompt said about these is used here and cleared from the request.
#include "core/agent_edit.hpp"
#include "core/agent_layout.hpp"
#include "core/text_norm.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core {

namespace {

constexpr std::int64_t min_length_ms = 1000;
constexpr std::int64_t max_length_ms = 600000;
constexpr std::int64_t default_transition_ms = 500;
constexpr std::int64_t still_ms = 3000;         // a photo's share when no length is asked
constexpr std::int64_t unknown_clip_ms = 5000;  // a clip whose length was not probed
constexpr double default_music_volume = 0.35;
constexpr std::int64_t default_fade_out_ms = 2000;

std::string trim_markup(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r#*->•");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r*");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::pair<int, int> size_for(std::pair<int, int> aspect, int short_side) {
  auto [aw, ah] = aspect;
  if (aw <= 0 || ah <= 0) aw = 16, ah = 9;
  auto even = [](double v) {
    return std::clamp(static_cast<int>(std::lround(v / 2.0)) * 2, 2, 7680);
  };
  if (aw >= ah) return {even(static_cast<double>(short_side) * aw / ah), short_side};
  return {short_side, even(static_cast<double>(short_side) * ah / aw)};
}

script_parts split_script(const std::string& text) {
  script_parts out;
  std::size_t pos = 0;
  std::string first_line;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    const auto line =
        std::string_view(text).substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    first_line = trim_markup(line);
    if (!first_line.empty()) break;
  }
  if (first_line.empty()) return out;
  const auto spans = split_sentences(first_line);
  std::string title =
      spans.empty() ? first_line : first_line.substr(spans[0].begin, spans[0].end - spans[0].begin);
  std::string rest = spans.size() > 1 ? first_line.substr(spans[1].begin) : std::string();
  while (!title.empty() && (title.back() == '.' || title.back() == ' ')) title.pop_back();
  if (title.ends_with("。")) title.erase(title.size() - std::string_view("。").size());
  out.title = shorten(title, 60);
  rest += "\n" + text.substr(pos);
  for (const auto& s : split_sentences(rest)) {
    auto sentence = trim_markup(std::string_view(rest).substr(s.begin, s.end - s.begin));
    if (!sentence.empty() && !tokenize(sentence).empty())
      out.sentences.push_back(std::move(sentence));
  }
  return out;
}

std::optional<draft> create_video(agent_request& r, edit_context& ctx) {
  std::vector<const agent_media*> pictures;
  for (const auto& m : ctx.media())
    if (m.kind == media_kind::image || m.kind == media_kind::video) pictures.push_back(&m);
  const agent_media* music = r.music == add_remove::remove ? nullptr : ctx.first(media_kind::audio);
  const agent_media* script = ctx.script();
  if (pictures.empty() && !script) {
    ctx.say({.kind = note_kind::no_media});
    return std::nullopt;
  }
  const auto parts = script ? split_script(script->text) : script_parts{};

  const auto [w, h] =
      r.size ? *r.size : size_for(r.aspect.value_or(std::pair{16, 9}), r.short_side.value_or(1080));
  const double fps = r.fps.value_or(30);
  draft d = draft::make_empty(w, h, static_cast<int>(std::lround(fps)));
  if (fps != std::floor(fps)) d.set_fps(fps);

  const auto tr_type = r.transition.value_or(transition_kind::fade);
  std::int64_t tr_ms =
      tr_type == transition_kind::none ? 0 : r.transition_ms.value_or(default_transition_ms);

  int photos = 0;
  int clips = 0;
  std::int64_t clip_total = 0;
  for (const auto* m : pictures) {
    if (m->kind == media_kind::image) {
      ++photos;
    } else {
      ++clips;
      clip_total += std::max<std::int64_t>(m->duration_ms.value_or(unknown_clip_ms), 100);
    }
  }
  const auto n = static_cast<std::int64_t>(pictures.size());
  std::int64_t length = 0;
  if (clips > 0)
    length = clip_total + still_ms * photos - std::max<std::int64_t>(n - 1, 0) * tr_ms;
  else if (photos > 0)
    length = std::clamp<std::int64_t>(still_ms * photos, 15000, 120000);
  else
    length = std::clamp<std::int64_t>(still_ms * static_cast<std::int64_t>(parts.sentences.size()),
                                      15000, 120000);
  if (r.duration_ms) length = *r.duration_ms;
  length += r.duration_delta_ms;
  const auto asked = length;
  length = std::clamp(length, min_length_ms, max_length_ms);
  if (length != asked) ctx.say({.kind = note_kind::duration_clamped, .ms = length});

  if (!pictures.empty()) {
    auto track = d.add_track(tt_video, "Video");
    std::vector<share_slot> slots;
    std::size_t still = 0;
    for (std::size_t i = 0; i < pictures.size(); ++i) {
      const auto* m = pictures[i];
      nlohmann::json j = nlohmann::json::object();
      segment_ref sg(j);
      sg.set("id", "v" + std::to_string(i + 1)).set_source(m->id).set_label(display_name(m->name));
      sg.set_fit(fit_mode::cover);
      if (m->kind == media_kind::image && r.motion != add_remove::remove)
        sg.set_motion(gentle_motion(still++));
      track.add_segment(std::move(j));
      // Asked for a length: equal shares, a clip shorter than its share keeping its own. Not
      // asked: each its natural length (a clip its own, a still 3 s), which is what that length
      // was made of.
      const bool still_media = m->kind == media_kind::image;
      const double natural =
          still_media ? still_ms : static_cast<double>(m->duration_ms.value_or(unknown_clip_ms));
      slots.push_back({r.duration_ms ? 1.0 : natural, still_media ? std::nullopt : m->duration_ms});
    }
    const auto [lengths, overlap] = share_with_transitions(slots, length, tr_ms);
    tr_ms = overlap;
    const auto end = stack_pictures(track, lengths, {tr_type, tr_ms}, ctx.catalog());
    if (end < length && r.duration_ms) ctx.say({.kind = note_kind::duration_limited, .ms = end});
    length = end;
  }
  d.set_duration_ms(length);

  const double volume =
      std::clamp(r.music_volume.value_or(default_music_volume) + r.music_volume_step, 0.0, 1.0);
  if (music) {
    auto track = d.add_track(tt_audio, "Music");
    for (auto& j :
         music_segments(music->id, display_name(music->name), music->duration_ms, length, volume,
                        r.music_fade_in_ms, r.music_fade_out_ms.value_or(default_fade_out_ms)))
      track.add_segment(std::move(j));
  } else if (r.music == add_remove::add || r.music_volume) {
    ctx.say({.kind = note_kind::no_music_media});
  }

  std::string title;
  if (r.title != title_action::remove)
    title = r.title_spec.text.empty() ? parts.title : r.title_spec.text;
  std::int64_t title_end = 0;
  if (!title.empty()) {
    put_title(d, r.title_spec, title, length, false);
    if (const auto t = find_agent_tracks(d).title) title_end = d.track(*t).end_ms();
  }
  int captions = 0;
  if (script && r.captions != add_remove::remove && !parts.sentences.empty()) {
    // After the title when there is room for them, else over the whole video.
    const auto from = length - title_end >= 1500 ? title_end : 0;
    captions = add_captions(d, parts, from, length);
  } else if (r.captions == add_remove::add && !script) {
    ctx.say({.kind = note_kind::no_script});
  }

  agent_note made{.kind = note_kind::created, .ms = length};
  made.photos = photos;
  made.clips = clips;
  made.text = aspect_of(w, h);
  made.music = music != nullptr;
  made.fraction = volume;
  made.text2 = title;
  made.n = captions;
  ctx.did("create_video", std::move(made));

  r.duration_ms.reset();
  r.duration_delta_ms = 0;
  r.aspect.reset();
  r.size.reset();
  r.short_side.reset();
  r.fps.reset();
  r.transition.reset();
  r.transition_ms.reset();
  r.music = add_remove::none;
  r.music_volume.reset();
  r.music_volume_step = 0;
  r.music_fade_in_ms.reset();
  r.music_fade_out_ms.reset();
  r.title = title_action::none;
  r.captions = add_remove::none;
  r.motion = add_remove::none;
  return d;
}

}  // namespace reel::core
