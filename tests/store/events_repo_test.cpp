#include <doctest/doctest.h>

#include <vector>

#include "store/events_repo.hpp"
#include "store/sqlite_error.hpp"
#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::open_migrated;
using reel::store::testing::temp_dir;

namespace {

std::vector<stored_event> make_events(const std::string& topic, std::int64_t first,
                                      std::int64_t n) {
  std::vector<stored_event> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::int64_t seq = first; seq < first + n; ++seq) {
    out.push_back(
        {topic, seq, "render.progress", R"({"p":)" + std::to_string(seq) + "}", 1000 + seq});
  }
  return out;
}

}  // namespace

TEST_CASE("events come back after a seq, ascending, per topic, up to the limit") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  events_repo events{db};
  events.append(make_events("session:a", 1, 5));
  events.append(make_events("session:b", 1, 3));

  const auto got = events.after("session:a", 2, 10);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == stored_event{"session:a", 3, "render.progress", R"({"p":3})", 1003});
  CHECK(got[2].seq == 5);
  CHECK(events.after("session:a", 0, 2).size() == 2);
  CHECK(events.after("session:a", 5, 10).empty());
  CHECK(events.after("session:a", 0, 0).empty());
  CHECK(events.after("nobody", 0, 10).empty());
  CHECK(events.max_seq("session:a") == 5);
  CHECK(events.max_seq("session:b") == 3);
  CHECK(events.max_seq("nobody") == 0);
  CHECK(events.count() == 8);
  CHECK(events.topics() == std::vector<std::string>{"session:a", "session:b"});
}

TEST_CASE("a batch of 10,000 events is appended in one transaction") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  events_repo events{db};
  const auto batch = make_events("global", 1, 10000);
  int commits = 0;
  sqlite3_commit_hook(
      db.native(),
      [](void* counter) {
        ++*static_cast<int*>(counter);
        return 0;
      },
      &commits);
  events.append(batch);
  sqlite3_commit_hook(db.native(), nullptr, nullptr);
  CHECK(commits == 1);
  CHECK(events.count() == 10000);
  CHECK(events.max_seq("global") == 10000);
  const auto tail = events.after("global", 9990, 100);
  REQUIRE(tail.size() == 10);
  CHECK(tail.back() == batch.back());
}

TEST_CASE("a batch with a duplicate seq is rejected whole") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  events_repo events{db};
  events.append(make_events("t", 1, 3));
  auto batch = make_events("t", 4, 100);
  batch.push_back(batch.front());  // seq 4 twice
  CHECK_THROWS_AS(events.append(batch), sqlite_error);
  CHECK(events.count() == 3);
  CHECK(events.max_seq("t") == 3);
  CHECK_FALSE(db.in_transaction());
}

TEST_CASE("an empty batch is a no-op") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  events_repo events{db};
  events.append({});
  CHECK(events.count() == 0);
}

TEST_CASE("prune keeps the newest events of one topic and reports how many went") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  events_repo events{db};
  events.append(make_events("a", 1, 100));
  events.append(make_events("b", 1, 10));

  CHECK(events.prune("a", 30) == 70);
  const auto left = events.after("a", 0, 1000);
  REQUIRE(left.size() == 30);
  CHECK(left.front().seq == 71);
  CHECK(left.back().seq == 100);
  CHECK(events.max_seq("b") == 10);
  CHECK(events.count() == 40);

  CHECK(events.prune("a", 1000) == 0);  // fewer than asked to keep
  CHECK(events.prune("a", 0) == 30);
  CHECK(events.max_seq("a") == 0);
  CHECK(events.count() == 10);
}

TEST_CASE("prune counts events, not seq numbers, when seqs have gaps") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  events_repo events{db};
  const std::vector<stored_event> sparse = {
      {"t", 10, "e", "{}", 1}, {"t", 20, "e", "{}", 2}, {"t", 30, "e", "{}", 3}};
  events.append(sparse);
  CHECK(events.prune("t", 2) == 1);
  const auto left = events.after("t", 0, 10);
  REQUIRE(left.size() == 2);
  CHECK(left.front().seq == 20);
}

TEST_CASE("events survive closing and reopening the database") {
  temp_dir dir;
  const std::string path = dir.file("state.db");
  {
    database db = open_migrated(path);
    events_repo{db}.append(make_events("t", 1, 5));
  }
  database db = open_migrated(path);
  events_repo events{db};
  CHECK(events.max_seq("t") == 5);
  CHECK(events.after("t", 4, 10).at(0).data == R"({"p":5})");
}
