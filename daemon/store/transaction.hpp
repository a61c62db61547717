#pragma once
// "Roll back unless committed" (house rule 10), modelled on SQLiteCpp's Transaction.
#include "store/database.hpp"

namespace reel::store {

// Outermost: BEGIN IMMEDIATE, so the write lock is taken (waiting up to the busy timeout) before
// any read, and a later write cannot fail with SQLITE_BUSY half-way. Inside another transaction
// it becomes a SAVEPOINT, so repositories can be combined under one caller's transaction.
// How durable a commit is. The connection runs WAL with synchronous=NORMAL: a commit survives a
// crash of the process (kill -9) but the last ones may be lost to a power cut. `synced` runs this
// transaction with synchronous=FULL, so its COMMIT returns only after the WAL is fsync'd: for
// what must never be lost (a render job before it is submitted upstream).
enum class durability { normal, synced };

class transaction {
 public:
  // Begins; throws sqlite_error (SQLITE_BUSY once the busy timeout has passed). `synced` applies
  // to an outermost transaction only (SQLite cannot change it inside one); nested, the outer
  // transaction's commit decides.
  explicit transaction(database& db, durability d = durability::normal);
  // Makes the changes durable (or releases the savepoint); throws sqlite_error. Once only.
  void commit();
  // Rolls back unless committed; never throws.
  ~transaction();

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

 private:
  void restore_sync() noexcept;

  database& db_;
  bool nested_;
  bool synced_ = false;
  bool done_ = false;
};

}  // namespace reel::store
