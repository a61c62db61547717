// design.md rule 11: every example in proto/examples/ that a core wire type covers is
// round-tripped through that type. Iterates proto/examples/index.json, so a new ws.* or
// rest.error* example without a round-trip fails here.
#include "core/error.hpp"
#include "core/ws_protocol.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

using namespace reel::core;
using nlohmann::json;

namespace {

const std::string proto_dir = std::string(REEL_SOURCE_DIR) + "/proto";

json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = json::parse(ss.str(), nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), path << " is not JSON");
  return j;
}

std::string op_name(ws_op op) {
  switch (op) {
    case ws_op::auth:
      return "auth";
    case ws_op::subscribe:
      return "subscribe";
    case ws_op::unsubscribe:
      return "unsubscribe";
    case ws_op::ping:
      return "ping";
    case ws_op::publish:
      return "publish";
    case ws_op::send:
      return "send";
    case ws_op::state:
      return "state";
    case ws_op::render:
      return "render";
    case ws_op::cancel:
      return "cancel";
    case ws_op::credits:
      return "credits";
  }
  return "?";
}

// "2026-11-21T10:00:00.004Z" to Unix ms (the daemon writes exactly milliseconds).
std::int64_t parse_rfc3339_ms(const std::string& ts) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  REQUIRE_MESSAGE(
      std::sscanf(ts.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &y, &mo, &d, &h, &mi, &s, &ms) == 7,
      "ts " << ts << " is not RFC 3339 UTC with milliseconds");
  // Days from civil (Howard Hinnant's algorithm).
  y -= mo <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const auto mp = static_cast<unsigned>(mo > 2 ? mo - 3 : mo + 9);
  const unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return ((days * 24 + h) * 60 + mi) * 60 * 1000 + s * 1000 + ms;
}

// Client request: parsed fields equal the example's.
void round_trip_request(const json& ex) {
  json id;
  auto r = parse_ws_request(ex.dump(), id);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  CHECK(op_name(r->op) == ex.at("op").get<std::string>());
  CHECK(r->id == ex.value("id", json()));
  CHECK(id == ex.value("id", json()));
  CHECK(r->topic == ex.value("topic", ""));
  CHECK(r->key == ex.value("key", ""));
  CHECK(r->event == ex.value("event", ""));
  CHECK(r->data == ex.value("data", json::object()));
  if (ex.contains("since")) {
    REQUIRE(r->since.has_value());
    CHECK(*r->since == ex["since"].get<std::int64_t>());
  } else {
    CHECK_FALSE(r->since.has_value());
  }
  CHECK(r->body == ex);
}

void round_trip_event(const json& ex) {
  event_record e{ex.at("topic").get<std::string>(), ex.at("seq").get<std::int64_t>(),
                 ex.at("event").get<std::string>(), ex.at("data").dump(),
                 parse_rfc3339_ms(ex.at("ts").get<std::string>())};
  CHECK(rfc3339_ms(e.ts_ms) == ex["ts"]);
  CHECK(json::parse(ws_event_frame(e)) == ex);
}

error error_body(const json& body) {
  auto e = error_from_json(json{{"error", body}});
  REQUIRE_MESSAGE(e.has_value(), "not an error body: " << body.dump());
  return *e;
}

}  // namespace

TEST_CASE("every ws.* and rest.error* example in proto/ round-trips through its core type") {
  const auto index = read_json(proto_dir + "/examples/index.json").at("examples");
  REQUIRE(index.size() > 0);
  const std::set<std::string> requests{"Auth",    "Subscribe", "Unsubscribe", "Ping",
                                       "Publish", "Send",      "State",       "Credits"};
  const std::set<std::string> ok_results{"ResultOk", "SubscribeResult", "UnsubscribeResult",
                                         "PingResult", "PublishResult", "SendResult",
                                         "CreditsResult"};
  std::set<std::string> covered, uncovered;
  for (const auto& [file, entry] : index.items()) {
    CAPTURE(file);
    const auto def = entry.at("def").get<std::string>();
    const auto ex = read_json(proto_dir + "/examples/" + file);
    bool done = true;
    if (requests.count(def)) {
      round_trip_request(ex);
    } else if (def == "Hello") {
      CHECK(json::parse(ws_hello(ex.at("server").get<std::string>())) == ex);
    } else if (ok_results.count(def)) {
      CHECK(json::parse(ws_result_ok(ex.at("id"), ex.value("data", json()))) == ex);
    } else if (def == "ResultError") {
      CHECK(json::parse(ws_result_error(ex.at("id"), error_body(ex.at("error")))) == ex);
    } else if (def.rfind("Event", 0) == 0) {
      round_trip_event(ex);
    } else if (def == "ErrorEnvelope") {
      auto e = error_from_json(ex);
      REQUIRE(e.has_value());
      CHECK(to_json(*e) == ex);
    } else {
      done = false;
    }
    (done ? covered : uncovered).insert(file);
  }
  // rest.health / rest.status have no core type; everything ws.* and rest.error* must have one.
  for (const auto& file : uncovered) {
    CAPTURE(file);
    const bool needs = file.rfind("ws.", 0) == 0 || file.rfind("rest.error", 0) == 0;
    CHECK_MESSAGE(!needs, file << " has no round-trip in tests/core/proto_examples_test.cpp");
  }
  CHECK(covered.size() >= 18);
}

TEST_CASE("error.schema.json's code list and status table are the core's") {
  const auto code = read_json(proto_dir + "/error.schema.json").at("$defs").at("ErrorCode");
  const auto& statuses = code.at("x-http-status");
  std::set<std::string> names;
  for (const auto& name : code.at("enum")) {
    const auto n = name.get<std::string>();
    CAPTURE(n);
    names.insert(n);
    auto c = errc_from_string(n);
    REQUIRE(c.has_value());
    CHECK(to_string(*c) == n);
    CHECK(http_status(*c) == statuses.at(n).get<int>());
  }
  // And the core has no code the schema lacks.
  for (int i = 0; i <= static_cast<int>(errc::internal); ++i)
    CHECK(names.count(std::string(to_string(static_cast<errc>(i)))) == 1);
}

TEST_CASE("the RFC 3339 reader used above agrees with the core's writer") {
  for (std::int64_t ms : {0LL, 951782400000LL, 1795255200123LL, 4102444799999LL}) {
    CAPTURE(ms);
    CHECK(parse_rfc3339_ms(rfc3339_ms(ms)) == ms);
  }
}
