#include <doctest/doctest.h>

#include "store/draft_versions_repo.hpp"
#include "store/jobs_repo.hpp"
#include "store/media_repo.hpp"
#include "store/sessions_repo.hpp"
#include "store/sqlite_error.hpp"
#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::open_migrated;
using reel::store::testing::temp_dir;

namespace {

session_row make_session(std::string id, std::int64_t created_ms) {
  session_row r;
  r.id = std::move(id);
  r.backend = "local";
  r.created_ms = created_ms;
  r.updated_ms = created_ms;
  return r;
}

}  // namespace

TEST_CASE("a session round-trips with every field, present or absent") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  sessions_repo sessions{db};

  session_row full{"s1",   "nemovideo",  "Trip",         "en", "up-s",
                   "up-t", R"({"v":1})", R"({"k":"v"})", 10,   11};
  sessions.insert(full);
  const session_row bare = make_session("s2", 20);
  sessions.insert(bare);

  CHECK(sessions.find("s1") == full);
  CHECK(sessions.find("s2") == bare);
  CHECK(sessions.find("nope") == std::nullopt);
  CHECK(sessions.count() == 2);
  CHECK_THROWS_AS(sessions.insert(bare), sqlite_error);
}

TEST_CASE("sessions list newest first with limit and offset") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  sessions_repo sessions{db};
  for (int i = 1; i <= 5; ++i) sessions.insert(make_session("s" + std::to_string(i), i * 10));

  const auto page = sessions.list(2, 1);
  REQUIRE(page.size() == 2);
  CHECK(page[0].id == "s4");
  CHECK(page[1].id == "s3");
  CHECK(sessions.list(10, 0).size() == 5);
  CHECK(sessions.list(10, 5).empty());
}

TEST_CASE("session updates change only their fields and stamp updated_ms") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  sessions_repo sessions{db};
  sessions.insert(make_session("s1", 10));

  CHECK(sessions.update_draft("s1", R"({"t":[]})", 20));
  auto s = sessions.find("s1");
  REQUIRE(s);
  CHECK(s->draft == R"({"t":[]})");
  CHECK(s->updated_ms == 20);
  CHECK(s->created_ms == 10);

  CHECK(sessions.update_upstream("s1", "up-s", std::nullopt, 30));
  s = sessions.find("s1");
  CHECK(s->upstream_session_id == "up-s");
  CHECK(s->upstream_task_id == std::nullopt);
  CHECK(s->draft == R"({"t":[]})");

  CHECK(sessions.update_title_meta("s1", "Title", R"({"a":1})", 40));
  s = sessions.find("s1");
  CHECK(s->title == "Title");
  CHECK(s->meta == R"({"a":1})");
  CHECK(s->updated_ms == 40);

  CHECK(sessions.update_draft("s1", std::nullopt, 50));
  CHECK(sessions.find("s1")->draft == std::nullopt);

  CHECK_FALSE(sessions.update_draft("nope", "{}", 1));
  CHECK_FALSE(sessions.update_upstream("nope", "a", "b", 1));
}

TEST_CASE("erasing a session takes its media and draft versions but not its render jobs") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  sessions_repo sessions{db};
  sessions.insert(make_session("s1", 10));
  sessions.insert(make_session("s2", 10));
  media_repo media{db};
  media.insert({"m1", "s1", "a.mp4", "video", {}, 5, {}, {}, {}, "{}", 10});
  media.insert({"m2", "s2", "b.mp4", "video", {}, 5, {}, {}, {}, "{}", 10});
  draft_versions_repo drafts{db};
  drafts.push("s1", "{}", std::nullopt, 10);
  jobs_repo jobs{db};
  job_row job;
  job.id = "j1";
  job.session_id = "s1";
  job.backend = "local";
  job.state = "completed";
  job.draft = "{}";
  jobs.insert(job);

  CHECK(sessions.erase("s1"));
  CHECK_FALSE(sessions.erase("s1"));
  CHECK(sessions.count() == 1);
  CHECK(media.find("m1") == std::nullopt);
  CHECK(media.find("m2").has_value());
  CHECK(drafts.max_version("s1") == 0);
  CHECK(jobs.find("j1").has_value());
}
