#include "store/migrations.hpp"

#include <string>

#include "store/sqlite_error.hpp"
#include "store/transaction.hpp"

namespace reel::store {
namespace {

core::error migration_error(std::string message) {
  return core::make_error(core::errc::internal, std::move(message));
}

core::error newer_error(const database& db, int found, int latest) {
  return migration_error("database '" + db.path() + "' has schema version " +
                         std::to_string(found) + " but this reeld knows only up to version " +
                         std::to_string(latest) + "; upgrade reeld");
}

std::string label(const migration& m) {
  return std::to_string(m.version) + " (" + std::string{m.name} + ")";
}

}  // namespace

core::result<int> migrate(database& db, std::span<const migration> all,
                          std::function<void(int version)> after_sql) {
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].version != static_cast<int>(i + 1)) {
      return migration_error("migration list is not 1..N: position " + std::to_string(i + 1) +
                             " holds version " + std::to_string(all[i].version));
    }
  }
  const int latest = static_cast<int>(all.size());

  int current = 0;
  try {
    current = db.user_version();
  } catch (const sqlite_error& e) {
    return migration_error(std::string{"cannot read the schema version of '"} + db.path() +
                           "': " + e.what());
  }
  if (current > latest) return newer_error(db, current, latest);
  if (current < 0) {
    return migration_error("database '" + db.path() + "' has an invalid schema version " +
                           std::to_string(current));
  }

  for (const migration& m : all.subspan(static_cast<std::size_t>(current))) {
    try {
      transaction tx{db};
      // Re-read under the write lock: another process may have migrated since the check above.
      const int now = db.user_version();
      if (now >= m.version) continue;
      if (now != m.version - 1) {
        return migration_error("database schema version " + std::to_string(now) +
                               " changed while migrating; upgrade reeld");
      }
      db.exec(m.sql);
      // PRAGMA takes no bound parameters; the version is our own integer.
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
      if (after_sql) after_sql(m.version);
      tx.commit();
    } catch (const sqlite_error& e) {
      return migration_error("migration " + label(m) + " failed: " + e.what());
    }
  }
  try {
    const int final_version = db.user_version();
    if (final_version > latest) return newer_error(db, final_version, latest);
    return final_version;
  } catch (const sqlite_error& e) {
    return migration_error(std::string{"cannot read the schema version: "} + e.what());
  }
}

}  // namespace reel::store
