#include "store/sessions_repo.hpp"

namespace reel::store {
namespace {

constexpr std::string_view columns =
    "id, backend, title, language, upstream_session_id, upstream_task_id, draft, meta, "
    "created_ms, updated_ms";

session_row read_row(const statement& st) {
  return {st.column_text(0),          st.column_text(1),          st.column_optional_text(2),
          st.column_optional_text(3), st.column_optional_text(4), st.column_optional_text(5),
          st.column_optional_text(6), st.column_text(7),          st.column_int64(8),
          st.column_int64(9)};
}

std::string select_sql(std::string_view tail) {
  return "SELECT " + std::string{columns} + " FROM sessions " + std::string{tail};
}

}  // namespace

void sessions_repo::insert(const session_row& r) {
  static const std::string sql =
      "INSERT INTO sessions (" + std::string{columns} + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  auto st = db_.cached(sql);
  st.bind_all(r.id, r.backend, r.title, r.language, r.upstream_session_id, r.upstream_task_id,
              r.draft, r.meta, r.created_ms, r.updated_ms);
  st.run();
}

std::optional<session_row> sessions_repo::find(std::string_view id) {
  static const std::string sql = select_sql("WHERE id = ?");
  auto st = db_.cached(sql);
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

std::vector<session_row> sessions_repo::list(std::int64_t limit, std::int64_t offset) {
  std::vector<session_row> out;
  static const std::string sql = select_sql("ORDER BY created_ms DESC, id DESC LIMIT ? OFFSET ?");
  auto st = db_.cached(sql);
  st.bind_all(limit, offset);
  while (st.step()) out.push_back(read_row(st));
  return out;
}

bool sessions_repo::update_draft(std::string_view id, std::optional<std::string_view> draft,
                                 std::int64_t now_ms) {
  auto st = db_.cached("UPDATE sessions SET draft = ?, updated_ms = ? WHERE id = ?");
  st.bind_all(draft, now_ms, id);
  st.run();
  return db_.changes() > 0;
}

bool sessions_repo::update_upstream(std::string_view id,
                                    std::optional<std::string_view> upstream_session_id,
                                    std::optional<std::string_view> upstream_task_id,
                                    std::int64_t now_ms) {
  auto st = db_.cached(
      "UPDATE sessions SET upstream_session_id = ?, upstream_task_id = ?, updated_ms = ? "
      "WHERE id = ?");
  st.bind_all(upstream_session_id, upstream_task_id, now_ms, id);
  st.run();
  return db_.changes() > 0;
}

bool sessions_repo::update_title_meta(std::string_view id, std::optional<std::string_view> title,
                                      std::string_view meta, std::int64_t now_ms) {
  auto st = db_.cached("UPDATE sessions SET title = ?, meta = ?, updated_ms = ? WHERE id = ?");
  st.bind_all(title, meta, now_ms, id);
  st.run();
  return db_.changes() > 0;
}

bool sessions_repo::erase(std::string_view id) {
  auto st = db_.cached("DELETE FROM sessions WHERE id = ?");
  st.bind(1, id);
  st.run();
  return db_.changes() > 0;
}

std::int64_t sessions_repo::count() {
  auto st = db_.cached("SELECT COUNT(*) FROM sessions");
  st.step();
  return st.column_int64(0);
}

}  // namespace reel::store
