#include "upstream/body_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reel::upstream {
namespace {

std::int64_t digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return -1;
  std::int64_t n = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return -1;
    n = n * 10 + (ch - '0');
  }
  return n;
}

std::string lower(std::string s) {
  for (auto& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

}  // namespace

unique_fd::~unique_fd() {
  reset();
}

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

core::result<bool> chunk_sink::on_header(const http_response& head) {
  if (head.status < 200 || head.status > 299) return false;
  return lower(head.header("Content-Type")).find("text/event-stream") != std::string::npos;
}

core::result<void> chunk_sink::on_data(std::string_view bytes) {
  if (fn_ && !fn_(bytes))
    return core::make_error(core::errc::cancelled, "the stream was stopped by its reader");
  return {};
}

core::result<void> file_sink::open_at(std::uint64_t offset) {
  fd_.reset(::open(dest_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (fd_.get() < 0 || ::ftruncate(fd_.get(), static_cast<off_t>(offset)) != 0 ||
      ::lseek(fd_.get(), static_cast<off_t>(offset), SEEK_SET) < 0)
    return core::make_error(core::errc::internal,
                            "cannot write " + dest_.string() + ": " + std::strerror(errno));
  result_.bytes_on_disk = offset;
  return {};
}

core::result<bool> file_sink::on_header(const http_response& head) {
  if (head.status == 206) {
    auto [start, total] = parse_content_range(head.header("Content-Range"));
    if (start < 0 || static_cast<std::uint64_t>(start) != from_)
      return core::make_error(core::errc::upstream_error,
                              "the server resumed the download at the wrong byte");
    if (total >= 0) result_.total = static_cast<std::uint64_t>(total);
    if (auto r = open_at(from_); !r) return r.error();
    result_.saved = result_.resumed = true;
    return true;
  }
  if (head.status == 200) {
    // The server ignored the Range (or none was sent): the whole file, from the start.
    if (auto n = digits(head.header("Content-Length")); n >= 0)
      result_.total = static_cast<std::uint64_t>(n);
    if (auto r = open_at(0); !r) return r.error();
    result_.saved = true;
    return true;
  }
  if (head.status == 416 && from_ > 0) {
    auto [start, total] = parse_content_range(head.header("Content-Range"));
    if (total >= 0 && static_cast<std::uint64_t>(total) == from_) {
      result_.saved = true;
      result_.bytes_on_disk = from_;
      result_.total = from_;
    }
  }
  return false;
}

core::result<void> file_sink::on_data(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return core::make_error(core::errc::internal,
                              "cannot write " + dest_.string() + ": " + std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(n));
    result_.bytes_on_disk += static_cast<std::uint64_t>(n);
  }
  if (progress_) progress_(result_.bytes_on_disk, result_.total.value_or(0));
  return {};
}

std::pair<std::int64_t, std::int64_t> parse_content_range(std::string_view v) {
  std::pair<std::int64_t, std::int64_t> out{-1, -1};
  if (!v.starts_with("bytes ")) return out;
  v.remove_prefix(6);
  const auto slash = v.find('/');
  if (slash == std::string_view::npos) return out;
  const auto range = v.substr(0, slash);
  if (range != "*") out.first = digits(range.substr(0, range.find('-')));
  out.second = digits(v.substr(slash + 1));
  return out;
}

}  // namespace reel::upstream
