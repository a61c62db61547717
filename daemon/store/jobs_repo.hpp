#pragma once
// Render jobs: what was asked (draft, options), where it stands, and what it produced.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace reel::store {

// The states a job never leaves; every other state is unfinished and resumed after a restart.
inline constexpr std::array<std::string_view, 3> finished_job_states = {"completed", "failed",
                                                                        "cancelled"};

struct job_row {
  std::string id;
  std::string session_id;  // not a foreign key: the job outlives its session
  std::string backend;
  std::string state;
  double progress = 0;  // 0..1
  std::string draft;    // JSON text, the draft as submitted
  std::string options = "{}";
  std::optional<std::string> dest;
  std::optional<std::string> output_url;
  std::optional<std::string> output_path;
  std::optional<std::int64_t> output_size;
  std::optional<std::string> output_sha256;
  std::optional<std::int64_t> output_duration_ms;  // what ffprobe read, once completed
  std::optional<std::string> error;                // JSON text of a core::error, when failed
  std::int64_t attempts = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::optional<std::int64_t> submitted_ms;
  std::optional<std::int64_t> finished_ms;

  bool operator==(const job_row&) const = default;
};

// Holds `db` by reference; it must outlive the repository. Failures throw sqlite_error.
class jobs_repo {
 public:
  explicit jobs_repo(database& db) noexcept : db_(db) {}

  // Inserts a new job; an existing id throws (SQLITE_CONSTRAINT_PRIMARYKEY).
  void insert(const job_row& row);
  // The job with `id`; nullopt when there is none.
  std::optional<job_row> find(std::string_view id);
  // Writes every column of the row with row.id; true when it existed.
  bool update(const job_row& row);
  // Newest first (created_ms, then id, descending), optionally only jobs in `state`.
  std::vector<job_row> list(std::int64_t limit, std::int64_t offset,
                            std::optional<std::string_view> state = std::nullopt);
  // Jobs whose state is not in finished_job_states, oldest first: the ones to resume.
  std::vector<job_row> list_unfinished();
  // (state, number of jobs) for every state present, ascending by state.
  std::vector<std::pair<std::string, std::int64_t>> count_by_state();
  // True when it existed.
  bool erase(std::string_view id);

 private:
  database& db_;
};

}  // namespace reel::store
