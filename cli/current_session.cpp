#include "cli/current_session.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

namespace reel::cli {

std::string current_session_path(const core::env_lookup& env) {
  if (auto x = env("XDG_STATE_HOME")) return *x + "/reel/cli-session";
  if (auto h = env("HOME")) return *h + "/.local/state/reel/cli-session";
  return {};
}

std::optional<std::string> load_current_session(const core::env_lookup& env) {
  const auto path = current_session_path(env);
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  std::string id;
  if (!in || !std::getline(in, id)) return std::nullopt;
  while (!id.empty() && (id.back() == '\r' || id.back() == ' ')) id.pop_back();
  if (id.empty()) return std::nullopt;
  return id;
}

bool save_current_session(const core::env_lookup& env, const std::string& id) {
  const auto path = current_session_path(env);
  if (path.empty()) return false;
  // Make each missing directory on the way (the state dir may not exist yet).
  for (auto slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1))
    ::mkdir(path.substr(0, slash).c_str(), 0700);
  // Written aside and renamed, so a concurrent reader never sees half an id.
  const auto tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << id << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

std::optional<std::string> session_for_command(const core::env_lookup& env,
                                               const std::string& flag) {
  if (!flag.empty()) return flag;
  return load_current_session(env);
}

std::string url_encoded(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace reel::cli
