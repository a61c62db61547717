#include "core/ws_protocol.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <vector>

using namespace reel::core;

TEST_CASE("client requests parse into ops with their fields") {
  nlohmann::json id;
  auto r = parse_ws_request(R"({"id":1,"op":"subscribe","topic":"session:s_123","since":7})", id);
  REQUIRE(r.has_value());
  CHECK(r->op == ws_op::subscribe);
  CHECK(r->topic == "session:s_123");
  CHECK(r->since == 7);
  CHECK(id == 1);

  r = parse_ws_request(R"({"op":"auth","key":"k"})", id);
  REQUIRE(r.has_value());
  CHECK(r->op == ws_op::auth);
  CHECK(r->key == "k");

  r = parse_ws_request(
      R"({"id":"a","op":"publish","topic":"app:editor","event":"cursor.moved","data":{"x":1}})",
      id);
  REQUIRE(r.has_value());
  CHECK(r->data["x"] == 1);
  CHECK(id == "a");
}

TEST_CASE("malformed requests fail with bad_request and keep the id when readable") {
  struct row {
    const char* text;
    bool has_id;
  };
  const row rows[] = {
      {"not json", false},
      {"[1,2]", false},
      {R"({"id":1})", true},
      {R"({"id":1,"op":"fly"})", true},
      {R"({"op":"ping"})", false},
      {R"({"id":2,"op":"subscribe"})", true},
      {R"({"id":2,"op":"subscribe","topic":"nope"})", true},
      {R"({"id":2,"op":"subscribe","topic":"session:"})", true},
      {R"({"id":2,"op":"subscribe","topic":"renders","since":-1})", true},
      {R"({"id":2,"op":"subscribe","topic":"renders","since":"3"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"bad name"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"Cursor.moved"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"cursor-moved"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"cursor..moved"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":".cursor"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"cursor."})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"1cursor"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":"cursor.2d"})", true},
      {R"({"id":3,"op":"publish","topic":"app:x","event":""})", true},
      {R"({"id":3,"op":"publish","topic":"app:-x","event":"tick"})", true},
      {R"({"id":3,"op":"publish","topic":"app:.x","event":"tick"})", true},
      {R"({"id":2,"op":"subscribe","topic":"session:s.1"})", true},
      {R"({"id":{"a":1},"op":"ping"})", false},
      {R"({"id":5,"op":"publish","topic":"app:x","event":"hi","data":7})", true},
  };
  for (const auto& r : rows) {
    CAPTURE(r.text);
    nlohmann::json id;
    auto p = parse_ws_request(r.text, id);
    CHECK_FALSE(p.has_value());
    if (!p) CHECK(p.error().code == errc::bad_request);
    CHECK(id.is_null() == !r.has_id);
  }
}

TEST_CASE("topics") {
  for (auto t : {"renders", "status", "*", "session:s_1", "app:editor-2"}) CHECK(valid_topic(t));
  for (auto t : {"", "session", "session:", "app:a b", "renders2", "x:y"})
    CHECK_FALSE(valid_topic(t));
}

TEST_CASE("topic names follow proto: session ids [A-Za-z0-9_-]{1,64}, app names start alnum") {
  const std::string id64(64, 'a');
  const std::string name64 = "A" + std::string(63, '.');
  for (const auto& t : std::vector<std::string>{"session:" + id64, "session:S-1_b", "app:" + name64,
                                                "app:0", "app:Editor.v2_x-y"}) {
    CAPTURE(t);
    CHECK(valid_topic(t));
  }
  for (const auto& t : std::vector<std::string>{
           "session:" + id64 + "a", "session:s.1", "session:s:1", "app:", "app:" + name64 + "a",
           "app:-x", "app:.x", "app:_x", "app:a/b", "app:é", "App:x", "session:s 1"}) {
    CAPTURE(t);
    CHECK_FALSE(valid_topic(t));
  }
}

TEST_CASE("event names are dot-separated lower-case parts of at most 64 characters") {
  auto publish = [](const std::string& event) {
    nlohmann::json id;
    return parse_ws_request(
        nlohmann::json{{"id", 1}, {"op", "publish"}, {"topic", "app:x"}, {"event", event}}.dump(),
        id);
  };
  const std::string long64 = "a" + std::string(63, '_');
  for (const auto& e :
       std::vector<std::string>{"x", "tick", "cursor.moved", "a1.b_2.c", "chat.text", long64}) {
    CAPTURE(e);
    auto r = publish(e);
    REQUIRE(r.has_value());
    CHECK(r->event == e);
  }
  for (const auto& e : std::vector<std::string>{"", long64 + "a", "Tick", "cursor-moved", "a..b",
                                                ".a", "a.", "1a", "a.1b", "a b", "a/b", "_a"}) {
    CAPTURE(e);
    auto r = publish(e);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == errc::bad_request);
    CHECK(r.error().message.find("\"event\"") != std::string::npos);
  }
}

TEST_CASE("publishable topics") {
  CHECK(publishable_topic("app:bot"));
  CHECK_FALSE(publishable_topic("renders"));
  CHECK_FALSE(publishable_topic("session:s_1"));
}

TEST_CASE("event frames embed the stored data text and an RFC 3339 time") {
  event_record e{"session:s_1", 42, "chat.text", R"({"text":"Hallo 世界","final":true})",
                 1795255200123};
  auto j = nlohmann::json::parse(ws_event_frame(e));
  CHECK(j["type"] == "event");
  CHECK(j["seq"] == 42);
  CHECK(j["data"]["text"] == "Hallo 世界");
  CHECK(j["ts"] == "2026-11-21T10:00:00.123Z");
  CHECK(rfc3339_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339_ms(951782400000) == "2000-02-29T00:00:00.000Z");
}

TEST_CASE("server messages have the documented shape") {
  auto hello = nlohmann::json::parse(ws_hello("reeld/0.1.0"));
  CHECK(hello == nlohmann::json{{"type", "hello"}, {"version", 1}, {"server", "reeld/0.1.0"}});
  auto ok = nlohmann::json::parse(ws_result_ok(5, {{"pong", true}}));
  CHECK(ok["ok"] == true);
  CHECK(ok["data"]["pong"] == true);
  auto err = nlohmann::json::parse(ws_result_error("x", make_error(errc::forbidden, "no")));
  CHECK(err["ok"] == false);
  CHECK(err["error"]["code"] == "forbidden");
  CHECK(err["id"] == "x");
}
