#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "store/sqlite_error.hpp"
#include "store/transaction.hpp"
#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::open_db;
using reel::store::testing::row_count;
using reel::store::testing::temp_dir;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::int64_t pragma_int(database& db, std::string_view pragma) {
  auto st = db.prepare(pragma);
  REQUIRE(st.step());
  return st.column_int64(0);
}

}  // namespace

TEST_CASE("open creates the file with WAL, synchronous NORMAL and foreign keys on") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  CHECK(std::filesystem::exists(dir.file("state.db")));
  CHECK(db.journal_mode() == "wal");
  CHECK(pragma_int(db, "PRAGMA synchronous") == 1);  // NORMAL
  CHECK(pragma_int(db, "PRAGMA foreign_keys") == 1);
  CHECK(pragma_int(db, "PRAGMA busy_timeout") == reel::store::testing::test_busy_timeout_ms);
  CHECK(db.user_version() == 0);
}

TEST_CASE("open of a file that is not a database is an error value and leaves the file alone") {
  temp_dir dir;
  const std::string path = dir.file("notes.db");
  const std::string text(8192, 'x');
  std::ofstream(path, std::ios::binary) << text;

  auto db = database::open(path, 100);
  REQUIRE(db.has_error());
  CHECK(db.error().code == reel::core::errc::internal);
  CHECK(db.error().message.find("not a database") != std::string::npos);
  CHECK(db.error().message.find(path) != std::string::npos);
  CHECK(read_file(path) == text);
}

TEST_CASE("open in a directory that does not exist is an error value") {
  temp_dir dir;
  auto db = database::open(dir.file("missing/state.db"), 100);
  REQUIRE(db.has_error());
  CHECK(db.error().message.find("missing/state.db") != std::string::npos);
}

TEST_CASE("a failing statement throws sqlite_error naming the SQL but never a bound value") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  db.prepare("INSERT INTO t (k) VALUES (?)").bind(1, "secret-token-123").run();
  try {
    db.prepare("INSERT INTO t (k) VALUES (?)").bind(1, "secret-token-123").run();
    FAIL("expected a constraint violation");
  } catch (const sqlite_error& e) {
    const std::string what = e.what();
    CHECK(e.primary_code() == SQLITE_CONSTRAINT);
    CHECK(e.code() == SQLITE_CONSTRAINT_PRIMARYKEY);
    CHECK(what.find("INSERT INTO t (k) VALUES (?)") != std::string::npos);
    CHECK(what.find("secret-token-123") == std::string::npos);
  }
  CHECK_THROWS_AS(db.prepare("SELEC nothing"), sqlite_error);
  CHECK_THROWS_AS(db.exec("DROP TABLE nope"), sqlite_error);
}

TEST_CASE("sqlite_error keeps only the first 80 characters of the SQL") {
  const std::string sql = "SELECT " + std::string(200, 'a');
  const sqlite_error e(SQLITE_ERROR, "boom", sql);
  const std::string what = e.what();
  CHECK(what.find(sql.substr(0, 80)) != std::string::npos);
  CHECK(what.find(sql.substr(0, 81)) == std::string::npos);
}

TEST_CASE("prepare refuses a text holding two statements") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  CHECK_THROWS_AS(db.prepare("SELECT 1; SELECT 2"), sqlite_error);
  CHECK_NOTHROW(db.prepare("SELECT 1;"));
}

TEST_CASE("values round-trip, and an empty string stays a string rather than NULL") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  auto st = db.prepare("SELECT ?, ?, ?, ?, ?, ?");
  st.bind_all(std::int64_t{1} << 40, 2.5, std::string_view{}, nullptr, std::optional<std::string>{},
              std::optional<std::string>{"x"});
  REQUIRE(st.step());
  CHECK(st.column_int64(0) == (std::int64_t{1} << 40));
  CHECK(st.column_double(1) == 2.5);
  CHECK_FALSE(st.column_is_null(2));
  CHECK(st.column_optional_text(2) == std::optional<std::string>{""});
  CHECK(st.column_is_null(3));
  CHECK(st.column_optional_int64(4) == std::nullopt);
  CHECK(st.column_text(5) == "x");
  CHECK_FALSE(st.step());
}

TEST_CASE("a cached statement is reused and comes back reset and unbound") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)");
  sqlite3_stmt* first = nullptr;
  {
    auto st = db.cached("SELECT v FROM t WHERE v >= ? ORDER BY v");
    first = st.native();
    st.bind(1, 2);
    REQUIRE(st.step());
    CHECK(st.column_int64(0) == 2);  // left mid-rows on purpose
  }
  auto again = db.cached("SELECT v FROM t WHERE v >= ? ORDER BY v");
  CHECK(again.native() == first);
  REQUIRE_FALSE(again.step());  // unbound: v >= NULL matches nothing, so it was reset too
}

TEST_CASE("the same cached query can be used twice at once") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)");
  auto outer = db.cached("SELECT v FROM t ORDER BY v");
  auto inner = db.cached("SELECT v FROM t ORDER BY v");
  CHECK(outer.native() != inner.native());
  REQUIRE(outer.step());
  REQUIRE(inner.step());
  REQUIRE(inner.step());
  CHECK(inner.column_int64(0) == 2);
  CHECK(outer.column_int64(0) == 1);
}

TEST_CASE("cached statements stay valid when the database object moves") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (v INTEGER)");
  db.cached("INSERT INTO t VALUES (?)").bind(1, 1).run();
  database moved = std::move(db);
  moved.cached("INSERT INTO t VALUES (?)").bind(1, 2).run();
  CHECK(row_count(moved, "t") == 2);
}

TEST_CASE("a transaction rolls back unless committed") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (v INTEGER)");
  {
    transaction tx{db};
    CHECK(db.in_transaction());
    db.exec("INSERT INTO t VALUES (1)");
  }
  CHECK_FALSE(db.in_transaction());
  CHECK(row_count(db, "t") == 0);

  {
    transaction tx{db};
    db.exec("INSERT INTO t VALUES (2)");
    tx.commit();
    CHECK_THROWS_AS(tx.commit(), sqlite_error);
  }
  CHECK(row_count(db, "t") == 1);
}

TEST_CASE("a transaction rolls back when an exception leaves its scope") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (v INTEGER)");
  CHECK_THROWS_AS(
      [&] {
        transaction tx{db};
        db.exec("INSERT INTO t VALUES (1)");
        throw std::runtime_error("handler failed");
      }(),
      std::runtime_error);
  CHECK(row_count(db, "t") == 0);
  CHECK_FALSE(db.in_transaction());
}

TEST_CASE("a nested transaction is a savepoint: it rolls back alone, the outer one commits") {
  temp_dir dir;
  database db = open_db(dir.file("state.db"));
  db.exec("CREATE TABLE t (v INTEGER)");
  {
    transaction outer{db};
    db.exec("INSERT INTO t VALUES (1)");
    {
      transaction inner{db};
      db.exec("INSERT INTO t VALUES (2)");
    }
    {
      transaction inner{db};
      db.exec("INSERT INTO t VALUES (3)");
      inner.commit();
    }
    CHECK(db.in_transaction());
    outer.commit();
  }
  auto st = db.prepare("SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "1,3");
}

TEST_CASE("a second connection with a busy timeout waits for the first's write lock") {
  temp_dir dir;
  const std::string path = dir.file("state.db");
  database first = open_db(path);
  first.exec("CREATE TABLE t (v INTEGER)");
  database second = open_db(path, 5000);

  constexpr auto hold = std::chrono::milliseconds(300);
  std::promise<void> locked;
  std::thread writer([&] {
    transaction tx{first};
    first.exec("INSERT INTO t VALUES (1)");
    locked.set_value();
    std::this_thread::sleep_for(hold);
    tx.commit();
  });
  locked.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  CHECK_NOTHROW([&] {
    transaction tx{second};
    second.exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }());
  const auto waited = std::chrono::steady_clock::now() - start;
  writer.join();
  CHECK(waited >= hold / 2);
  CHECK(row_count(second, "t") == 2);
}

TEST_CASE("without a busy timeout a second writer fails at once with SQLITE_BUSY") {
  temp_dir dir;
  const std::string path = dir.file("state.db");
  database first = open_db(path);
  first.exec("CREATE TABLE t (v INTEGER)");
  database second = open_db(path, 0);
  transaction tx{first};
  try {
    transaction other{second};
    FAIL("expected SQLITE_BUSY");
  } catch (const sqlite_error& e) {
    CHECK(e.primary_code() == SQLITE_BUSY);
  }
}

TEST_CASE("checkpoint copies the WAL into the file and truncates it") {
  temp_dir dir;
  const std::string path = dir.file("state.db");
  database db = open_db(path);
  db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES (zeroblob(100000))");
  REQUIRE(std::filesystem::file_size(path + "-wal") > 0);
  CHECK(db.checkpoint());
  CHECK(std::filesystem::file_size(path + "-wal") == 0);
  CHECK(row_count(db, "t") == 1);
}
