#include "core/media_type.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

using namespace reel::core;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (const int c : b) s += static_cast<char>(c);
  return s;
}

// Real file openings (first bytes as written by ffmpeg, cameras and the usual encoders).
const std::string mp4_isom =
    bytes({0x00, 0x00, 0x00, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0x00, 0x00, 0x02, 0x00,
           'i',  's',  'o',  'm',  'i', 's', 'o', '2', 'a', 'v', 'c', '1', 'm',  'p',  '4',  '1'});
const std::string mp4_m4v =
    bytes({0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'M', '4', 'V', ' ', 0x00, 0x00, 0x00, 0x01});
const std::string mov_qt = bytes({0x00, 0x00, 0x00, 0x14, 'f',  't',  'y', 'p', 'q', 't',
                                  ' ',  ' ',  0x20, 0x05, 0x03, 0x00, 'q', 't', ' ', ' '});
const std::string mov_bare = bytes({0x00, 0x00, 0x00, 0x08, 'w', 'i', 'd', 'e', 0x00, 0x10});
const std::string m4a = bytes({0x00, 0x00, 0x00, 0x1C, 'f', 't', 'y', 'p', 'M', '4', 'A', ' ',
                               0x00, 0x00, 0x00, 0x00, 'M', '4', 'A', ' ', 'm', 'p', '4', '2'});
const std::string mp42_audio =
    bytes({0x00, 0x00, 0x00, 0x1C, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0x00, 0x00,
           0x00, 0x00, 'M',  '4',  'A', ' ', 'm', 'p', '4', '2', 'i', 's', 'o',  'm'});
const std::string heic = bytes({0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                                0x00, 0x00, 0x00, 0x00, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'});
const std::string avi = std::string("RIFF") + bytes({0x24, 0x8C, 0x0A, 0x00}) + "AVI LIST";
const std::string wav = std::string("RIFF") + bytes({0x24, 0x08, 0x00, 0x00}) + "WAVEfmt ";
const std::string webp = std::string("RIFF") + bytes({0x1A, 0x00, 0x00, 0x00}) + "WEBPVP8 ";
const std::string riff_other = std::string("RIFF") + bytes({0x1A, 0x00, 0x00, 0x00}) + "CDXA";
const std::string webm =
    bytes({0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42,
           0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w',  'e',  'b',  'm'});
const std::string mkv = bytes({0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7,
                               0x81, 0x01, 0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42,
                               0x82, 0x88, 'm',  'a',  't',  'r',  'o',  's',  'k',  'a'});
const std::string jpg = bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00});
const std::string jpg_exif = bytes({0xFF, 0xD8, 0xFF, 0xE1, 0x2A, 0x3C, 'E', 'x', 'i', 'f'});
const std::string png = bytes(
    {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 'I', 'H', 'D', 'R'});
const std::string gif = std::string("GIF89a") + bytes({0x01, 0x00, 0x01, 0x00, 0x80});
const std::string gif87 = std::string("GIF87a") + bytes({0x01, 0x00});
const std::string mp3_id3 = std::string("ID3") + bytes({0x04, 0x00, 0x00, 0x00, 0x00, 0x23, 0x76});
const std::string mp3_sync = bytes({0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00});  // MPEG-1 L3 128k
const std::string mp3_mpeg2 = bytes({0xFF, 0xF3, 0x48, 0xC4});             // MPEG-2 L3
const std::string aac_adts = bytes({0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC});
const std::string exe = std::string("MZ") + bytes({0x90, 0x00, 0x03, 0x00});
const std::string ff_noise = bytes({0xFF, 0xFF, 0xFF, 0xFF});
const std::string utf16 = bytes({0xFF, 0xFE, 'h', 0x00, 'i', 0x00});

}  // namespace

TEST_CASE("content sniffing, one row per format") {
  struct row {
    const char* what;
    const std::string& head;
    const char* ext;  // nullptr: not recognised
    media_kind kind;
    const char* mime;
  };
  const row rows[] = {
      {"mp4 isom", mp4_isom, "mp4", media_kind::video, "video/mp4"},
      {"mp4 M4V", mp4_m4v, "mp4", media_kind::video, "video/mp4"},
      {"mov qt brand", mov_qt, "mov", media_kind::video, "video/quicktime"},
      {"mov bare atom", mov_bare, "mov", media_kind::video, "video/quicktime"},
      {"m4a", m4a, "m4a", media_kind::audio, "audio/mp4"},
      {"mp42 with M4A brand", mp42_audio, "m4a", media_kind::audio, "audio/mp4"},
      {"avi", avi, "avi", media_kind::video, "video/x-msvideo"},
      {"wav", wav, "wav", media_kind::audio, "audio/wav"},
      {"webp", webp, "webp", media_kind::image, "image/webp"},
      {"webm", webm, "webm", media_kind::video, "video/webm"},
      {"mkv", mkv, "mkv", media_kind::video, "video/x-matroska"},
      {"jpg jfif", jpg, "jpg", media_kind::image, "image/jpeg"},
      {"jpg exif", jpg_exif, "jpg", media_kind::image, "image/jpeg"},
      {"png", png, "png", media_kind::image, "image/png"},
      {"gif89a", gif, "gif", media_kind::image, "image/gif"},
      {"gif87a", gif87, "gif", media_kind::image, "image/gif"},
      {"mp3 id3", mp3_id3, "mp3", media_kind::audio, "audio/mpeg"},
      {"mp3 frame sync", mp3_sync, "mp3", media_kind::audio, "audio/mpeg"},
      {"mp3 mpeg-2", mp3_mpeg2, "mp3", media_kind::audio, "audio/mpeg"},
      {"aac adts", aac_adts, "aac", media_kind::audio, "audio/aac"},
      {"heic is not accepted", heic, nullptr, media_kind::video, ""},
      {"other RIFF", riff_other, nullptr, media_kind::video, ""},
      {"exe", exe, nullptr, media_kind::video, ""},
      {"0xFF noise", ff_noise, nullptr, media_kind::video, ""},
      {"a UTF-16 BOM is not an MPEG frame", utf16, nullptr, media_kind::video, ""},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    const auto t = sniff_content(r.head);
    if (!r.ext) {
      CHECK_FALSE(t);
      continue;
    }
    REQUIRE(t);
    CHECK(t->ext == r.ext);
    CHECK(t->kind == r.kind);
    CHECK(t->mime == r.mime);
  }
  CHECK_FALSE(sniff_content(""));
  CHECK_FALSE(sniff_content("Hello, world"));
}

TEST_CASE("check_media: content and name together") {
  struct row {
    const char* what;
    std::string head;
    const char* name;
    bool allow_text;
    const char* ext;   // expected format, or nullptr when rejected
    const char* says;  // part of the rejection message
  };
  const row rows[] = {
      {"mp4 named mp4", mp4_isom, "clip.mp4", false, "mp4", ""},
      {"generic brand named m4a is audio", mp4_isom, "song.M4A", false, "m4a", ""},
      {"generic brand named mov", mp4_isom, "clip.mov", false, "mov", ""},
      {"qt content named mp4 is mov", mov_qt, "clip.mp4", false, "mov", ""},
      {"png named jpg is png", png, "photo.jpg", false, "png", ""},
      {"mkv named webm is mkv", mkv, "a.webm", false, "mkv", ""},
      {"id3 named aac stays aac", mp3_id3, "voice.aac", false, "aac", ""},
      {"no extension: content decides", jpg, "upload", false, "jpg", ""},
      {"unknown extension: content decides", wav, "take1.bin", false, "wav", ""},
      {"url name", jpg, "https://x.invalid/a/photo.JPEG?sig=1#f", false, "jpg", ""},
      {"script", "# Summer sale\nShow the beach first.\n", "script.md", true, "md", ""},
      {"plain text", "Hello, world", "notes.txt", true, "txt", ""},
      {"utf-8 text cut mid-character", "你好\xE4\xBD", "s.txt", true, "txt", ""},
      {"png named mp3", png, "song.mp3", false, nullptr,
       "The file is named as audio (.mp3) but holds an image (png)."},
      {"m4a named mp4", m4a, "clip.mp4", false, nullptr, "named as a video (.mp4) but holds audio"},
      {"text named mp4", "hello there, not a video", "clip.mp4", false, nullptr,
       "The file is named .mp4 but its content is not a format Reel recognises."},
      {"exe", exe, "setup.exe", false, nullptr, "Unsupported file type (.exe)."},
      {"heic", heic, "IMG_0001.HEIC", false, nullptr, "Unsupported file type (.heic)."},
      {"empty", "", "clip.mp4", false, nullptr, "The file is empty."},
      {"text when the backend takes none", "Hello", "notes.txt", false, nullptr,
       "Unsupported file type (.txt)."},
      {"a png named txt", png, "notes.txt", true, nullptr,
       "named as text (.txt) but holds an image (png)"},
      {"NUL in text", std::string("ab\0cd", 5), "a.txt", true, nullptr, "is not UTF-8 text"},
      {"invalid UTF-8", "caf\xC3\x28", "a.md", true, nullptr, "is not UTF-8 text"},
      {"UTF-16 text", utf16, "a.txt", true, nullptr, "is not UTF-8 text"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    const auto res = check_media(r.head, r.name, r.allow_text);
    if (r.ext) {
      REQUIRE_MESSAGE(res.has_value(), (res ? "" : res.error().message));
      CHECK(res->ext == r.ext);
      continue;
    }
    REQUIRE_FALSE(res.has_value());
    CHECK(res.error().code == errc::unsupported_media);
    CHECK_MESSAGE(res.error().message.find(r.says) != std::string::npos, res.error().message);
    CHECK(res.error().message.find("Accepted formats: mp4, mov, avi, webm, mkv (video); jpg, png, "
                                   "gif, webp (images); mp3, wav, m4a, aac (audio)") !=
          std::string::npos);
    CHECK((res.error().message.find("txt, md (scripts)") != std::string::npos) == r.allow_text);
    CHECK(res.error().hint);
  }
}

TEST_CASE("type_from_name knows the 13 accepted formats, jpeg, and text on request") {
  for (const char* n : {"a.mp4", "a.mov", "a.avi", "a.webm", "a.mkv", "a.jpg", "a.jpeg", "a.png",
                        "a.gif", "a.webp", "a.mp3", "a.wav", "a.m4a", "a.aac"}) {
    CAPTURE(n);
    CHECK(type_from_name(n));
  }
  CHECK(type_from_name("A.JPEG")->ext == "jpg");
  CHECK_FALSE(type_from_name("a.txt"));
  CHECK(type_from_name("a.txt", true)->mime == "text/plain");
  CHECK(type_from_name("dir.v2/readme.md", true)->ext == "md");
  CHECK_FALSE(type_from_name("dir.mp4/noext"));
  CHECK_FALSE(type_from_name("a.heic"));
  CHECK_FALSE(type_from_name(""));
}

TEST_CASE("check_media_size: within the limit, or too large with a hint") {
  constexpr std::uint64_t mib = 1 << 20;
  CHECK(check_media_size(0, 500 * mib).has_value());
  CHECK(check_media_size(500 * mib, 500 * mib).has_value());
  const auto big = check_media_size(600 * mib, 500 * mib);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code == errc::payload_too_large);
  CHECK(big.error().message == "The file is 600 MB; the limit is 500 MB.");
  REQUIRE(big.error().hint);
  CHECK(big.error().hint->find("Compress") != std::string::npos);
  CHECK(big.error().hint->find("trim") != std::string::npos);
  CHECK(check_media_size(500 * mib + mib / 2, 500 * mib).error().message ==
        "The file is 500.5 MB; the limit is 500 MB.");
  CHECK(check_media_size(700 * 1024, 512 * 1024).error().message ==
        "The file is 700 KB; the limit is 512 KB.");
}

TEST_CASE("kinds have wire names") {
  CHECK(to_string(media_kind::video) == "video");
  CHECK(to_string(media_kind::image) == "image");
  CHECK(to_string(media_kind::audio) == "audio");
  CHECK(to_string(media_kind::text) == "text");
  CHECK(accepted_formats(true).ends_with("; txt, md (scripts)"));
}
