#include "store/events_repo.hpp"

#include <algorithm>
#include <limits>

#include "store/transaction.hpp"

namespace reel::store {

void events_repo::append(std::span<const stored_event> batch) {
  if (batch.empty()) return;
  // One transaction for the batch: a commit (and its fsync at checkpoint) per event would
  // dominate the cost of a burst of progress events.
  transaction tx{db_};
  auto st = db_.cached("INSERT INTO events (topic, seq, name, data, ts_ms) VALUES (?, ?, ?, ?, ?)");
  for (const stored_event& e : batch) {
    st.bind_all(e.topic, e.seq, e.name, e.data, e.ts_ms);
    st.run();
    st.reset();
  }
  tx.commit();
}

std::vector<stored_event> events_repo::after(std::string_view topic, std::int64_t after_seq,
                                             std::size_t limit) {
  std::vector<stored_event> out;
  if (limit == 0) return out;
  const auto capped = static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  auto st = db_.cached(
      "SELECT topic, seq, name, data, ts_ms FROM events WHERE topic = ? AND seq > ? "
      "ORDER BY seq LIMIT ?");
  st.bind_all(topic, after_seq, capped);
  while (st.step()) {
    out.push_back({st.column_text(0), st.column_int64(1), st.column_text(2), st.column_text(3),
                   st.column_int64(4)});
  }
  return out;
}

std::int64_t events_repo::max_seq(std::string_view topic) {
  auto st = db_.cached("SELECT COALESCE(MAX(seq), 0) FROM events WHERE topic = ?");
  st.bind(1, topic);
  st.step();
  return st.column_int64(0);
}

std::int64_t events_repo::count() {
  auto st = db_.cached("SELECT COUNT(*) FROM events");
  st.step();
  return st.column_int64(0);
}

std::int64_t events_repo::prune(std::string_view topic, std::int64_t keep_last) {
  if (keep_last <= 0) {
    auto st = db_.cached("DELETE FROM events WHERE topic = ?");
    st.bind(1, topic);
    st.run();
    return db_.changes();
  }
  // The cut is the keep_last-th highest seq; seqs need not be contiguous. With fewer events the
  // subquery is NULL and nothing matches.
  auto st = db_.cached(
      "DELETE FROM events WHERE topic = ?1 AND seq < "
      "(SELECT seq FROM events WHERE topic = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)");
  st.bind(1, topic).bind(2, keep_last - 1);
  st.run();
  return db_.changes();
}

std::vector<std::string> events_repo::topics() {
  std::vector<std::string> out;
  auto st = db_.cached("SELECT DISTINCT topic FROM events ORDER BY topic");
  while (st.step()) out.push_back(st.column_text(0));
  return out;
}

}  // namespace reel::store
