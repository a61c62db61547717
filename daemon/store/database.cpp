#include "store/database.hpp"

#include <utility>

#include "store/sqlite_error.hpp"

namespace reel::store {
namespace {

// Enough for every query the repositories use, with room to spare.
constexpr std::size_t statement_cache_capacity = 128;

core::error open_error(const std::string& path, std::string_view reason) {
  auto e = core::make_error(core::errc::internal,
                            "cannot open database '" + path + "': " + std::string{reason});
  e.hint = "check the state directory's permissions, or move the file aside";
  return e;
}

std::string query_text(database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  return st.step() ? st.column_text(0) : std::string{};
}

}  // namespace

core::result<database> database::open(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return open_error(path, reason);
  }
  database db{raw, path};
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  try {
    // SQLite reads the header lazily: this first statement is where "not a database" shows.
    const std::string mode = query_text(db, "PRAGMA journal_mode=WAL");
    if (mode != "wal" && path != ":memory:" && !path.empty()) {
      return open_error(path, "the file system does not support WAL (journal mode '" + mode + "')");
    }
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
    // Touch the schema so a corrupt or foreign file fails here rather than in a request.
    query_text(db, "SELECT count(*) FROM sqlite_schema");
  } catch (const sqlite_error& e) {
    // The generic text for the code ("file is not a database"): the connection's own message
    // may already describe a later cleanup step.
    return open_error(path, sqlite3_errstr(e.code()));
  }
  return db;
}

database::database(sqlite3* db, std::string path)
    : db_(db),
      path_(std::move(path)),
      cache_(std::make_unique<statement_cache>(db, statement_cache_capacity)) {}

database::database(database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {}

database& database::operator=(database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

database::~database() {
  close();
}

void database::close() noexcept {
  cache_.reset();
  // close_v2 defers the close if a statement is still alive instead of failing with BUSY.
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
}

void database::exec(std::string_view sql) {
  // sqlite3_exec needs a terminated string; SQL texts are short and this is not a hot path.
  const std::string text{sql};
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, sql);
}

statement database::prepare(std::string_view sql) {
  return statement{prepare_native(db_, sql)};
}

statement database::cached(std::string_view sql) {
  auto [stmt, slot] = cache_->take(sql);
  return statement{stmt, slot};
}

int database::user_version() {
  auto st = cached("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.column_int64(0));
}

std::int64_t database::changes() noexcept {
  return sqlite3_changes64(db_);
}

bool database::checkpoint() {
  const int rc =
      sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
  if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, "PRAGMA wal_checkpoint(TRUNCATE)");
  return true;
}

std::string database::journal_mode() {
  return query_text(*this, "PRAGMA journal_mode");
}

bool database::in_transaction() const noexcept {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace reel::store
