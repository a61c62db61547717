#pragma once
// Forward-only schema migrations (migrations/NNNN_name.sql, compiled in) and their runner.
#include <functional>
#include <span>
#include <string_view>

#include "core/error.hpp"
#include "store/database.hpp"

namespace reel::store {

struct migration {
  int version;  // 1, 2, ... as in the file name; PRAGMA user_version after it ran
  std::string_view name;
  std::string_view sql;
};

// The migrations embedded at build time, ordered, versions 1..N without gaps. Static storage.
std::span<const migration> builtin_migrations() noexcept;

// Applies the migrations in `all` that the database lacks, in order, each in one transaction
// that also sets PRAGMA user_version; returns the resulting version. Fails as a value
// (errc::internal) when `all` is not 1..N, when the database is newer than `all` (message names
// both versions and says "upgrade reeld"; nothing is touched), or when a migration's SQL fails
// (that migration is rolled back; earlier ones stay). `after_sql` is for tests: called inside
// each migration's transaction after its SQL ran, before commit.
core::result<int> migrate(database& db, std::span<const migration> all,
                          std::function<void(int version)> after_sql = {});

}  // namespace reel::store
