#include "api/api_fixture.hpp"

#include <thread>

#include <doctest/doctest.h>

using namespace reel::test;

TEST_CASE("a client with the key in the upgrade is greeted and can subscribe, ping, unsubscribe") {
  api_fixture fx;
  raw_ws ws(fx.port(), fx.key());
  REQUIRE(ws.upgrade_response().status == 101);
  auto hello = ws.read_json();
  CHECK(hello["type"] == "hello");
  CHECK(hello["version"] == 1);
  ws.send_text(R"({"id":1,"op":"subscribe","topic":"app:t"})");
  auto res = ws.read_json();
  CHECK(res["id"] == 1);
  CHECK(res["ok"] == true);
  CHECK(res["data"]["last_seq"] == 0);
  ws.send_text(R"({"id":"p","op":"ping"})");
  res = ws.read_json();
  CHECK(res["id"] == "p");
  CHECK(res["data"]["pong"] == true);
  ws.send_text(R"({"id":2,"op":"unsubscribe","topic":"app:t"})");
  CHECK(ws.read_json()["ok"] == true);
  fx.publish("app:t", 1);
  CHECK(ws.read_json(300).is_null());  // unsubscribed: nothing comes
}

TEST_CASE("a browser authenticates with its first message; no hello before that") {
  api_fixture fx;
  raw_ws ws(fx.port(), "");
  REQUIRE(ws.upgrade_response().status == 101);
  CHECK(ws.read_json(300).is_null());
  ws.send_text(nlohmann::json{{"op", "auth"}, {"key", fx.key()}}.dump());
  CHECK(ws.read_json()["type"] == "hello");
}

TEST_CASE("a wrong key in the first message closes the socket with 1008") {
  api_fixture fx;
  raw_ws ws(fx.port(), "");
  ws.send_text(R"({"op":"auth","key":"not-the-key-at-all"})");
  auto f = ws.read();
  CHECK(f.opcode == 8);
  CHECK(f.close_code() == 1008);
  CHECK(f.close_reason() == "unauthorized");
}

TEST_CASE("a client that never authenticates is closed with 1008 after the auth timeout") {
  api_fixture fx({"--set", "api.ws_auth_timeout_s=1"});
  raw_ws ws(fx.port(), "");
  auto f = ws.read(4000);
  CHECK(f.opcode == 8);
  CHECK(f.close_code() == 1008);
  CHECK(f.close_reason() == "auth timeout");
}

TEST_CASE("bad requests get a bad_request result and the connection stays usable") {
  api_fixture fx;
  auto ws = fx.subscriber("app:x");
  ws->send_text("{not json");
  auto r = ws->read_json();
  CHECK(r["ok"] == false);
  CHECK(r["error"]["code"] == "bad_request");
  ws->send_text(R"({"id":3,"op":"publish","topic":"renders","event":"fake"})");
  r = ws->read_json();
  CHECK(r["id"] == 3);
  CHECK(r["error"]["code"] == "forbidden");
  ws->send_text(R"({"id":4,"op":"publish","topic":"app:x","event":"hi","data":{"a":1}})");
  // Two messages: the result, and our own event (we subscribed to app:x), which the hub hands
  // out as it publishes, so it comes first.
  auto event = ws->read_json();
  r = ws->read_json();
  CHECK(event["event"] == "hi");
  CHECK(event["data"]["a"] == 1);
  CHECK(r["id"] == 4);
  CHECK(r["data"]["seq"] == 1);
}

TEST_CASE("fan-out: 50 clients each get every event, in order") {
  api_fixture fx;
  std::vector<std::unique_ptr<raw_ws>> clients;
  for (int i = 0; i < 50; ++i) clients.push_back(fx.subscriber("session:fan"));
  auto pub = fx.subscriber("app:pub");
  const int n = 200;
  for (int i = 1; i <= n; ++i)
    pub->send_text(
        nlohmann::json{{"id", i}, {"op", "publish"}, {"topic", "app:fan"}, {"event", "x"}}.dump());
  // app: topics are what clients publish to; this test publishes to app:fan and listens there.
  std::vector<std::unique_ptr<raw_ws>> listeners;
  (void)listeners;
  for (auto& c : clients) c->send_text(R"({"id":9,"op":"subscribe","topic":"app:fan2"})");
  for (auto& c : clients) CHECK(c->read_json()["id"] == 9);
  for (int i = 1; i <= n; ++i) fx.publish("app:fan2", i);
  int in_order = 0;
  for (auto& c : clients) {
    bool ok = true;
    for (int i = 1; i <= n; ++i) {
      auto e = c->read_json();
      ok = ok && e["type"] == "event" && e["seq"] == i && e["data"]["i"] == i;
    }
    in_order += ok ? 1 : 0;
  }
  CHECK(in_order == 50);
}

TEST_CASE("replay with since works across a restart of the daemon") {
  api_fixture fx;
  for (int i = 1; i <= 20; ++i) CHECK(fx.publish("app:r", i).status == 201);
  REQUIRE(fx.daemon->stop() == 0);
  fx.start();
  auto ws = fx.subscriber("app:r", 5);
  for (int i = 6; i <= 20; ++i) {
    auto e = ws->read_json();
    REQUIRE(e["type"] == "event");
    CHECK(e["seq"] == i);
    CHECK(e["data"]["i"] == i);
  }
  // New events continue the same sequence.
  CHECK(fx.publish("app:r", 21).json()["seq"] == 21);
  CHECK(ws->read_json()["seq"] == 21);
}

TEST_CASE("replay survives kill -9: events written before the crash come back") {
  api_fixture fx({"--set", "store.event_flush_ms=5"});
  for (int i = 1; i <= 10; ++i) fx.publish("app:k", i);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // past the flush interval
  fx.daemon->kill_now();
  fx.start();
  auto ws = fx.subscriber("app:k", 0);
  int got = 0;
  while (ws->read_json(500)["type"] == "event") ++got;
  CHECK(got == 10);
}

TEST_CASE("a client that never reads is closed with 1008 while the others get every event") {
  api_fixture fx({"--set", "api.ws_outbox_messages=64", "--set", "api.ws_outbox_bytes=262144"});
  std::vector<std::unique_ptr<raw_ws>> readers;
  for (int i = 0; i < 5; ++i) readers.push_back(fx.subscriber("app:slow"));
  auto stuck = fx.subscriber("app:slow", -1, 4096);  // small receive buffer, never read
  // Enough bytes to fill the kernel's socket buffers (several MB on loopback) many times over.
  const int n = 4000;
  const std::string pad(4000, 'p');
  std::vector<int> complete(readers.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < readers.size(); ++k) {
    threads.emplace_back([&, k] {
      bool ok = true;
      for (int i = 1; i <= n && ok; ++i) ok = readers[k]->read_json(10000)["seq"] == i;
      complete[k] = ok ? 1 : 0;
    });
  }
  for (int i = 1; i <= n; ++i) {
    nlohmann::json body{{"topic", "app:slow"}, {"event", "x"}, {"data", {{"i", i}, {"pad", pad}}}};
    REQUIRE(http(fx.port(), "POST", "/v1/events", fx.key(), body.dump()).status == 201);
  }
  for (auto& t : threads) t.join();
  CHECK(complete == std::vector<int>(readers.size(), 1));
  // The stuck client was dropped: reading now drains what the kernel held, then the end.
  int events = 0;
  ws_frame f;
  for (;;) {
    f = stuck->read(3000);
    if (f.opcode != 1) break;
    ++events;
  }
  CHECK(events < n);
  CHECK((f.opcode == 8 || f.opcode == -1));
  if (f.opcode == 8) CHECK(f.close_code() == 1008);
  auto m = http(fx.port(), "GET", "/metrics", fx.key());
  CHECK(m.body.find("reel_ws_clients_dropped_total{reason=\"outbox_overflow\"} 1") !=
        std::string::npos);
}
