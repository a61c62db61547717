#include "service/hub.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace reel;

namespace {

// A subscriber that keeps what it is given.
struct recorder : service::hub_client {
  std::vector<nlohmann::json> got;
  std::vector<std::string> keys;
  void deliver(const core::frame& f, const std::string& key) override {
    got.push_back(nlohmann::json::parse(*f));
    keys.push_back(key);
  }
};

struct fixture {
  test::temp_dir dir;
  store::database db = open();
  store::events_repo repo{db};
  core::metrics metrics;
  std::int64_t clock = 1'000'000;

  store::database open() {
    auto d = store::database::open(dir.file("reel.db"), 1000);
    REQUIRE(d.has_value());
    REQUIRE(store::migrate(*d, store::builtin_migrations()).has_value());
    return std::move(*d);
  }
  service::hub make_hub(std::size_t batch = 1024, std::int64_t retention = 10000) {
    return service::hub(repo, metrics, [this] { return clock++; }, {batch, retention});
  }
};

}  // namespace

TEST_CASE("each topic has its own seq that only grows, and subscribers get their topics only") {
  fixture fx;
  auto hub = fx.make_hub();
  recorder a, b, all;
  hub.subscribe(a, "session:s1", std::nullopt);
  hub.subscribe(b, "renders", std::nullopt);
  hub.subscribe(all, "*", std::nullopt);
  hub.publish("session:s1", "chat.text", {{"text", "one"}});
  hub.publish("renders", "render.queued", {{"job", "r1"}});
  hub.publish("session:s1", "chat.text", {{"text", "two"}});
  REQUIRE(a.got.size() == 2);
  CHECK(a.got[0]["seq"] == 1);
  CHECK(a.got[1]["seq"] == 2);
  CHECK(a.got[1]["data"]["text"] == "two");
  REQUIRE(b.got.size() == 1);
  CHECK(b.got[0]["seq"] == 1);
  CHECK(all.got.size() == 3);
}

TEST_CASE("events reach the store in batches, not one write each") {
  fixture fx;
  auto hub = fx.make_hub(100);
  int armed = 0;
  hub.on_pending([&] { ++armed; });
  for (int i = 0; i < 250; ++i) hub.publish("app:x", "tick", {{"i", i}});
  // Two full batches written by size; the rest waits for the timer's flush.
  CHECK(fx.repo.count() == 200);
  CHECK(hub.pending() == 50);
  CHECK(armed == 3);
  hub.flush();
  CHECK(fx.repo.count() == 250);
  CHECK(hub.pending() == 0);
}

TEST_CASE("subscribing with since replays what was missed, then goes live") {
  fixture fx;
  auto hub = fx.make_hub();
  for (int i = 1; i <= 5; ++i) hub.publish("session:s1", "chat.text", {{"i", i}});
  recorder late;
  auto replay = hub.subscribe(late, "session:s1", 2);
  CHECK(replay.last_seq == 5);
  CHECK_FALSE(replay.truncated);
  REQUIRE(replay.frames.size() == 3);
  CHECK(nlohmann::json::parse(*replay.frames[0])["seq"] == 3);
  CHECK(nlohmann::json::parse(*replay.frames[2])["data"]["i"] == 5);
  hub.publish("session:s1", "chat.text", {{"i", 6}});
  REQUIRE(late.got.size() == 1);
  CHECK(late.got[0]["seq"] == 6);
  // Caught up: nothing to replay.
  recorder current;
  CHECK(hub.subscribe(current, "session:s1", 6).frames.empty());
}

TEST_CASE("seq and replay survive a new hub on the same store (a daemon restart)") {
  fixture fx;
  {
    auto hub = fx.make_hub();
    for (int i = 1; i <= 3; ++i) hub.publish("renders", "render.progress", {{"p", i}});
    hub.flush();
  }
  auto hub = fx.make_hub();
  auto e = hub.publish("renders", "render.completed", {});
  CHECK(e.seq == 4);
  recorder r;
  auto replay = hub.subscribe(r, "renders", 1);
  REQUIRE(replay.frames.size() == 3);
  CHECK(nlohmann::json::parse(*replay.frames.back())["event"] == "render.completed");
}

TEST_CASE("old events are pruned past the retention and a replay says it was truncated") {
  fixture fx;
  auto hub = fx.make_hub(50, 100);
  for (int i = 1; i <= 400; ++i) hub.publish("app:x", "tick", {{"i", i}});
  hub.flush();
  CHECK(fx.repo.count() < 400);
  CHECK(fx.repo.count() >= 100);
  recorder r;
  auto replay = hub.subscribe(r, "app:x", 0);
  CHECK(replay.truncated);
  CHECK(nlohmann::json::parse(*replay.frames.back())["seq"] == 400);
}

TEST_CASE("membership removes a client from every topic when it goes") {
  fixture fx;
  auto hub = fx.make_hub();
  recorder stays;
  hub.subscribe(stays, "renders", std::nullopt);
  {
    recorder leaves;
    service::hub::membership m(hub, leaves);
    hub.subscribe(leaves, "renders", std::nullopt);
    hub.subscribe(leaves, "session:a", std::nullopt);
    CHECK(hub.subscriber_count() == 3);
  }
  CHECK(hub.subscriber_count() == 1);
  hub.publish("renders", "render.queued", {});
  CHECK(stays.got.size() == 1);
}

TEST_CASE("a coalescing key is scoped to the topic") {
  fixture fx;
  auto hub = fx.make_hub();
  recorder r;
  hub.subscribe(r, "renders", std::nullopt);
  hub.publish("renders", "render.progress", {{"p", 0.5}}, "job:r1");
  hub.publish("renders", "render.queued", {});
  REQUIRE(r.keys.size() == 2);
  CHECK(r.keys[0] == "renders|job:r1");
  CHECK(r.keys[1].empty());
}
