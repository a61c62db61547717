#include "core/timeline_summary.hpp"

#include "core/text_norm.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace reel::core {
namespace {

using nlohmann::json;

// Words people and the cloud use for a track's purpose, in the languages the router knows.
const std::vector<phrase>& voice_words() {
  static const auto p = compile_phrases(
      "voice|voiceover|voice over|narration|narrator|vo|tts|speech|配音|旁白|解说|sprecher");
  return p;
}
const std::vector<phrase>& music_words() {
  static const auto p = compile_phrases(
      "music|bgm|song|soundtrack|lofi|lo fi|beat|beats|musik|音乐|配乐|背景音乐|歌");
  return p;
}
const std::vector<phrase>& caption_words() {
  static const auto p = compile_phrases("caption|captions|subtitle|subtitles|subs|untertitel|字幕");
  return p;
}
const std::vector<phrase>& title_words() {
  static const auto p = compile_phrases("title|heading|headline|titel|标题");
  return p;
}

void add_words(std::vector<std::string>& into, const std::optional<std::string>& text) {
  if (!text) return;
  auto t = tokenize(*text);
  into.insert(into.end(), std::make_move_iterator(t.begin()), std::make_move_iterator(t.end()));
  into.emplace_back();  // a break, so words of two labels never form one phrase
}

std::optional<std::string> string_at(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? std::optional(it->get<std::string>()) : std::nullopt;
}

// The words that tell a track's purpose: labels, `type` hints and (for audio) file names.
std::vector<std::string> track_words(const track_view& track, bool with_sources) {
  std::vector<std::string> words;
  add_words(words, track.label());
  for (const auto& sg : track.segments()) {
    add_words(words, sg.label());
    add_words(words, string_at(sg.raw(), "type"));
    if (const auto m = sg.raw().find("m"); m != sg.raw().end() && m->is_object())
      add_words(words, string_at(*m, "type"));
    if (with_sources) add_words(words, sg.source());
  }
  return words;
}

bool is_generic_label(const std::string& name) {
  static const auto generic = compile_phrases("video|audio|bgm|music|title|text|captions|clip");
  const auto t = tokenize(name);
  return t.size() == 1 && contains_any(t, generic);
}

std::string strip_media_extension(std::string name) {
  if (type_from_name(name, true)) name.erase(name.rfind('.'));
  return name;
}

std::string fallback_name(track_role role, bool photo) {
  switch (role) {
    case track_role::video:
      return photo ? "photo" : "clip";
    case track_role::music:
      return "music";
    case track_role::voice_over:
      return "voice-over";
    case track_role::audio:
      return "audio";
    case track_role::title:
    case track_role::text:
    case track_role::captions:
      return "text";
    case track_role::other:
      break;
  }
  return "item";
}

bool text_role(track_role role) {
  return role == track_role::title || role == track_role::text || role == track_role::captions;
}

std::string count_noun(const track_view& track, track_role role, const media_catalog& catalog) {
  if (text_role(role)) return "lines";
  if (role == track_role::other) return "items";
  if (role == track_role::video) {
    const auto sgs = track.segments();
    const bool all_photos = std::all_of(
        sgs.begin(), sgs.end(), [&](const segment_view& s) { return is_photo(s, catalog); });
    return all_photos ? "photos" : "clips";
  }
  return "clips";
}

}  // namespace

track_role role_of(const track_view& track) {
  switch (track.kind()) {
    case track_kind::video:
      return track_role::video;
    case track_kind::audio: {
      const auto words = track_words(track, true);
      if (contains_any(words, voice_words())) return track_role::voice_over;
      if (contains_any(words, music_words())) return track_role::music;
      return track_role::audio;
    }
    case track_kind::text: {
      const auto words = track_words(track, false);
      if (contains_any(words, caption_words())) return track_role::captions;
      const auto sgs = track.segments();
      if (sgs.size() == 1 && (sgs[0].start_ms() == 0 || contains_any(words, title_words())))
        return track_role::title;
      return sgs.size() >= 3 ? track_role::captions : track_role::text;
    }
    case track_kind::other:
      break;
  }
  return track_role::other;
}

std::string_view role_label(track_role role) noexcept {
  constexpr std::string_view labels[] = {"Video", "BGM",  "Audio",    "Voice-over",
                                         "Title", "Text", "Captions", "Track"};
  return labels[static_cast<std::size_t>(role)];
}

std::string_view role_noun(track_role role) noexcept {
  constexpr std::string_view nouns[] = {"video", "music", "audio",    "voice-over",
                                        "title", "text",  "captions", "track"};
  return nouns[static_cast<std::size_t>(role)];
}

std::string format_seconds(std::int64_t ms) {
  const auto tenths = std::max<std::int64_t>(0, (ms + 50) / 100);
  auto s = std::to_string(tenths / 10);
  if (tenths % 10) s += "." + std::to_string(tenths % 10);
  return s;
}

std::string format_range(std::int64_t start_ms, std::int64_t end_ms) {
  return format_seconds(start_ms) + "-" + format_seconds(end_ms) + "s";
}

std::string format_volume(double fraction) {
  const auto pct = std::lround(std::max(0.0, fraction) * 100.0);
  return pct == 0 ? "muted" : std::to_string(pct) + "%";
}

std::string shorten(std::string_view text, std::size_t max_chars) {
  // Byte offsets where each code point starts; a stray byte counts as one.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size();) {
    starts.push_back(i);
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    i += std::min(len, text.size() - i);
  }
  const bool cut = starts.size() > max_chars && max_chars > 0;
  std::string out(cut ? text.substr(0, starts[max_chars - 1]) : text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return cut ? out + "\xE2\x80\xA6" : out;  // …
}

std::optional<std::string> segment_name(const segment_view& sg, const media_catalog& catalog) {
  if (auto l = sg.label(); l && !l->empty()) return l;
  const auto src = sg.source();
  if (!src || src->empty()) return std::nullopt;
  if (const auto it = catalog.find(*src); it != catalog.end() && !it->second.name.empty())
    return strip_media_extension(it->second.name);
  if (src->find_first_of("/.") == std::string::npos) return std::nullopt;  // a bare media id
  std::string_view path = *src;
  path = path.substr(0, std::min(path.find('?'), path.find('#')));
  if (const auto slash = path.rfind('/'); slash != std::string_view::npos)
    path = path.substr(slash + 1);
  auto name = strip_media_extension(std::string(path));
  std::replace(name.begin(), name.end(), '_', ' ');
  if (name.empty()) return std::nullopt;
  return name;
}

bool is_photo(const segment_view& sg, const media_catalog& catalog) {
  const auto src = sg.source();
  if (!src) return false;
  if (const auto it = catalog.find(*src); it != catalog.end() && it->second.kind)
    return *it->second.kind == media_kind::image;
  const auto t = type_from_name(*src);
  return t && t->kind == media_kind::image;
}

std::string describe_segment(const segment_view& sg, track_role role, const media_catalog& catalog,
                             bool quote_names) {
  std::string out;
  if (text_role(role) && sg.text()) {
    out = "\"" + shorten(*sg.text()) + "\"";
  } else {
    const auto name = segment_name(sg, catalog);
    const auto shown = shorten(name.value_or(fallback_name(role, is_photo(sg, catalog))));
    out = quote_names && name ? "\"" + shown + "\"" : shown;
  }
  out += " (" + format_range(sg.start_ms(), sg.end_ms());
  if (const auto v = sg.volume(); v && !text_role(role) && std::lround(*v * 100.0) != 100)
    out += ", " + format_volume(*v);
  return out + ")";
}

std::string describe_track(const track_view& track, track_role role, const media_catalog& catalog,
                           bool quote_names) {
  const auto sgs = track.segments();
  if (sgs.size() >= 4)
    return std::to_string(sgs.size()) + " " + count_noun(track, role, catalog) + " (" +
           format_range(track.start_ms(), track.end_ms()) + ")";
  std::string out;
  for (const auto& sg : sgs)
    out += (out.empty() ? "" : ", ") + describe_segment(sg, role, catalog, quote_names);
  return out;
}

std::string summarize_timeline(const draft& d, const media_catalog& catalog) {
  std::vector<std::string> items;
  for (const auto& t : d.tracks()) {
    if (t.segment_count() == 0) continue;
    const auto role = role_of(t);
    std::string label(role_label(role));
    // An unknown track type reads by its own label when it has one ("Stickers").
    if (role == track_role::other)
      if (const auto l = t.label(); l && !l->empty() && !is_generic_label(*l)) label = shorten(*l);
    items.push_back(label + ": " + describe_track(t, role, catalog));
  }
  if (items.empty()) return "Timeline is empty";
  std::string out =
      "Timeline (" + std::to_string(items.size()) + (items.size() == 1 ? " track):" : " tracks):");
  for (std::size_t i = 0; i < items.size(); ++i)
    out += " " + std::to_string(i + 1) + ". " + items[i];
  return out;
}

}  // namespace reel::core
