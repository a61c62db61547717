#include "service/render_files.hpp"

#include <openssl/evp.h>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace reel::service {
namespace asio = boost::asio;

namespace {

core::error file_error(const std::string& what, const std::string& path, int err) {
  return core::make_error(core::errc::internal, what + " " + path + ": " + std::strerror(err));
}

struct md_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string hex(const unsigned char* p, unsigned n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

}  // namespace

std::uint64_t file_size_or_zero(const std::string& path) noexcept {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

asio::awaitable<core::result<file_digest>> digest_file(std::string path) {
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) co_return file_error("cannot open", path, errno);
  std::unique_ptr<EVP_MD_CTX, md_free> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    co_return core::make_error(core::errc::internal, "sha256 is not available");
  std::vector<char> buf(1 << 20);
  const auto ex = co_await asio::this_coro::executor;
  file_digest d;
  for (;;) {
    const auto n = ::read(f.fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      co_return file_error("cannot read", path, errno);
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n));
    d.size += static_cast<std::uint64_t>(n);
    // Let other jobs and requests run between pieces of a large file.
    co_await asio::post(ex, asio::use_awaitable);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  d.sha256 = hex(md, len);
  co_return d;
}

bool sync_path(const std::string& path) noexcept {
  fd_guard f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return false;
  return ::fsync(f.fd) == 0;
}

core::result<void> durable_rename(const std::string& from, const std::string& to) {
  if (!sync_path(from)) return file_error("cannot fsync", from, errno);
  if (::rename(from.c_str(), to.c_str()) != 0) return file_error("cannot rename to", to, errno);
  // The rename itself lives in the directory: without this a crash may bring back the .part.
  const auto dir = std::filesystem::path(to).parent_path().string();
  if (!sync_path(dir.empty() ? "." : dir)) return file_error("cannot fsync", dir, errno);
  return {};
}

core::result<void> ensure_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return core::make_error(core::errc::internal,
                            "cannot create the directory " + dir + ": " + ec.message());
  return {};
}

}  // namespace reel::service
