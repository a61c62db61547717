#pragma once
// The real MP4 every completed render points at: made once per process with ffmpeg
// (2 s of testsrc, H.264, 320x240) in a temporary directory removed at exit.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace reel::fake_nemo {

struct sample_mp4 {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex
};

// The process-wide sample, generated on first use (thread-safe); throws std::runtime_error when
// ffmpeg is missing or fails.
const sample_mp4& shared_sample_mp4();

// Lower-case hex SHA-256 of `bytes` / of a file's content (throws when it cannot be read).
std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace reel::fake_nemo
