#include "store/settings_repo.hpp"

namespace reel::store {

std::optional<std::string> settings_repo::get(std::string_view key) {
  auto st = db_.cached("SELECT value FROM settings WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

void settings_repo::set(std::string_view key, std::string_view value, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO settings (key, value, updated_ms) VALUES (?, ?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
  st.bind_all(key, value, now_ms);
  st.run();
}

bool settings_repo::erase(std::string_view key) {
  auto st = db_.cached("DELETE FROM settings WHERE key = ?");
  st.bind(1, key);
  st.run();
  return db_.changes() > 0;
}

std::vector<std::pair<std::string, std::string>> settings_repo::all() {
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db_.cached("SELECT key, value FROM settings ORDER BY key");
  while (st.step()) out.emplace_back(st.column_text(0), st.column_text(1));
  return out;
}

}  // namespace reel::store
