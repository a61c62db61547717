#include "runtime/state_dir.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace reel::runtime {
namespace {

core::error io_error(const std::string& what, const std::string& path) {
  return core::make_error(core::errc::internal, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

core::result<void> ensure_state_dir(const std::string& path, bool group_shared) {
  const mode_t mode = group_shared ? 0750 : 0700;
  // mkdir -p, each missing level with the private mode.
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST)
      return io_error("cannot create the state directory", part);
    if (slash == std::string::npos) break;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return io_error("cannot read", path);
  if (!S_ISDIR(st.st_mode))
    return core::make_error(core::errc::internal,
                            "the state directory " + path + " is not a directory");
  if (::access(path.c_str(), W_OK) != 0)
    return io_error("cannot write to the state directory", path);
  return {};
}

core::result<std::string> load_or_create_api_key(const std::string& path, bool group_shared) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[256];
    auto n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n < 0) return io_error("cannot read the API key", path);
    std::string key(buf, static_cast<std::size_t>(n));
    while (!key.empty() && (key.back() == '\n' || key.back() == ' ' || key.back() == '\r'))
      key.pop_back();
    if (key.size() < 32)
      return core::make_error(
          core::errc::internal,
          "the API key in " + path + " is too short; delete the file to make a new one");
    return key;
  }
  if (errno != ENOENT) return io_error("cannot open the API key", path);

  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return core::make_error(core::errc::internal, "no randomness for the API key");
  static constexpr char hex[] = "0123456789abcdef";
  std::string key;
  for (unsigned char b : raw) {
    key += hex[b >> 4];
    key += hex[b & 15];
  }
  // Written to a temporary file and linked into place, so a reader never sees half a key and
  // two daemons starting at once agree on one key.
  const mode_t mode = group_shared ? 0640 : 0600;
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return io_error("cannot create", tmp);
  ::fchmod(fd, mode);  // the umask may have taken bits away from group_shared
  std::string line = key + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return io_error("cannot write", tmp);
  }
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) return load_or_create_api_key(path, group_shared);
    errno = err;
    return io_error("cannot create the API key", path);
  }
  ::unlink(tmp.c_str());
  return key;
}

}  // namespace reel::runtime
