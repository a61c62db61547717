#include <doctest/doctest.h>

#include "store/media_repo.hpp"
#include "store/sessions_repo.hpp"
#include "store/sqlite_error.hpp"
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

TEST_CASE("media round-trips and lists per session, oldest first") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  add_session(db, "s1");
  add_session(db, "s2");
  media_repo media{db};

  const media_row full{"m1",    "s1",   "clip.mp4",         "video", "video/mp4",
                       1 << 20, "ab12", "/var/lib/reel/m1", "up-1",  R"({"w":1920})",
                       30};
  const media_row bare{"m2", "s1", "a.png", "image", {}, 0, {}, {}, {}, "{}", 20};
  const media_row other{"m3", "s2", "b.wav", "audio", {}, 1, {}, {}, {}, "{}", 10};
  media.insert(full);
  media.insert(bare);
  media.insert(other);

  CHECK(media.find("m1") == full);
  CHECK(media.find("m2") == bare);
  CHECK(media.find("nope") == std::nullopt);
  CHECK(media.list_for_session("s1") == std::vector<media_row>{bare, full});
  CHECK(media.list_for_session("s3").empty());
  CHECK(media.count() == 3);

  CHECK(media.update_upstream_ref("m2", "up-2"));
  CHECK(media.find("m2")->upstream_ref == "up-2");
  CHECK(media.erase("m3"));
  CHECK_FALSE(media.erase("m3"));
  CHECK(media.count() == 2);
}

TEST_CASE("media for an unknown session is refused by the foreign key") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  media_repo media{db};
  try {
    media.insert({"m1", "ghost", "a.mp4", "video", {}, 1, {}, {}, {}, "{}", 1});
    FAIL("expected a foreign key violation");
  } catch (const sqlite_error& e) {
    CHECK(e.code() == SQLITE_CONSTRAINT_FOREIGNKEY);
  }
  CHECK(media.count() == 0);
}

TEST_CASE("media added in the same millisecond list in the order they were added") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  add_session(db, "s1");
  media_repo media{db};
  // Ids sort the other way round: the order must come from the insertion, not the id.
  std::vector<std::string> names;
  for (int i = 0; i < 6; ++i) {
    const std::string id = "m_" + std::string(1, static_cast<char>('z' - i));
    names.push_back("photo" + std::to_string(i + 1) + ".jpg");
    media.insert(media_row{id, "s1", names.back(), "image", {}, 1, {}, {}, {}, "{}", 1000});
  }
  std::vector<std::string> listed;
  for (const auto& m : media.list_for_session("s1")) listed.push_back(m.name);
  CHECK(listed == names);
}
