#include "cli/api_key.hpp"

#include "core/paths.hpp"

#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace reel::cli {
namespace {

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

client_error unreadable(const std::string& path, int err) {
  std::string msg;
  if (err == EACCES || err == EPERM) {
    msg = "permission denied reading " + path;
    if (path == system_api_key_path)
      msg += ": add yourself to group reel (sudo usermod -aG reel $USER, then log in again)";
    else
      msg += ": ask its owner for access, or pass --key-file with a key you can read";
  } else {
    msg = "cannot read API key file " + path + ": " + std::strerror(err);
  }
  return make_failure(failure::local, "key_unreadable", msg);
}

}  // namespace

std::vector<std::string> api_key_candidates(
    const core::env_lookup& env, const std::optional<std::string>& configured_state_dir) {
  std::string configured;
  if (auto d = env("REEL_STATE_DIR"))
    configured = *d;
  else if (configured_state_dir)
    configured = *configured_state_dir;
  std::vector<std::string> out;
  out.push_back(core::api_key_path(core::resolve_state_dir(configured, env).path));
  std::string system(system_api_key_path);
  if (out.front() != system) out.push_back(system);
  return out;
}

client_result<std::string> read_key_file(const std::string& path) {
  // Opened with errno intact, so that EACCES can be told apart from a missing file.
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return unreadable(path, errno != 0 ? errno : EIO);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto key = trim(ss.str());
  if (key.empty())
    return make_failure(failure::local, "key_unreadable", "the API key file " + path + " is empty");
  return key;
}

client_result<api_key> load_api_key(std::string_view key_file_flag, const core::env_lookup& env,
                                    const std::vector<std::string>& candidates) {
  api_key k;
  if (!key_file_flag.empty()) {
    std::string path(key_file_flag);
    auto v = read_key_file(path);
    if (!v) return v.error();
    k.value = *v;
    k.source = path;
    return k;
  }
  if (auto v = env("REEL_API_KEY")) {
    k.value = trim(*v);
    k.source = "$REEL_API_KEY";
    return k;
  }
  for (const auto& path : candidates) {
    k.looked_at.push_back(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      // A directory we may not search hides the file: say so instead of "no key".
      if (errno == EACCES) return unreadable(path, EACCES);
      continue;
    }
    auto v = read_key_file(path);
    if (!v) return v.error();
    k.value = *v;
    k.source = path;
    return k;
  }
  return k;
}

}  // namespace reel::cli
