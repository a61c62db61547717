#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <vector>

#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::has_table;
using reel::store::testing::open_db;
using reel::store::testing::row_count;
using reel::store::testing::temp_dir;

namespace {

const std::set<std::string> latest_tables = {"settings", "sessions",    "media",
                                             "events",   "render_jobs", "draft_versions"};

int latest_version() {
  return static_cast<int>(builtin_migrations().size());
}

std::set<std::string> tables(database& db) {
  std::set<std::string> out;
  auto st = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (st.step()) out.insert(st.column_text(0));
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string_view table_added_by(int version) {
  switch (version) {
    case 1:
      return "sessions";
    case 2:
      return "render_jobs";
    case 3:
      return "draft_versions";
    default:
      FAIL("add the table that migration " << version << " creates");
      return "";
  }
}

bool has_column(database& db, std::string_view table, std::string_view column) {
  auto st = db.prepare("PRAGMA table_info(" + std::string{table} + ")");
  while (st.step())
    if (st.column_text(1) == column) return true;
  return false;
}

// True once the schema holds what migration `version` adds: a table, or (4) a column.
bool has_what_migration_adds(database& db, int version) {
  if (version == 4) return has_column(db, "render_jobs", "output_duration_ms");
  return has_table(db, table_added_by(version));
}

// Rows only the schema at `version` can hold, so an upgrade must carry them over.
void insert_rows_for(database& db, int version) {
  db.exec(
      "INSERT INTO settings VALUES ('token', 'abc', 1);"
      "INSERT INTO sessions (id, backend, created_ms, updated_ms) VALUES ('s1', 'local', 1, 1);"
      "INSERT INTO media (id, session_id, name, kind, size, created_ms) "
      "  VALUES ('m1', 's1', 'a.mp4', 'video', 10, 1);"
      "INSERT INTO events VALUES ('session:s1', 1, 'turn.started', '{}', 1);");
  if (version >= 2) {
    db.exec(
        "INSERT INTO render_jobs (id, session_id, backend, state, draft, created_ms, updated_ms) "
        "VALUES ('j1', 's1', 'local', 'queued', '{}', 1, 1)");
  }
}

}  // namespace

TEST_CASE("built-in migrations are numbered 1..N and match migrations/*.sql byte for byte") {
  const auto all = builtin_migrations();
  REQUIRE(all.size() >= 3);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(REEL_SOURCE_DIR "/migrations")) {
    if (entry.path().extension() == ".sql") ++files;
  }
  CHECK(files == all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CAPTURE(all[i].name);
    CHECK(all[i].version == static_cast<int>(i + 1));
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%04d_", all[i].version);
    const auto path = std::filesystem::path(REEL_SOURCE_DIR "/migrations") /
                      (prefix + std::string{all[i].name} + ".sql");
    CHECK(read_file(path) == all[i].sql);
  }
}

TEST_CASE("a fresh database reaches the latest version with every table") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  auto version = migrate(db, builtin_migrations());
  REQUIRE(version.has_value());
  CHECK(*version == latest_version());
  CHECK(db.user_version() == latest_version());
  CHECK(tables(db) == latest_tables);

  SUBCASE("and migrating again changes nothing") {
    auto again = migrate(db, builtin_migrations());
    REQUIRE(again.has_value());
    CHECK(*again == latest_version());
  }
}

TEST_CASE("upgrading from every earlier version keeps the rows and reaches the latest") {
  const auto all = builtin_migrations();
  for (int from = 1; from < latest_version(); ++from) {
    CAPTURE(from);
    temp_dir dir;
    const std::string path = dir.file("state.db");
    {
      database db = open_db(path);
      auto version = migrate(db, all.first(static_cast<std::size_t>(from)));
      REQUIRE(version.has_value());
      REQUIRE(*version == from);
      CHECK_FALSE(has_what_migration_adds(db, from + 1));
      insert_rows_for(db, from);
    }
    database db = open_db(path);  // as a newer reeld would, after a restart
    auto version = migrate(db, all);
    REQUIRE(version.has_value());
    CHECK(*version == latest_version());
    CHECK(tables(db) == latest_tables);
    CHECK(row_count(db, "settings") == 1);
    CHECK(row_count(db, "sessions") == 1);
    CHECK(row_count(db, "media") == 1);
    CHECK(row_count(db, "events") == 1);
    CHECK(row_count(db, "render_jobs") == (from >= 2 ? 1 : 0));
  }
}

TEST_CASE("a database newer than the binary is refused with a clear message and left untouched") {
  temp_dir dir;
  const std::string path = dir.file("state.db");
  {
    database db = reel::store::testing::open_migrated(path);
    db.exec("PRAGMA user_version = 99");
  }
  database db = open_db(path);
  auto version = migrate(db, builtin_migrations());
  REQUIRE(version.has_error());
  CHECK(version.error().code == reel::core::errc::internal);
  const std::string& message = version.error().message;
  CHECK(message.find("99") != std::string::npos);
  CHECK(message.find(std::to_string(latest_version())) != std::string::npos);
  CHECK(message.find("upgrade reeld") != std::string::npos);
  CHECK(db.user_version() == 99);
  CHECK(tables(db) == latest_tables);

  SUBCASE("also when the binary knows only a prefix of the migrations") {
    database older = open_db(dir.file("other.db"));
    REQUIRE(migrate(older, builtin_migrations()).has_value());
    auto refused = migrate(older, builtin_migrations().first(1));
    REQUIRE(refused.has_error());
    CHECK(refused.error().message.find("upgrade reeld") != std::string::npos);
    CHECK(older.user_version() == latest_version());
  }
}

TEST_CASE("a crash in the middle of a migration leaves the previous version intact") {
  temp_dir dir;
  const std::string path = dir.file("state.db");

  // A real crash: the child process dies inside migration 2's transaction, before its commit.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto db = database::open(path, 1000);
    if (!db) ::_exit(1);
    auto version = migrate(*db, builtin_migrations(), [](int v) {
      if (v == 2) ::_exit(9);
    });
    ::_exit(version ? 2 : 3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 9);

  database db = open_db(path);
  CHECK(db.user_version() == 1);
  CHECK(has_table(db, "sessions"));
  CHECK_FALSE(has_table(db, "render_jobs"));

  auto version = migrate(db, builtin_migrations());
  REQUIRE(version.has_value());
  CHECK(*version == latest_version());
  CHECK(tables(db) == latest_tables);
}

TEST_CASE("a migration whose SQL fails is rolled back and reported; earlier ones stay") {
  const migration broken[] = {
      {1, "ok", "CREATE TABLE a (x INTEGER);"},
      {2, "broken", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  auto version = migrate(db, broken);
  REQUIRE(version.has_error());
  CHECK(version.error().message.find("migration 2 (broken)") != std::string::npos);
  CHECK(db.user_version() == 1);
  CHECK(has_table(db, "a"));
  CHECK_FALSE(has_table(db, "b"));
  CHECK_FALSE(db.in_transaction());
}

TEST_CASE("a migration list with a gap is refused before anything runs") {
  const migration gap[] = {
      {1, "one", "CREATE TABLE a (x INTEGER);"},
      {3, "three", "CREATE TABLE c (x INTEGER);"},
  };
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  auto version = migrate(db, gap);
  REQUIRE(version.has_error());
  CHECK(db.user_version() == 0);
  CHECK_FALSE(has_table(db, "a"));
}

TEST_CASE("the after_sql hook runs inside each migration's transaction") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  std::vector<int> seen;
  auto version = migrate(db, builtin_migrations(), [&](int v) {
    CHECK(db.in_transaction());
    CHECK(db.user_version() == v);
    seen.push_back(v);
  });
  REQUIRE(version.has_value());
  CHECK(seen.size() == builtin_migrations().size());
  CHECK(seen.front() == 1);
  CHECK(seen.back() == latest_version());
}
