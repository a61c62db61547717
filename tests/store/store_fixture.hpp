#pragma once
// Shared by the store tests: a temporary directory removed afterwards, and a migrated database.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "store/database.hpp"
#include "support/temp_dir.hpp"
#include "store/migrations.hpp"

namespace reel::store::testing {

using reel::test::temp_dir;

inline constexpr int test_busy_timeout_ms = 2000;

// Opens (creating) `path`; fails the test when it cannot.
inline database open_db(const std::string& path, int busy_timeout_ms = test_busy_timeout_ms) {
  auto db = database::open(path, busy_timeout_ms);
  REQUIRE_MESSAGE(db.has_value(), (db.has_value() ? "" : db.error().message));
  return std::move(*db);
}

// Opens `path` and applies every built-in migration.
inline database open_migrated(const std::string& path) {
  database db = open_db(path);
  auto version = migrate(db, builtin_migrations());
  REQUIRE_MESSAGE(version.has_value(), (version.has_value() ? "" : version.error().message));
  return db;
}

// Rows in `table`.
inline std::int64_t row_count(database& db, const std::string& table) {
  auto st = db.prepare("SELECT COUNT(*) FROM " + table);
  st.step();
  return st.column_int64(0);
}

// True when `name` is a table of the main schema.
inline bool has_table(database& db, std::string_view name) {
  auto st = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
  st.bind(1, name);
  return st.step();
}

}  // namespace reel::store::testing
