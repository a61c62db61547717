#include "fake_nemo/media_sniff.hpp"

#include "fake_nemo/http_types.hpp"

#include <algorithm>
#include <array>

namespace reel::fake_nemo {
namespace {

struct format_row {
  std::string_view ext;
  std::string_view canonical;
  media_kind kind;
};

constexpr std::array<format_row, 14> formats{{
    {"mp4", "mp4", media_kind::video},
    {"mov", "mov", media_kind::video},
    {"avi", "avi", media_kind::video},
    {"webm", "webm", media_kind::video},
    {"mkv", "mkv", media_kind::video},
    {"jpg", "jpg", media_kind::image},
    {"jpeg", "jpg", media_kind::image},
    {"png", "png", media_kind::image},
    {"gif", "gif", media_kind::image},
    {"webp", "webp", media_kind::image},
    {"mp3", "mp3", media_kind::audio},
    {"wav", "wav", media_kind::audio},
    {"m4a", "m4a", media_kind::audio},
    {"aac", "aac", media_kind::audio},
}};

bool at(std::string_view head, std::size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() && head.substr(offset, magic.size()) == magic;
}

bool riff(std::string_view head, std::string_view form) {
  return at(head, 0, "RIFF") && at(head, 8, form);
}

// ISO base media (mp4, mov, m4a): a box type at offset 4.
bool iso_bmff(std::string_view head) {
  for (std::string_view box : {"ftyp", "moov", "mdat", "free", "wide", "skip"}) {
    if (at(head, 4, box)) return true;
  }
  return false;
}

unsigned byte(std::string_view head, std::size_t i) {
  return i < head.size() ? static_cast<unsigned char>(head[i]) : 0u;
}

}  // namespace

std::optional<media_format> format_from_name(std::string_view name) {
  const auto q = name.find_first_of("?#");
  if (q != std::string_view::npos) name = name.substr(0, q);
  const auto dot = name.rfind('.');
  const auto slash = name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && slash > dot)) {
    return std::nullopt;
  }
  const auto ext = to_lower(name.substr(dot + 1));
  for (const auto& row : formats) {
    if (row.ext == ext) return media_format{std::string(row.canonical), row.kind};
  }
  return std::nullopt;
}

bool magic_matches(std::string_view ext, std::string_view head) {
  if (ext == "mp4" || ext == "mov" || ext == "m4a") return iso_bmff(head);
  if (ext == "avi") return riff(head, "AVI ");
  if (ext == "wav") return riff(head, "WAVE");
  if (ext == "webp") return riff(head, "WEBP");
  if (ext == "webm" || ext == "mkv") return at(head, 0, "\x1A\x45\xDF\xA3");
  if (ext == "jpg" || ext == "jpeg") return at(head, 0, "\xFF\xD8\xFF");
  if (ext == "png") return at(head, 0, "\x89PNG\r\n\x1A\n");
  if (ext == "gif") return at(head, 0, "GIF87a") || at(head, 0, "GIF89a");
  if (ext == "mp3") {
    return at(head, 0, "ID3") || (byte(head, 0) == 0xFF && (byte(head, 1) & 0xE0) == 0xE0);
  }
  if (ext == "aac") {
    return at(head, 0, "ADIF") || (byte(head, 0) == 0xFF && (byte(head, 1) & 0xF6) == 0xF0);
  }
  return false;
}

std::int64_t guess_duration_ms(media_kind kind, std::uint64_t size) {
  switch (kind) {
    case media_kind::image:
      return 3000;
    case media_kind::audio:
      return static_cast<std::int64_t>(size / 16);  // 16 000 bytes per second
    case media_kind::video:
      return std::max<std::int64_t>(1000, static_cast<std::int64_t>(size / 250));
  }
  return 0;
}

std::string_view to_string(media_kind kind) noexcept {
  switch (kind) {
    case media_kind::video:
      return "video";
    case media_kind::image:
      return "image";
    case media_kind::audio:
      return "audio";
  }
  return "video";
}

}  // namespace reel::fake_nemo
