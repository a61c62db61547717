#include <doctest/doctest.h>

#include "store/jobs_repo.hpp"
#include "store_fixture.hpp"

using namespace reel::store;
using reel::store::testing::open_migrated;
using reel::store::testing::temp_dir;

namespace {

job_row make_job(std::string id, std::string state, std::int64_t created_ms) {
  job_row r;
  r.id = std::move(id);
  r.session_id = "s1";
  r.backend = "local";
  r.state = std::move(state);
  r.draft = R"({"tracks":[]})";
  r.created_ms = created_ms;
  r.updated_ms = created_ms;
  return r;
}

}  // namespace

TEST_CASE("a render job round-trips, then a whole-row update replaces every field") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  jobs_repo jobs{db};

  const job_row queued = make_job("j1", "queued", 100);
  jobs.insert(queued);  // no session s1: a job does not need one
  CHECK(jobs.find("j1") == queued);
  CHECK(jobs.find("nope") == std::nullopt);

  job_row done = queued;
  done.state = "completed";
  done.progress = 1.0;
  done.options = R"({"fps":30})";
  done.dest = "/home/u/out.mp4";
  done.output_url = "file:///home/u/out.mp4";
  done.output_path = "/home/u/out.mp4";
  done.output_size = std::int64_t{5} << 32;
  done.output_sha256 = "deadbeef";
  done.attempts = 2;
  done.updated_ms = 900;
  done.submitted_ms = 150;
  done.finished_ms = 900;
  CHECK(jobs.update(done));
  CHECK(jobs.find("j1") == done);

  job_row failed = done;
  failed.state = "failed";
  failed.error = R"({"error":{"code":"internal"}})";
  failed.output_size.reset();
  failed.output_path.reset();
  CHECK(jobs.update(failed));
  CHECK(jobs.find("j1") == failed);

  CHECK_FALSE(jobs.update(make_job("ghost", "queued", 1)));
  CHECK(jobs.erase("j1"));
  CHECK_FALSE(jobs.erase("j1"));
}

TEST_CASE("jobs list newest first, paged, optionally by state") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  jobs_repo jobs{db};
  jobs.insert(make_job("a", "completed", 10));
  jobs.insert(make_job("b", "rendering", 20));
  jobs.insert(make_job("c", "completed", 30));
  jobs.insert(make_job("d", "queued", 40));

  const auto all = jobs.list(10, 0);
  REQUIRE(all.size() == 4);
  CHECK(all.front().id == "d");
  CHECK(all.back().id == "a");
  const auto page = jobs.list(2, 1);
  REQUIRE(page.size() == 2);
  CHECK(page[0].id == "c");
  CHECK(page[1].id == "b");
  const auto completed = jobs.list(10, 0, "completed");
  REQUIRE(completed.size() == 2);
  CHECK(completed[0].id == "c");
  CHECK(completed[1].id == "a");
  CHECK(jobs.list(10, 0, "nothing").empty());
}

TEST_CASE("unfinished jobs are every state but completed, failed and cancelled, oldest first") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  jobs_repo jobs{db};
  jobs.insert(make_job("done", "completed", 10));
  jobs.insert(make_job("render", "rendering", 30));
  jobs.insert(make_job("bad", "failed", 40));
  jobs.insert(make_job("queue", "queued", 20));
  jobs.insert(make_job("stop", "cancelled", 50));
  jobs.insert(make_job("submit", "submitted", 60));

  std::vector<std::string> ids;
  for (const auto& j : jobs.list_unfinished()) ids.push_back(j.id);
  CHECK(ids == std::vector<std::string>{"queue", "render", "submit"});
}

TEST_CASE("count_by_state counts each state present, ascending by state") {
  temp_dir dir;
  database db = open_migrated(dir.file("state.db"));
  jobs_repo jobs{db};
  CHECK(jobs.count_by_state().empty());
  jobs.insert(make_job("a", "queued", 1));
  jobs.insert(make_job("b", "completed", 2));
  jobs.insert(make_job("c", "queued", 3));
  jobs.insert(make_job("d", "failed", 4));

  using counts = std::vector<std::pair<std::string, std::int64_t>>;
  CHECK(jobs.count_by_state() == counts{{"completed", 1}, {"failed", 1}, {"queued", 2}});
}
