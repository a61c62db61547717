#pragma once
// One prepared SQLite statement (RAII over sqlite3_stmt): bind by 1-based index, step, read.
#include <sqlite3.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/statement_cache.hpp"

namespace reel::store {

// Move-only. Must not outlive the database that prepared it. Failures throw sqlite_error.
class statement {
 public:
  // Takes ownership of `stmt`; with a `slot` it goes back to that cache when destroyed.
  explicit statement(sqlite3_stmt* stmt, statement_cache::slot* slot = nullptr) noexcept
      : stmt_(stmt), slot_(slot) {}
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  // Binds parameter `index` (1-based). Strings are copied, so the argument may die right after.
  template <std::integral I>
  statement& bind(int index, I value) {
    return bind_int64(index, static_cast<std::int64_t>(value));
  }
  statement& bind(int index, double value);
  statement& bind(int index, std::string_view value);
  // A null pointer binds NULL.
  statement& bind(int index, const char* value) {
    return value != nullptr ? bind(index, std::string_view{value}) : bind(index, nullptr);
  }
  statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view{value});
  }
  statement& bind(int index, std::nullptr_t);
  // nullopt binds NULL.
  template <class T>
  statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  // Binds every argument in order, starting at index 1.
  template <class... Args>
  statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances: true when a row is ready to read, false when done. Throws on failure (BUSY too).
  bool step();
  // Steps until done, discarding rows; for INSERT/UPDATE/DELETE.
  void run();
  // Back to the start with every parameter unbound; ends the statement's read transaction.
  void reset() noexcept;

  // Column readers for the current row (0-based). NULL reads as 0, 0.0 or "".
  std::int64_t column_int64(int index) const noexcept;
  double column_double(int index) const noexcept;
  std::string column_text(int index) const;
  bool column_is_null(int index) const noexcept;
  std::optional<std::string> column_optional_text(int index) const;
  std::optional<std::int64_t> column_optional_int64(int index) const noexcept;
  int column_count() const noexcept;

  // The SQL text this statement was prepared from.
  std::string_view sql() const noexcept;
  sqlite3_stmt* native() noexcept { return stmt_; }

 private:
  statement& bind_int64(int index, std::int64_t value);
  void check_bind(int rc) const;
  void release() noexcept;

  sqlite3_stmt* stmt_;
  statement_cache::slot* slot_;
};

}  // namespace reel::store
