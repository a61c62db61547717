#include <doctest/doctest.h>

#include "store/draft_versions_repo.hpp"
#include "store/sessions_repo.hpp"
#include "store/sqlite_error.hpp"
#include "store/transaction.hpp"
#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::open_migrated;
using reel::store::testing::temp_dir;

namespace {

void add_session(database& db, const std::string& id) {
  session_row s;
  s.id = id;
  s.backend = "local";
  sessions_repo{db}.insert(s);
}

}  // namespace

TEST_CASE("draft versions are numbered per session from 1 and read back") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  add_session(db, "s1");
  add_session(db, "s2");
  draft_versions_repo drafts{db};

  CHECK(drafts.max_version("s1") == 0);
  CHECK(drafts.latest("s1") == std::nullopt);
  CHECK(drafts.push("s1", R"({"v":1})", "create", 10) == 1);
  CHECK(drafts.push("s1", R"({"v":2})", std::nullopt, 20) == 2);
  CHECK(drafts.push("s2", R"({"w":1})", "create", 30) == 1);

  CHECK(drafts.latest("s1") == draft_version{"s1", 2, R"({"v":2})", std::nullopt, 20});
  CHECK(drafts.get("s1", 1) == draft_version{"s1", 1, R"({"v":1})", "create", 10});
  CHECK(drafts.get("s1", 3) == std::nullopt);
  CHECK(drafts.max_version("s2") == 1);
  CHECK(drafts.versions("s1") == std::vector<std::int64_t>{1, 2});
}

TEST_CASE("undo then a new edit: erase_after drops the redo branch and numbering continues") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  add_session(db, "s1");
  draft_versions_repo drafts{db};
  for (int i = 1; i <= 4; ++i) drafts.push("s1", "{}", std::nullopt, i);

  CHECK(drafts.erase_after("s1", 2) == 2);
  CHECK(drafts.max_version("s1") == 2);
  CHECK(drafts.push("s1", R"({"new":true})", "edit", 9) == 3);
  CHECK(drafts.latest("s1")->draft == R"({"new":true})");
  CHECK(drafts.erase_after("s1", 3) == 0);
}

TEST_CASE("prune keeps the newest draft versions") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  add_session(db, "s1");
  draft_versions_repo drafts{db};
  for (int i = 1; i <= 10; ++i) drafts.push("s1", "{}", std::nullopt, i);

  CHECK(drafts.prune("s1", 3) == 7);
  CHECK(drafts.versions("s1") == std::vector<std::int64_t>{8, 9, 10});
  CHECK(drafts.push("s1", "{}", std::nullopt, 11) == 11);
  CHECK(drafts.prune("s1", 0) == 4);
  CHECK(drafts.max_version("s1") == 0);
}

TEST_CASE("a draft version for an unknown session is refused") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  draft_versions_repo drafts{db};
  CHECK_THROWS_AS(drafts.push("ghost", "{}", std::nullopt, 1), sqlite_error);
  CHECK_FALSE(db.in_transaction());
}

TEST_CASE("push joins a caller's transaction: session and first version commit together") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  draft_versions_repo drafts{db};
  {
    transaction tx{db};
    add_session(db, "s1");
    CHECK(drafts.push("s1", "{}", "create", 1) == 1);
    // not committed
  }
  CHECK(sessions_repo{db}.find("s1") == std::nullopt);
  CHECK(drafts.max_version("s1") == 0);
  {
    transaction tx{db};
    add_session(db, "s1");
    drafts.push("s1", "{}", "create", 1);
    tx.commit();
  }
  CHECK(drafts.max_version("s1") == 1);
}
