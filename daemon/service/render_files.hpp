#pragma once
// File steps of a render job that must survive a crash: the part file's size, its digest, and
// the durable move of a finished file into place (fsync the file, rename, fsync the directory).
#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace reel::service {

struct file_digest {
  std::uint64_t size = 0;
  std::string sha256;  // lowercase hex
};

// The size of `path`; 0 when it does not exist or cannot be read.
std::uint64_t file_size_or_zero(const std::string& path) noexcept;

// Size and sha256 of `path`, read in 1 MiB pieces; yields to the event loop between pieces so a
// large file does not stall other work. Fails (internal) when the file cannot be read.
boost::asio::awaitable<core::result<file_digest>> digest_file(std::string path);

// fsync(2) of a file or directory; false with errno set when it could not be opened or synced.
bool sync_path(const std::string& path) noexcept;

// Makes `from` durable and moves it to `to` (same file system): fsync(from), rename, fsync of
// to's directory. Fails (internal) with the step and the reason.
core::result<void> durable_rename(const std::string& from, const std::string& to);

// Creates `dir` and its parents (0755 for new ones); fails (internal) with the reason.
core::result<void> ensure_directory(const std::string& dir);

}  // namespace reel::service
