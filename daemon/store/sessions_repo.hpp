#pragma once
// Sessions: one conversation with one backend, its upstream ids and its current draft.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace reel::store {

struct session_row {
  std::string id;
  std::string backend;  // "local" or "nemovideo"
  std::optional<std::string> title;
  std::optional<std::string> language;
  std::optional<std::string> upstream_session_id;
  std::optional<std::string> upstream_task_id;
  std::optional<std::string> draft;  // JSON text
  std::string meta = "{}";           // JSON text
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;

  bool operator==(const session_row&) const = default;
};

// Holds `db` by reference; it must outlive the repository. Failures throw sqlite_error.
class sessions_repo {
 public:
  explicit sessions_repo(database& db) noexcept : db_(db) {}

  // Inserts a new session; an existing id throws (SQLITE_CONSTRAINT_PRIMARYKEY).
  void insert(const session_row& row);
  // The session with `id`; nullopt when there is none.
  std::optional<session_row> find(std::string_view id);
  // Newest first (created_ms, then id, descending), `limit` rows after skipping `offset`.
  std::vector<session_row> list(std::int64_t limit, std::int64_t offset);
  // Replaces the draft (nullopt clears it); true when the session exists.
  bool update_draft(std::string_view id, std::optional<std::string_view> draft,
                    std::int64_t now_ms);
  // Replaces both upstream ids (nullopt clears one); true when the session exists.
  bool update_upstream(std::string_view id, std::optional<std::string_view> upstream_session_id,
                       std::optional<std::string_view> upstream_task_id, std::int64_t now_ms);
  // Replaces title and meta; true when the session exists.
  bool update_title_meta(std::string_view id, std::optional<std::string_view> title,
                         std::string_view meta, std::int64_t now_ms);
  // Deletes the session with its media and draft versions (ON DELETE CASCADE); render jobs
  // stay. True when it existed.
  bool erase(std::string_view id);
  std::int64_t count();

 private:
  database& db_;
};

}  // namespace reel::store
