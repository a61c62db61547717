#pragma once
// What an uploaded file is, from its first bytes and its name (spec/upstream-nemovideo.md
// "Accepted media", plus .txt/.md scripts for the local backend), and whether its size fits.
// Content decides; the name only settles what bytes cannot (ISO-BMFF audio vs video, text).
#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reel::core {

enum class media_kind { video, image, audio, text };

// "video", "image", "audio", "text".
std::string_view to_string(media_kind kind) noexcept;

// An accepted format: its kind, canonical extension ("jpg" for .jpeg) and MIME type.
struct media_type {
  media_kind kind = media_kind::video;
  std::string_view ext;
  std::string_view mime;
  bool operator==(const media_type&) const = default;
};

// The format `head` (a file's first bytes; 12 suffice for most, up to 64 are read) shows,
// without a name: mp4 mov avi webm mkv jpg png gif webp mp3 wav m4a aac. nullopt when none
// (text is never recognised from bytes alone).
std::optional<media_type> sniff_content(std::string_view head);

// The accepted format a file name or URL path names by its extension (query and fragment
// ignored, case folded); txt and md only when `allow_text`. nullopt when not accepted.
std::optional<media_type> type_from_name(std::string_view name, bool allow_text = false);

// The file's format from its first bytes and name. Content wins when both name a format of
// the same kind (a PNG named .jpg is png); a name's format is used for text and when bytes are
// ambiguous. unsupported_media, listing the accepted formats, when the content is empty or
// unknown, or says another kind than the name.
result<media_type> check_media(std::string_view head, std::string_view name,
                               bool allow_text = false);

// payload_too_large (with a compress-or-trim hint) when `size` exceeds `limit` bytes.
result<void> check_media_size(std::uint64_t size, std::uint64_t limit);

// "mp4, mov, avi, webm, mkv (video); jpg, png, gif, webp (images); mp3, wav, m4a, aac (audio)"
// and "; txt, md (scripts)" when `allow_text`.
std::string accepted_formats(bool allow_text = false);

}  // namespace reel::core
