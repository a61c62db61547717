#include "core/media_type.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace reel::core {
namespace {

constexpr media_type mp4{media_kind::video, "mp4", "video/mp4"};
constexpr media_type mov{media_kind::video, "mov", "video/quicktime"};
constexpr media_type avi{media_kind::video, "avi", "video/x-msvideo"};
constexpr media_type webm{media_kind::video, "webm", "video/webm"};
constexpr media_type mkv{media_kind::video, "mkv", "video/x-matroska"};
constexpr media_type jpg{media_kind::image, "jpg", "image/jpeg"};
constexpr media_type png{media_kind::image, "png", "image/png"};
constexpr media_type gif{media_kind::image, "gif", "image/gif"};
constexpr media_type webp{media_kind::image, "webp", "image/webp"};
constexpr media_type mp3{media_kind::audio, "mp3", "audio/mpeg"};
constexpr media_type wav{media_kind::audio, "wav", "audio/wav"};
constexpr media_type m4a{media_kind::audio, "m4a", "audio/mp4"};
constexpr media_type aac{media_kind::audio, "aac", "audio/aac"};
constexpr media_type txt{media_kind::text, "txt", "text/plain"};
constexpr media_type md{media_kind::text, "md", "text/markdown"};

struct ext_row {
  std::string_view ext;
  media_type type;
};
constexpr std::array<ext_row, 17> by_ext{{
    {"mp4", mp4},
    {"mov", mov},
    {"avi", avi},
    {"webm", webm},
    {"mkv", mkv},
    {"jpg", jpg},
    {"jpeg", jpg},
    {"png", png},
    {"gif", gif},
    {"webp", webp},
    {"mp3", mp3},
    {"wav", wav},
    {"m4a", m4a},
    {"aac", aac},
    {"txt", txt},
    {"md", md},
    {"markdown", md},
}};

// What the bytes say, and whether the name may overrule the kind: a generic ISO-BMFF brand
// (isom, mp42) holds audio as often as video, and an ID3 tag can precede ADTS as well as MP3.
struct sniffed {
  media_type type;
  bool bmff_generic = false;
  bool id3 = false;
};

std::uint8_t byte(std::string_view s, std::size_t i) {
  return i < s.size() ? static_cast<std::uint8_t>(s[i]) : 0;
}

bool at(std::string_view s, std::size_t pos, std::string_view what) {
  return s.size() >= pos + what.size() && s.substr(pos, what.size()) == what;
}

std::optional<sniffed> sniff_bmff(std::string_view h) {
  // Old QuickTime files start with a bare atom instead of ftyp.
  for (const auto atom : {"moov", "mdat", "wide", "free", "skip", "pnot"})
    if (at(h, 4, atom)) return sniffed{mov, true};
  if (!at(h, 4, "ftyp") || h.size() < 12) return std::nullopt;
  const auto major = h.substr(8, 4);
  if (major == "qt  ") return sniffed{mov};
  if (major == "M4A " || major == "M4B " || major == "M4P ") return sniffed{m4a};
  if (major == "M4V " || major == "M4VH" || major == "M4VP") return sniffed{mp4};
  // HEIF/AVIF stills and camera raw share the box format but are not accepted media.
  for (const auto still :
       {"heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis", "crx "})
    if (major == still) return std::nullopt;
  const std::size_t box = (std::size_t{byte(h, 0)} << 24) | (std::size_t{byte(h, 1)} << 16) |
                          (std::size_t{byte(h, 2)} << 8) | byte(h, 3);
  bool audio_brand = false;
  for (std::size_t i = 16; i + 4 <= std::min(box, h.size()); i += 4)
    if (h.substr(i, 4) == "M4A ") audio_brand = true;
  return sniffed{audio_brand ? m4a : mp4, true};
}

bool mpeg_audio_frame(std::string_view h) {
  const auto b1 = byte(h, 1);
  const auto b2 = byte(h, 2);
  if (h.size() < 3 || byte(h, 0) != 0xFF || (b1 & 0xE0) != 0xE0) return false;
  const int version = (b1 >> 3) & 3;
  const int layer = (b1 >> 1) & 3;
  // Layer III only (bits 01): an .mp3 is one, and Layer I's bits (11) are what a UTF-16 BOM
  // followed by ASCII looks like.
  return version != 1 && layer == 1 && (b2 >> 4) != 0xF && ((b2 >> 2) & 3) != 3;
}

bool adts_frame(std::string_view h) {
  return h.size() >= 3 && byte(h, 0) == 0xFF && (byte(h, 1) & 0xF6) == 0xF0 &&
         ((byte(h, 2) >> 2) & 0xF) < 13;
}

std::optional<sniffed> sniff(std::string_view h) {
  if (at(h, 0, "\xFF\xD8\xFF")) return sniffed{jpg};
  if (at(h, 0, "\x89PNG\r\n\x1A\n")) return sniffed{png};
  if (at(h, 0, "GIF87a") || at(h, 0, "GIF89a")) return sniffed{gif};
  if (at(h, 0, "RIFF") || at(h, 0, "RF64")) {
    if (at(h, 8, "AVI ")) return sniffed{avi};
    if (at(h, 8, "WAVE")) return sniffed{wav};
    if (at(h, 8, "WEBP")) return sniffed{webp};
    return std::nullopt;
  }
  if (at(h, 0, "\x1A\x45\xDF\xA3")) {
    // The DocType element (0x4282) names the flavour; past the first bytes, mkv is the safe bet.
    const auto doctype = h.find("\x42\x82");
    if (doctype != std::string_view::npos && h.find("webm", doctype) != std::string_view::npos)
      return sniffed{webm};
    return sniffed{mkv};
  }
  if (at(h, 0, "ID3")) return sniffed{mp3, false, true};
  if (adts_frame(h)) return sniffed{aac};
  if (mpeg_audio_frame(h)) return sniffed{mp3};
  return sniff_bmff(h);
}

// A prefix of a UTF-8 text: valid sequences, no NUL; a sequence cut by the end of `head` is
// fine because the caller only gives the first bytes.
bool looks_like_text(std::string_view h) {
  std::size_t i = 0;
  while (i < h.size()) {
    const auto c = byte(h, i);
    if (c == 0) return false;
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || (len == 2 && c < 0xC2) || (len == 4 && c > 0xF4)) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if (i + k >= h.size()) return true;
      if ((byte(h, i + k) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) {
    return static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  });
  return out;
}

// The extension of a file name or URL: after the last '/', before any '?' or '#'.
std::string extension_of(std::string_view name) {
  name = name.substr(0, std::min(name.find('?'), name.find('#')));
  if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos)
    name = name.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string() : lower(name.substr(dot + 1));
}

std::string kind_phrase(media_kind kind) {
  switch (kind) {
    case media_kind::video:
      return "a video";
    case media_kind::image:
      return "an image";
    case media_kind::audio:
      return "audio";
    case media_kind::text:
      return "text";
  }
  return "a file";
}

error unsupported(std::string message, bool allow_text) {
  auto e =
      make_error(errc::unsupported_media,
                 std::move(message) + " Accepted formats: " + accepted_formats(allow_text) + ".");
  e.hint = "Convert the file to one of the accepted formats, or fix its extension if it is wrong.";
  return e;
}

std::string dotted(const std::string& ext) {
  return ext.empty() ? "no extension" : "." + ext;
}

// "612 MB", "500.5 MB", "512 KB": one decimal at most, in binary units as the limits are set.
std::string human_size(std::uint64_t bytes) {
  const bool mb = bytes >= (1u << 20);
  const double v = static_cast<double>(bytes) / (mb ? 1048576.0 : 1024.0);
  const auto tenths = static_cast<std::uint64_t>(std::floor(v * 10.0 + 0.5));
  std::string s = std::to_string(tenths / 10);
  if (tenths % 10) s += "." + std::to_string(tenths % 10);
  return s + (mb ? " MB" : " KB");
}

}  // namespace

std::string_view to_string(media_kind kind) noexcept {
  switch (kind) {
    case media_kind::video:
      return "video";
    case media_kind::image:
      return "image";
    case media_kind::audio:
      return "audio";
    case media_kind::text:
      return "text";
  }
  return "video";
}

std::optional<media_type> sniff_content(std::string_view head) {
  const auto s = sniff(head);
  return s ? std::optional<media_type>(s->type) : std::nullopt;
}

std::optional<media_type> type_from_name(std::string_view name, bool allow_text) {
  const auto ext = extension_of(name);
  for (const auto& row : by_ext)
    if (row.ext == ext && (allow_text || row.type.kind != media_kind::text)) return row.type;
  return std::nullopt;
}

result<media_type> check_media(std::string_view head, std::string_view name, bool allow_text) {
  const auto ext = extension_of(name);
  const auto named = type_from_name(name, allow_text);
  if (head.empty()) return unsupported("The file is empty.", allow_text);
  const auto found = sniff(head);
  if (named && named->kind == media_kind::text) {
    if (found)
      return unsupported("The file is named as text (" + dotted(ext) + ") but holds " +
                             kind_phrase(found->type.kind) + " (" + std::string(found->type.ext) +
                             ").",
                         allow_text);
    if (!looks_like_text(head))
      return unsupported("The file is named as text (" + dotted(ext) + ") but is not UTF-8 text.",
                         allow_text);
    return *named;
  }
  if (!found) {
    if (named)
      return unsupported(
          "The file is named ." + ext + " but its content is not a format Reel " + "recognises.",
          allow_text);
    return unsupported("Unsupported file type (" + dotted(ext) + ").", allow_text);
  }
  if (named) {
    const bool same_family = named->ext == "mp4" || named->ext == "mov" || named->ext == "m4a";
    if (found->bmff_generic && same_family) return *named;
    if (found->id3 && named->ext == "aac") return *named;
    if (named->kind != found->type.kind)
      return unsupported("The file is named as " + kind_phrase(named->kind) + " (." + ext +
                             ") but holds " + kind_phrase(found->type.kind) + " (" +
                             std::string(found->type.ext) + ").",
                         allow_text);
  }
  return found->type;
}

result<void> check_media_size(std::uint64_t size, std::uint64_t limit) {
  if (size <= limit) return {};
  auto e = make_error(errc::payload_too_large, "The file is " + human_size(size) +
                                                   "; the limit is " + human_size(limit) + ".");
  e.hint = "Compress it (a lower resolution or bitrate) or trim it, then try again.";
  return e;
}

std::string accepted_formats(bool allow_text) {
  std::string out =
      "mp4, mov, avi, webm, mkv (video); jpg, png, gif, webp (images); "
      "mp3, wav, m4a, aac (audio)";
  if (allow_text) out += "; txt, md (scripts)";
  return out;
}

}  // namespace reel::core
