#include "store/media_repo.hpp"

namespace reel::store {
namespace {

constexpr std::string_view columns =
    "id, session_id, name, kind, mime, size, sha256, path, upstream_ref, meta, created_ms";

media_row read_row(const statement& st) {
  return {st.column_text(0),          st.column_text(1),          st.column_text(2),
          st.column_text(3),          st.column_optional_text(4), st.column_int64(5),
          st.column_optional_text(6), st.column_optional_text(7), st.column_optional_text(8),
          st.column_text(9),          st.column_int64(10)};
}

std::string select_sql(std::string_view tail) {
  return "SELECT " + std::string{columns} + " FROM media " + std::string{tail};
}

}  // namespace

void media_repo::insert(const media_row& r) {
  static const std::string sql =
      "INSERT INTO media (" + std::string{columns} + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  auto st = db_.cached(sql);
  st.bind_all(r.id, r.session_id, r.name, r.kind, r.mime, r.size, r.sha256, r.path, r.upstream_ref,
              r.meta, r.created_ms);
  st.run();
}

std::vector<media_row> media_repo::list_for_session(std::string_view session_id) {
  static const std::string sql = select_sql("WHERE session_id = ? ORDER BY created_ms, rowid");
  std::vector<media_row> out;
  auto st = db_.cached(sql);
  st.bind(1, session_id);
  while (st.step()) out.push_back(read_row(st));
  return out;
}

std::optional<media_row> media_repo::find(std::string_view id) {
  static const std::string sql = select_sql("WHERE id = ?");
  auto st = db_.cached(sql);
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

bool media_repo::update_upstream_ref(std::string_view id,
                                     std::optional<std::string_view> upstream_ref) {
  auto st = db_.cached("UPDATE media SET upstream_ref = ? WHERE id = ?");
  st.bind_all(upstream_ref, id);
  st.run();
  return db_.changes() > 0;
}

bool media_repo::erase(std::string_view id) {
  auto st = db_.cached("DELETE FROM media WHERE id = ?");
  st.bind(1, id);
  st.run();
  return db_.changes() > 0;
}

std::int64_t media_repo::count() {
  auto st = db_.cached("SELECT COUNT(*) FROM media");
  st.step();
  return st.column_int64(0);
}

}  // namespace reel::store
