#include "store/statement.hpp"

#include <utility>

#include "store/sqlite_error.hpp"

namespace reel::store {

statement::statement(statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), slot_(std::exchange(other.slot_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    slot_ = std::exchange(other.slot_, nullptr);
  }
  return *this;
}

statement::~statement() {
  release();
}

void statement::release() noexcept {
  if (stmt_ == nullptr) return;
  if (slot_ != nullptr) {
    statement_cache::give_back(stmt_, slot_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  slot_ = nullptr;
}

void statement::check_bind(int rc) const {
  if (rc != SQLITE_OK) throw_sqlite_error(sqlite3_db_handle(stmt_), rc, sql());
}

statement& statement::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

statement& statement::bind(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty string must stay a string.
  const char* data = value.data() != nullptr ? value.data() : "";
  check_bind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

statement& statement::bind(int index, std::nullptr_t) {
  check_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite_error(sqlite3_db_handle(stmt_), rc, sql());
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() noexcept {
  // The return value repeats the last step's error, already reported by step().
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int64(int index) const noexcept {
  return sqlite3_column_int64(stmt_, index);
}

double statement::column_double(int index) const noexcept {
  return sqlite3_column_double(stmt_, index);
}

std::string statement::column_text(int index) const {
  // text before bytes: bytes then reports the length of the UTF-8 form just produced.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool statement::column_is_null(int index) const noexcept {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::optional<std::string> statement::column_optional_text(int index) const {
  if (column_is_null(index)) return std::nullopt;
  return column_text(index);
}

std::optional<std::int64_t> statement::column_optional_int64(int index) const noexcept {
  if (column_is_null(index)) return std::nullopt;
  return column_int64(index);
}

int statement::column_count() const noexcept {
  return sqlite3_column_count(stmt_);
}

std::string_view statement::sql() const noexcept {
  const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
  return text != nullptr ? std::string_view{text} : std::string_view{};
}

}  // namespace reel::store
