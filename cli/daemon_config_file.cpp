#include "cli/daemon_config_file.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace reel::cli {

std::vector<std::string> daemon_config_paths(const core::env_lookup& env) {
  std::vector<std::string> paths;
  if (auto xdg = env("XDG_CONFIG_HOME"))
    paths.push_back(*xdg + "/reel/reeld.toml");
  else if (auto home = env("HOME"))
    paths.push_back(*home + "/.config/reel/reeld.toml");
  paths.emplace_back("/etc/reel/reeld.toml");
  return paths;
}

std::vector<daemon_config_file> read_daemon_config_files(const std::vector<std::string>& paths,
                                                         std::vector<std::string>& warnings) {
  std::vector<daemon_config_file> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    try {
      auto table = toml::parse_file(path);
      daemon_config_file f;
      f.path = path;
      if (auto v = table["api"]["listen"].value<std::string>()) f.listen = *v;
      if (auto v = table["store"]["state_dir"].value<std::string>(); v && !v->empty())
        f.state_dir = *v;
      files.push_back(std::move(f));
    } catch (const toml::parse_error& e) {
      warnings.push_back(path + ": " + std::string(e.description()));
    }
  }
  return files;
}

}  // namespace reel::cli
