#pragma once
// One SQLite connection (RAII over sqlite3*), configured the way every part of reeld expects.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/statement.hpp"
#include "store/statement_cache.hpp"

namespace reel::store {

// Move-only; use from one thread at a time. Statements it hands out must die before it does.
class database {
 public:
  // Opens or creates the file at `path` with WAL, synchronous=NORMAL, foreign_keys=ON and the
  // given busy timeout (ms). Fails as a value (errc::internal, message naming the path and the
  // reason) when the file cannot be opened, is not a database, or cannot use WAL.
  // ":memory:" opens a private in-memory database (journal mode "memory").
  static core::result<database> open(const std::string& path, int busy_timeout_ms);

  database(database&& other) noexcept;
  database& operator=(database&& other) noexcept;
  database(const database&) = delete;
  database& operator=(const database&) = delete;
  ~database();

  // Runs one or more SQL statements with no parameters; throws sqlite_error.
  void exec(std::string_view sql);
  // A new statement owned by the caller; throws sqlite_error when the SQL does not compile.
  statement prepare(std::string_view sql);
  // Like prepare, but reuses a compiled statement for the same SQL text (for hot paths); it is
  // reset and unbound when the returned statement dies.
  statement cached(std::string_view sql);

  // PRAGMA user_version: the schema version the migrations runner wrote.
  int user_version();
  // Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
  std::int64_t changes() noexcept;
  // wal_checkpoint(TRUNCATE): copies the WAL into the file and empties it. False when readers
  // or writers on other connections kept it from completing (retry later); throws on errors.
  bool checkpoint();
  // PRAGMA journal_mode as reported by SQLite ("wal", "memory", ...).
  std::string journal_mode();
  // True inside an explicit transaction (BEGIN ... not yet committed or rolled back).
  bool in_transaction() const noexcept;
  // The file this connection was opened on.
  const std::string& path() const noexcept { return path_; }

  sqlite3* native() noexcept { return db_; }

 private:
  database(sqlite3* db, std::string path);
  void close() noexcept;

  sqlite3* db_ = nullptr;
  std::string path_;
  // On the heap so statements keep valid slot pointers when the database moves.
  std::unique_ptr<statement_cache> cache_;
};

}  // namespace reel::store
