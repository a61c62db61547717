#pragma once
// The exception for unexpected SQLite failures (house rule 8: expected failures are values).
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace reel::store {

// what() = sqlite's message + the first 80 characters of the SQL; never a bound value.
class sqlite_error : public std::runtime_error {
 public:
  // `code` is the (extended) SQLite result code; `sql` may be empty.
  sqlite_error(int code, std::string_view message, std::string_view sql);

  // The extended result code (SQLITE_BUSY, SQLITE_CONSTRAINT_PRIMARYKEY, ...).
  int code() const noexcept { return code_; }
  // The primary result code (code() & 0xff).
  int primary_code() const noexcept { return code_ & 0xff; }

 private:
  int code_;
};

// Throws sqlite_error with the connection's current message; `db` may be null.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int code, std::string_view sql);

}  // namespace reel::store
