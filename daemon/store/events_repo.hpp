#pragma once
// The persisted event log: per topic, events numbered by seq, replayed to late subscribers.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace reel::store {

struct stored_event {
  std::string topic;
  std::int64_t seq = 0;  // assigned by the caller (the hub), unique per topic
  std::string name;
  std::string data;  // JSON text, stored as given
  std::int64_t ts_ms = 0;

  bool operator==(const stored_event&) const = default;
};

// Holds `db` by reference; it must outlive the repository. Failures throw sqlite_error.
class events_repo {
 public:
  explicit events_repo(database& db) noexcept : db_(db) {}

  // Inserts the whole batch in one transaction: all or nothing. A (topic, seq) that already
  // exists is a bug in the caller and throws (SQLITE_CONSTRAINT_PRIMARYKEY).
  void append(std::span<const stored_event> batch);
  // Up to `limit` events of `topic` with seq > after_seq, ascending by seq.
  std::vector<stored_event> after(std::string_view topic, std::int64_t after_seq,
                                  std::size_t limit);
  // The highest seq of `topic`; 0 when it has none.
  std::int64_t max_seq(std::string_view topic);
  // All events of all topics.
  std::int64_t count();
  // Keeps the `keep_last` highest seqs of `topic` and deletes the rest; returns how many went.
  std::int64_t prune(std::string_view topic, std::int64_t keep_last);
  // Every topic with at least one event, ascending.
  std::vector<std::string> topics();

 private:
  database& db_;
};

}  // namespace reel::store
