#pragma once
// Where a response body goes when it is not collected in memory: a callback (SSE) or a file
// (downloads with Range resume). No Beast here: http_client feeds the sinks.
#include "core/error.hpp"
#include "upstream/http_client.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <utility>

namespace reel::upstream {

// A file descriptor closed by its destructor.
class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();
  int get() const noexcept { return fd_; }
  // Closes the current descriptor (if any) and owns `fd`.
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

class body_sink {
 public:
  virtual ~body_sink() = default;
  // The header arrived: true to hand the body to on_data, false to collect it in memory (an
  // answer to be mapped as an error). A failure ends the call with it.
  virtual core::result<bool> on_header(const http_response& head) = 0;
  // The next bytes of the body; a failure ends the call (and closes the connection).
  virtual core::result<void> on_data(std::string_view bytes) = 0;
};

// A 2xx text/event-stream body goes to `fn` as it arrives; `fn` returning false stops the call
// with errc::cancelled.
class chunk_sink final : public body_sink {
 public:
  explicit chunk_sink(chunk_fn fn) : fn_(std::move(fn)) {}
  core::result<bool> on_header(const http_response& head) override;
  core::result<void> on_data(std::string_view bytes) override;

 private:
  chunk_fn fn_;
};

// A 200 body rewrites `dest` from byte 0; a 206 must start at `from` and is appended there
// (the file is cut to `from` first); a 416 with "bytes */<from>" means `dest` is already whole.
// Anything else is collected for error mapping. Write failures are errc::internal.
class file_sink final : public body_sink {
 public:
  file_sink(std::filesystem::path dest, std::uint64_t from, progress_fn progress)
      : dest_(std::move(dest)), from_(from), progress_(std::move(progress)) {}
  core::result<bool> on_header(const http_response& head) override;
  core::result<void> on_data(std::string_view bytes) override;
  // What happened so far (bytes on disk, total, resumed); `response` is filled by the caller.
  download_result& result() noexcept { return result_; }

 private:
  core::result<void> open_at(std::uint64_t offset);

  std::filesystem::path dest_;
  std::uint64_t from_ = 0;
  progress_fn progress_;
  unique_fd fd_;
  download_result result_;
};

// "bytes A-B/N" → {A, N}; "bytes */N" → {-1, N}; -1 for any part that is absent or malformed.
std::pair<std::int64_t, std::int64_t> parse_content_range(std::string_view v);

}  // namespace reel::upstream
