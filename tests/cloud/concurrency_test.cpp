// Many tools at once on one daemon: the token is requested once and renewed once, whatever the
// number of calls waiting for it.
#include "cloud_fixture.hpp"

#include <atomic>

using namespace reel::cloud_test;
using reel::fake_nemo::endpoint;
using reel::fake_nemo::knobs;

namespace {

// Runs `n` copies of `fn` on their own threads, released together; their statuses in order.
std::vector<int> all_at_once(int n, const std::function<int(int)>& fn) {
  std::vector<int> statuses(static_cast<std::size_t>(n), 0);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (!go) std::this_thread::yield();
      statuses[static_cast<std::size_t>(i)] = fn(i);
    });
  while (ready < n) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
  return statuses;
}

// One request on its own connection, away from the fixture's (single-threaded) bookkeeping.
int request(std::uint16_t port, const std::string& key, const std::string& method,
            const std::string& target, const std::string& body = {}) {
  return reel::test::http(port, method, target, key, body).status;
}

}  // namespace

TEST_CASE("10 tools creating sessions at once on a fresh daemon cause exactly one token request") {
  cloud_fixture f;
  // A slow token answer keeps the first request in flight while the others arrive.
  f.sim().update_knobs([](knobs& k) {
    k.endpoint_delay[endpoint::anonymous_token] = std::chrono::milliseconds(300);
  });
  const auto port = f.port();
  const auto key = f.key();
  auto statuses = all_at_once(10, [&](int) {
    return request(port, key, "POST", "/v1/sessions", R"({"backend":"nemovideo"})");
  });
  for (int s : statuses) CHECK(s == 201);
  CHECK(f.calls(endpoint::anonymous_token) == 1);
  CHECK(f.calls(endpoint::create_session) == 10);
  CHECK(f.sim().session_ids().size() == 10);
  auto list = f.get("/v1/sessions").json()["sessions"];
  CHECK(list.size() == 10);
}

TEST_CASE("an expiry while 5 requests are in flight causes exactly one renewal; all 5 succeed") {
  cloud_fixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(f.new_session()["id"]);
  REQUIRE(f.calls(endpoint::anonymous_token) == 1);
  // The token dies upstream; reeld still believes it valid. The five state calls go out with
  // it together (the answers are held back a little so that they overlap) and all get 1001.
  f.sim().update_knobs(
      [](knobs& k) { k.endpoint_delay[endpoint::state] = std::chrono::milliseconds(250); });
  f.sim().expire_all_tokens();
  const auto port = f.port();
  const auto key = f.key();
  auto statuses = all_at_once(5, [&](int i) {
    return request(port, key, "GET", "/v1/sessions/" + ids[static_cast<std::size_t>(i)] + "/state");
  });
  for (int s : statuses) CHECK(s == 200);
  CHECK(f.calls(endpoint::anonymous_token) == 2);
  // Five refused with the old token, five accepted with the new one.
  int refused = 0;
  for (const auto& r : f.sim().requests())
    if (r.ep == endpoint::state && r.code == 1001) ++refused;
  CHECK(refused == 5);
  CHECK(f.calls(endpoint::state) == 10);
}

TEST_CASE("5 requests that all meet a lost session (1002) replace it once; all 5 succeed") {
  cloud_fixture f;
  auto s = f.new_session();
  const std::string id = s["id"];
  const std::string old_sid = s["upstream_session_id"];
  REQUIRE(f.calls(endpoint::create_session) == 1);
  // The five state calls overlap upstream (held back a little) and all come back with 1002.
  f.sim().update_knobs(
      [](knobs& k) { k.endpoint_delay[endpoint::state] = std::chrono::milliseconds(250); });
  f.sim().lose_session(old_sid);
  const auto port = f.port();
  const auto key = f.key();
  auto statuses = all_at_once(
      5, [&](int) { return request(port, key, "GET", "/v1/sessions/" + id + "/state"); });
  for (int st : statuses) CHECK(st == 200);
  CHECK(f.calls(endpoint::create_session) == 2);
  int lost = 0;
  for (const auto& r : f.sim().requests())
    if (r.ep == endpoint::state && r.code == 1002) ++lost;
  CHECK(lost == 5);
  CHECK(f.get("/v1/sessions/" + id).json()["upstream_session_id"] != old_sid);
}
