#include "store/sqlite_error.hpp"

#include <algorithm>

namespace reel::store {
namespace {

constexpr std::size_t sql_excerpt_chars = 80;

std::string describe(int code, std::string_view message, std::string_view sql) {
  std::string out = "sqlite: ";
  out += message.empty() ? std::string_view{sqlite3_errstr(code)} : message;
  out += " (code " + std::to_string(code) + ")";
  if (!sql.empty()) {
    // Only the statement text: values are bound separately and so never reach a log.
    const auto first = sql.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos) sql.remove_prefix(first);
    std::string excerpt{sql.substr(0, std::min(sql.size(), sql_excerpt_chars))};
    std::replace_if(
        excerpt.begin(), excerpt.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    out += " in: " + excerpt;
    if (sql.size() > sql_excerpt_chars) out += "...";
  }
  return out;
}

}  // namespace

sqlite_error::sqlite_error(int code, std::string_view message, std::string_view sql)
    : std::runtime_error(describe(code, message, sql)), code_(code) {}

void throw_sqlite_error(sqlite3* db, int code, std::string_view sql) {
  // errmsg describes the most recent failure on this connection, which is the one we report.
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw sqlite_error(code, message != nullptr ? message : "", sql);
}

}  // namespace reel::store
