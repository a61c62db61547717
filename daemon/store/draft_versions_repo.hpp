#pragma once
// The history of a session's draft, numbered 1, 2, ... per session, for undo and redo.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace reel::store {

struct draft_version {
  std::string session_id;
  std::int64_t version = 0;
  std::string draft;                  // JSON text
  std::optional<std::string> reason;  // what produced it ("agent: trim clip 2", "undo", ...)
  std::int64_t created_ms = 0;

  bool operator==(const draft_version&) const = default;
};

// Holds `db` by reference; it must outlive the repository. Failures throw sqlite_error.
class draft_versions_repo {
 public:
  explicit draft_versions_repo(database& db) noexcept : db_(db) {}

  // Stores `draft` as the session's next version (max_version + 1) and returns that number.
  // An unknown session throws (SQLITE_CONSTRAINT_FOREIGNKEY).
  std::int64_t push(std::string_view session_id, std::string_view draft,
                    std::optional<std::string_view> reason, std::int64_t now_ms);
  // The highest version; nullopt when the session has none.
  std::optional<draft_version> latest(std::string_view session_id);
  // One version; nullopt when absent.
  std::optional<draft_version> get(std::string_view session_id, std::int64_t version);
  // The highest version number; 0 when none.
  std::int64_t max_version(std::string_view session_id);
  // Deletes every version above `version` (undo, then a new edit, drops the redo branch);
  // returns how many went.
  std::int64_t erase_after(std::string_view session_id, std::int64_t version);
  // Keeps the `keep_last` highest versions and deletes older ones; returns how many went.
  std::int64_t prune(std::string_view session_id, std::int64_t keep_last);
  // Version numbers, ascending.
  std::vector<std::int64_t> versions(std::string_view session_id);

 private:
  database& db_;
};

}  // namespace reel::store
