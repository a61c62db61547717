#include "store/transaction.hpp"

#include "store/sqlite_error.hpp"

namespace reel::store {
namespace {

// One name is enough: savepoints nest by stack order, and the innermost match is released.
constexpr std::string_view savepoint_sql = "SAVEPOINT reel_tx";
constexpr std::string_view release_sql = "RELEASE reel_tx";
constexpr std::string_view rollback_to_sql = "ROLLBACK TO reel_tx";

}  // namespace

transaction::transaction(database& db, durability d) : db_(db), nested_(db.in_transaction()) {
  // "Safety level may not be changed inside a transaction": set before BEGIN, reset after.
  if (!nested_ && d == durability::synced) {
    db_.exec("PRAGMA synchronous=FULL");
    synced_ = true;
  }
  try {
    db_.exec(nested_ ? savepoint_sql : std::string_view{"BEGIN IMMEDIATE"});
  } catch (...) {
    restore_sync();
    throw;
  }
}

void transaction::commit() {
  if (done_) throw sqlite_error(SQLITE_MISUSE, "transaction already finished", "COMMIT");
  db_.exec(nested_ ? release_sql : std::string_view{"COMMIT"});
  done_ = true;
  restore_sync();
}

void transaction::restore_sync() noexcept {
  if (!synced_) return;
  synced_ = false;
  try {
    db_.exec("PRAGMA synchronous=NORMAL");  // what database::open set
  } catch (...) {
    // Only costs speed: later commits would be synced too.
  }
}

transaction::~transaction() {
  if (done_) return;
  try {
    if (nested_) {
      // ROLLBACK TO keeps the savepoint open; RELEASE then removes it, leaving the outer
      // transaction as it was before this one began.
      db_.exec(rollback_to_sql);
      db_.exec(release_sql);
    } else if (db_.in_transaction()) {
      // Some errors (SQLITE_FULL, IOERR) already rolled back; a second ROLLBACK would fail.
      db_.exec("ROLLBACK");
    }
  } catch (...) {
    // A destructor must not throw; SQLite rolls back an open transaction on close anyway.
  }
  restore_sync();
}

}  // namespace reel::store
