#include "config/config_loader.hpp"

#include <toml++/toml.h>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace reel::config {
namespace {

std::string where(const std::string& origin, const toml::node& node) {
  return origin + ":" + std::to_string(node.source().begin.line);
}

// Converts a TOML leaf to a config value; nullopt for shapes no key accepts.
std::optional<core::config_value> to_value(const toml::node& node) {
  if (auto v = node.value<bool>(); v && node.is_boolean()) return *v;
  if (node.is_integer()) return node.value<std::int64_t>().value();
  if (node.is_floating_point()) return node.value<double>().value();
  if (node.is_string()) return node.value<std::string>().value();
  if (const auto* arr = node.as_array()) {
    std::vector<std::string> items;
    for (const auto& item : *arr) {
      if (!item.is_string()) return std::nullopt;
      items.push_back(item.value<std::string>().value());
    }
    return items;
  }
  return std::nullopt;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace

std::string apply_toml(core::config& cfg, std::string_view text, const std::string& origin) {
  toml::table doc;
  try {
    doc = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return origin + ":" + std::to_string(e.source().begin.line) + ": " +
           std::string(e.description());
  }
  for (const auto& [section, node] : doc) {
    const auto* table = node.as_table();
    if (!table)
      return where(origin, node) + ": " + std::string(section.str()) +
             ": expected a [section] such as [api]";
    for (const auto& [name, leaf] : *table) {
      std::string full = std::string(section.str()) + "." + std::string(name.str());
      const auto* key = core::find_config_key(full);
      if (!key) return where(origin, leaf) + ": " + full + ": unknown key";
      auto value = to_value(leaf);
      if (!value) return where(origin, leaf) + ": " + full + ": unsupported value type";
      if (auto err = core::apply_config_value(cfg, *key, *value); !err.empty())
        return where(origin, leaf) + ": " + full + ": " + err;
    }
  }
  return {};
}

load_outcome load_config(const load_options& opts, const core::env_lookup& env) {
  loaded_config out;
  auto apply_file = [&](const std::string& path, bool must_exist) -> std::string {
    std::string text;
    if (!read_file(path, text)) {
      if (must_exist) return path + ": cannot read the file";
      return {};
    }
    out.files.push_back(path);
    return apply_toml(out.cfg, text, path);
  };

  if (auto err = apply_file(opts.system_file, false); !err.empty()) return {std::nullopt, err};
  std::string user_file;
  if (opts.user_file) {
    user_file = *opts.user_file;
  } else if (auto xdg = env("XDG_CONFIG_HOME")) {
    user_file = *xdg + "/reel/reeld.toml";
  } else if (auto home = env("HOME")) {
    user_file = *home + "/.config/reel/reeld.toml";
  }
  if (!user_file.empty())
    if (auto err = apply_file(user_file, false); !err.empty()) return {std::nullopt, err};
  if (opts.explicit_file)
    if (auto err = apply_file(*opts.explicit_file, true); !err.empty()) return {std::nullopt, err};

  for (const auto& key : core::config_schema()) {
    for (auto name : {key.env_alias, key.env}) {
      if (name.empty()) continue;
      if (auto text = env(name)) {
        if (auto err = core::apply_config_text(out.cfg, key, *text); !err.empty())
          return {std::nullopt,
                  "environment " + std::string(name) + ": " + std::string(key.name) + ": " + err};
      }
    }
  }
  for (const auto& [name, text] : opts.flags) {
    const auto* key = core::find_config_key(name);
    if (!key) return {std::nullopt, "flag: unknown key " + name};
    if (auto err = core::apply_config_text(out.cfg, *key, text); !err.empty())
      return {std::nullopt, "flag: " + name + ": " + err};
  }
  out.state_dir = core::resolve_state_dir(out.cfg.store.state_dir, env);
  return {std::move(out), {}};
}

std::string to_toml(const core::config& cfg) {
  std::string out;
  std::string section;
  for (const auto& key : core::config_schema()) {
    auto dot = key.name.find('.');
    auto sec = key.name.substr(0, dot);
    if (sec != section) {
      out += (section.empty() ? "[" : "\n[") + std::string(sec) + "]\n";
      section = sec;
    }
    out += "# " + std::string(key.comment) + "\n";
    // The cloud token is a secret: say that it is set, never what it is.
    if (key.name == "upstream.token" && !cfg.upstream.token.empty()) {
      out += "# token = \"...\" is set (not shown)\n";
      continue;
    }
    out += std::string(key.name.substr(dot + 1)) + " = " + core::config_value_toml(cfg, key) + "\n";
  }
  return out;
}

core::env_lookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace reel::config
