#include "fake_nemo/sample_media.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace reel::fake_nemo {
namespace {

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

class sha256 {
 public:
  sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("sha256: EVP init failed");
    }
  }
  void update(const void* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md.data(), &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 0xF];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx_;
};

// Owns the temporary directory for the life of the process.
struct sample_holder {
  sample_mp4 mp4;
  std::filesystem::path dir;

  sample_holder() {
    dir = std::filesystem::temp_directory_path() / ("reel-fake-nemo-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    mp4.path = dir / "sample.mp4";
    // The path is ours (temp dir + pid), so quoting it is enough for the shell.
    const auto cmd =
        "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi "
        "-i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 "
        "-t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest "
        "-movflags +faststart '" +
        mp4.path.string() + "'";
    if (std::system(cmd.c_str()) != 0 || !std::filesystem::exists(mp4.path)) {
      throw std::runtime_error("fake_nemo: ffmpeg could not make the sample MP4");
    }
    mp4.size = std::filesystem::file_size(mp4.path);
    mp4.sha256 = sha256_file(mp4.path);
  }
  ~sample_holder() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  sample_holder(const sample_holder&) = delete;
  sample_holder& operator=(const sample_holder&) = delete;
};

}  // namespace

const sample_mp4& shared_sample_mp4() {
  static const sample_holder holder;  // C++11 magic statics: generated once, thread-safe
  return holder.mp4;
}

std::string sha256_hex(std::string_view bytes) {
  sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.hex();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("sha256: cannot read " + path.string());
  sha256 h;
  std::array<char, 64 * 1024> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  return h.hex();
}

}  // namespace reel::fake_nemo
