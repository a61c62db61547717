#include "store/statement_cache.hpp"

#include "store/sqlite_error.hpp"

namespace reel::store {

sqlite3_stmt* prepare_native(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc, sql);
  if (stmt == nullptr) throw sqlite_error(SQLITE_MISUSE, "empty statement", sql);
  const std::string_view rest{tail, static_cast<std::size_t>(sql.data() + sql.size() - tail)};
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(stmt);
    throw sqlite_error(SQLITE_MISUSE, "more than one statement; use database::exec", sql);
  }
  return stmt;
}

statement_cache::~statement_cache() {
  clear();
}

std::pair<sqlite3_stmt*, statement_cache::slot*> statement_cache::take(std::string_view sql) {
  auto it = slots_.find(sql);
  if (it == slots_.end()) {
    if (slots_.size() >= capacity_) return {prepare_native(db_, sql), nullptr};
    // Compile before inserting so a bad SQL text never occupies a slot.
    sqlite3_stmt* fresh = prepare_native(db_, sql);
    it = slots_.emplace(std::string{sql}, slot{}).first;
    return {fresh, &it->second};
  }
  slot& s = it->second;
  if (s.idle != nullptr) return {std::exchange(s.idle, nullptr), &s};
  // Already handed out (a nested use of the same query): a second copy, kept or dropped later.
  return {prepare_native(db_, sql), &s};
}

void statement_cache::give_back(sqlite3_stmt* stmt, slot* s) noexcept {
  if (stmt == nullptr) return;
  // Reset ends the statement's implicit read transaction; a cached statement left mid-rows
  // would pin an old WAL snapshot and block checkpoints.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (s != nullptr && s->idle == nullptr) {
    s->idle = stmt;
  } else {
    sqlite3_finalize(stmt);
  }
}

void statement_cache::clear() noexcept {
  for (auto& [sql, s] : slots_) {
    sqlite3_finalize(s.idle);
    s.idle = nullptr;
  }
}

}  // namespace reel::store
