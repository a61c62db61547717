#include "store/draft_versions_repo.hpp"

#include "store/transaction.hpp"

namespace reel::store {
namespace {

draft_version read_row(const statement& st) {
  return {st.column_text(0), st.column_int64(1), st.column_text(2), st.column_optional_text(3),
          st.column_int64(4)};
}

}  // namespace

std::int64_t draft_versions_repo::push(std::string_view session_id, std::string_view draft,
                                       std::optional<std::string_view> reason,
                                       std::int64_t now_ms) {
  // Read-then-insert under the write lock, so two writers cannot pick the same number.
  transaction tx{db_};
  const std::int64_t version = max_version(session_id) + 1;
  {
    auto st = db_.cached(
        "INSERT INTO draft_versions (session_id, version, draft, reason, created_ms) "
        "VALUES (?, ?, ?, ?, ?)");
    st.bind_all(session_id, version, draft, reason, now_ms);
    st.run();
  }
  tx.commit();
  return version;
}

std::optional<draft_version> draft_versions_repo::latest(std::string_view session_id) {
  auto st = db_.cached(
      "SELECT session_id, version, draft, reason, created_ms FROM draft_versions "
      "WHERE session_id = ? ORDER BY version DESC LIMIT 1");
  st.bind(1, session_id);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

std::optional<draft_version> draft_versions_repo::get(std::string_view session_id,
                                                      std::int64_t version) {
  auto st = db_.cached(
      "SELECT session_id, version, draft, reason, created_ms FROM draft_versions "
      "WHERE session_id = ? AND version = ?");
  st.bind_all(session_id, version);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

std::int64_t draft_versions_repo::max_version(std::string_view session_id) {
  auto st = db_.cached("SELECT COALESCE(MAX(version), 0) FROM draft_versions WHERE session_id = ?");
  st.bind(1, session_id);
  st.step();
  return st.column_int64(0);
}

std::int64_t draft_versions_repo::erase_after(std::string_view session_id, std::int64_t version) {
  auto st = db_.cached("DELETE FROM draft_versions WHERE session_id = ? AND version > ?");
  st.bind_all(session_id, version);
  st.run();
  return db_.changes();
}

std::int64_t draft_versions_repo::prune(std::string_view session_id, std::int64_t keep_last) {
  // Cut at the keep_last-th highest version rather than at max - keep_last, so the rule does
  // not depend on versions being contiguous.
  if (keep_last <= 0) {
    auto st = db_.cached("DELETE FROM draft_versions WHERE session_id = ?");
    st.bind(1, session_id);
    st.run();
    return db_.changes();
  }
  auto st = db_.cached(
      "DELETE FROM draft_versions WHERE session_id = ?1 AND version < "
      "(SELECT version FROM draft_versions WHERE session_id = ?1 "
      "ORDER BY version DESC LIMIT 1 OFFSET ?2)");
  st.bind(1, session_id).bind(2, keep_last - 1);
  st.run();
  return db_.changes();
}

std::vector<std::int64_t> draft_versions_repo::versions(std::string_view session_id) {
  std::vector<std::int64_t> out;
  auto st = db_.cached("SELECT version FROM draft_versions WHERE session_id = ? ORDER BY version");
  st.bind(1, session_id);
  while (st.step()) out.push_back(st.column_int64(0));
  return out;
}

}  // namespace reel::store
