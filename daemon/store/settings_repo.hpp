#pragma once
// Key/value settings that must survive a restart (tokens, preferences).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace reel::store {

// Holds `db` by reference; it must outlive the repository. Failures throw sqlite_error.
class settings_repo {
 public:
  explicit settings_repo(database& db) noexcept : db_(db) {}

  // The value stored under `key`; nullopt when there is none.
  std::optional<std::string> get(std::string_view key);
  // Inserts or replaces `key`, stamping it with `now_ms`.
  void set(std::string_view key, std::string_view value, std::int64_t now_ms);
  // Removes `key`; true when it existed.
  bool erase(std::string_view key);
  // Every (key, value), ascending by key.
  std::vector<std::pair<std::string, std::string>> all();

 private:
  database& db_;
};

}  // namespace reel::store
