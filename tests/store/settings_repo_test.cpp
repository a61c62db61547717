#include <doctest/doctest.h>

#include "store/settings_repo.hpp"
#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::open_migrated;
using reel::store::testing::temp_dir;

TEST_CASE("settings round-trip: set, get, overwrite, erase") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  settings_repo settings{db};

  CHECK(settings.get("token") == std::nullopt);
  settings.set("token", "abc", 100);
  CHECK(settings.get("token") == "abc");
  settings.set("token", "def", 200);
  CHECK(settings.get("token") == "def");
  settings.set("empty", "", 300);
  CHECK(settings.get("empty") == "");

  auto st = db.prepare("SELECT updated_ms FROM settings WHERE key = 'token'");
  REQUIRE(st.step());
  CHECK(st.column_int64(0) == 200);

  using kv = std::pair<std::string, std::string>;
  CHECK(settings.all() == std::vector<kv>{{"empty", ""}, {"token", "def"}});
  CHECK(settings.erase("token"));
  CHECK_FALSE(settings.erase("token"));
  CHECK(settings.get("token") == std::nullopt);
}

TEST_CASE("settings survive closing and reopening the database") {
  temp_dir dir;
  const std::string path = dir.file("state.db");
  {
    database db = open_migrated(path);
    settings_repo{db}.set("k", "v", 1);
  }
  database db = open_migrated(path);
  CHECK(settings_repo{db}.get("k") == "v");
}
