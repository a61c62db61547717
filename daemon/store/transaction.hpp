#pragma once
// "Roll back unless committed" (house rule 10), modelled on SQLiteCpp's Transaction.
#include "store/database.hpp"

namespace reel::store {

// Outermost: BEGIN IMMEDIATE, so the write lock is taken (waiting up to the busy timeout) before
// any read, and a later write cannot fail with SQLITE_BUSY half-way. Inside another transaction
// it becomes a SAVEPOINT, so repositories can be combined under one caller's transaction.
class transaction {
 public:
  // Begins; throws sqlite_error (SQLITE_BUSY once the busy timeout has passed).
  explicit transaction(database& db);
  // Makes the changes durable (or releases the savepoint); throws sqlite_error. Once only.
  void commit();
  // Rolls back unless committed; never throws.
  ~transaction();

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

 private:
  database& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace reel::store
