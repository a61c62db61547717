#pragma once
// Media attached to a session (uploads, generated clips): where the bytes are and what they are.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace reel::store {

struct media_row {
  std::string id;
  std::string session_id;
  std::string name;
  std::string kind;  // "video", "image", "audio", ...
  std::optional<std::string> mime;
  std::int64_t size = 0;
  std::optional<std::string> sha256;
  std::optional<std::string> path;          // local file, when the bytes are on this machine
  std::optional<std::string> upstream_ref;  // the cloud's reference, when uploaded
  std::string meta = "{}";                  // JSON text
  std::int64_t created_ms = 0;

  bool operator==(const media_row&) const = default;
};

// Holds `db` by reference; it must outlive the repository. Failures throw sqlite_error.
class media_repo {
 public:
  explicit media_repo(database& db) noexcept : db_(db) {}

  // Inserts; an unknown session_id (SQLITE_CONSTRAINT_FOREIGNKEY) or an existing id throws.
  void insert(const media_row& row);
  // The session's media, oldest first (created_ms, then id).
  std::vector<media_row> list_for_session(std::string_view session_id);
  // The media with `id`; nullopt when there is none.
  std::optional<media_row> find(std::string_view id);
  // Sets the cloud reference once uploaded; true when the media exists.
  bool update_upstream_ref(std::string_view id, std::optional<std::string_view> upstream_ref);
  // True when it existed.
  bool erase(std::string_view id);
  std::int64_t count();

 private:
  database& db_;
};

}  // namespace reel::store
