#pragma once
// Which uploads the simulated service accepts (spec: "Accepted media"), by extension and by the
// file's first bytes, and how long a file of a given size plausibly lasts.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reel::fake_nemo {

enum class media_kind { video, image, audio };

struct media_format {
  std::string ext;  // canonical lower-case extension ("jpg" for ".jpeg")
  media_kind kind = media_kind::video;
};

// The accepted format named by a file name's (or URL path's) extension; nullopt when the
// extension is missing or not in mp4 mov avi webm mkv jpg png gif webp mp3 wav m4a aac.
std::optional<media_format> format_from_name(std::string_view name);
// True when `head` (the file's first bytes, at least 12 for RIFF/ftyp formats) looks like `ext`.
bool magic_matches(std::string_view ext, std::string_view head);
// A plausible duration in ms: videos at ~2 Mbit/s, audio at 128 kbit/s, images 3 s.
std::int64_t guess_duration_ms(media_kind kind, std::uint64_t size);
// "video", "image" or "audio".
std::string_view to_string(media_kind kind) noexcept;

}  // namespace reel::fake_nemo
