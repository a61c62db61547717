#pragma once
// Prepared statements kept per SQL text, so hot paths skip sqlite3_prepare.
#include <sqlite3.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace reel::store {

// Owned by one database; every statement it hands out must be gone before the database is.
class statement_cache {
 public:
  // One idle statement per SQL text; a slot's address is stable for the cache's lifetime.
  struct slot {
    sqlite3_stmt* idle = nullptr;
  };

  // `db` is borrowed; at most `capacity` distinct SQL texts are cached.
  statement_cache(sqlite3* db, std::size_t capacity) noexcept : db_(db), capacity_(capacity) {}
  ~statement_cache();
  statement_cache(const statement_cache&) = delete;
  statement_cache& operator=(const statement_cache&) = delete;

  // A ready statement for `sql` and the slot to give it back to (null when the cache is full,
  // then the caller owns it outright). Throws sqlite_error when `sql` does not compile.
  std::pair<sqlite3_stmt*, slot*> take(std::string_view sql);
  // Resets `stmt` and keeps it in `s` if that is empty, finalizes it otherwise.
  static void give_back(sqlite3_stmt* stmt, slot* s) noexcept;
  // Number of distinct SQL texts seen.
  std::size_t size() const noexcept { return slots_.size(); }
  // Finalizes every idle statement (statements handed out are unaffected).
  void clear() noexcept;

 private:
  struct text_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  sqlite3* db_;
  std::size_t capacity_;
  std::unordered_map<std::string, slot, text_hash, std::equal_to<>> slots_;
};

// Compiles exactly one SQL statement; throws sqlite_error on a compile error, empty text, or
// trailing statements (which would otherwise be ignored silently).
sqlite3_stmt* prepare_native(sqlite3* db, std::string_view sql);

}  // namespace reel::store
