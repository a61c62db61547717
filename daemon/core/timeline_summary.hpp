#pragma once
// The timeline in one line, as the seeds show it:
//   Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)
//   3. Title: "Urban Dreams" (0-3s)
// Rules: only tracks with segments are listed and counted. A track reads "<Role>: <body>"; the
// role comes from the track type and its words (role_of). The body of one segment is its name
// (text segments: the quoted text) and its range in seconds, with the volume when it is not
// 100% ("35%", "muted"); two or three segments are listed the same way, comma-separated; four
// or more are counted over the track's range ("5 photos (0-15s)", "12 lines (0-30s)").
#include "core/draft.hpp"
#include "core/media_type.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace reel::core {

// A session's media as the summary names them: media id → display name and kind.
struct media_info {
  std::string name;
  std::optional<media_kind> kind;
};
using media_catalog = std::map<std::string, media_info, std::less<>>;

// What a track is to a person.
enum class track_role { video, music, audio, voice_over, title, text, captions, other };

// Audio: voice-over when its words say voice/narration/配音, music when they say music/BGM/song/
// 音乐, else audio. Text: captions when its words say caption/subtitle/字幕 or it has 3+ segments,
// title when it has one segment starting at 0 or is called a title, else text.
track_role role_of(const track_view& track);
// "Video", "BGM", "Audio", "Voice-over", "Title", "Text", "Captions", "Track".
std::string_view role_label(track_role role) noexcept;
// "video", "music", "audio", "voice-over", "title", "text", "captions", "track".
std::string_view role_noun(track_role role) noexcept;

// Seconds with at most one decimal and no trailing ".0": 10000 → "10", 2500 → "2.5".
std::string format_seconds(std::int64_t ms);
// "0-10s", "2.5-7s".
std::string format_range(std::int64_t start_ms, std::int64_t end_ms);
// "35%", rounded; "muted" at 0.
std::string format_volume(double fraction);
// One line, at most `max_chars` code points, "…" when cut (never splits a UTF-8 sequence).
std::string shorten(std::string_view text, std::size_t max_chars = 40);

// A segment's name: its label, else its media's name in `catalog`, else the file name of its
// source without extension ("city_timelapse.mp4" → "city timelapse"); nullopt when none.
std::optional<std::string> segment_name(const segment_view& sg, const media_catalog& catalog);
// True when the segment's media is a still: the catalog says image, or the source ends in an
// image extension.
bool is_photo(const segment_view& sg, const media_catalog& catalog);

// One segment: its name or quoted text, then "(range[, volume])"; names quoted when asked.
std::string describe_segment(const segment_view& sg, track_role role, const media_catalog& catalog,
                             bool quote_names = false);
// The body after "<Role>: " (see the rules above); names in quotes when `quote_names`.
std::string describe_track(const track_view& track, track_role role, const media_catalog& catalog,
                           bool quote_names = false);

// The one-line summary; "Timeline is empty" when no track has a segment.
std::string summarize_timeline(const draft& d, const media_catalog& catalog = {});

}  // namespace reel::core
