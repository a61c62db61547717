// Keeps proto/ and the daemon in step: real answers of a real reeld (REST bodies, WebSocket
// frames) are written to files and validated with `proto/check.py --validate REF FILE...`, the
// same schemas the examples are checked against.
#include "api/api_fixture.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <cstdio>
#include <fstream>
#include <map>
#include <vector>

using namespace reel::test;
using nlohmann::json;

namespace {

const std::string python = "/usr/bin/python3";
const std::string check_py = std::string(REEL_SOURCE_DIR) + "/proto/check.py";

// Runs check.py --validate on `files`; returns its exit status, its output in `out`.
int run_check(const std::string& ref, const std::vector<std::string>& files, std::string& out) {
  std::string cmd = python + " '" + check_py + "' --validate '" + ref + "'";
  for (const auto& f : files) cmd += " '" + f + "'";
  cmd += " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Collects answers (exactly as the daemon sent them) per schema reference, then validates each
// group with one run of check.py.
class proto_validator {
 public:
  explicit proto_validator(const temp_dir& dir) : dir_(dir) {}

  void add(const std::string& ref, const std::string& name, const std::string& text) {
    const auto path = dir_.file(std::to_string(++count_) + "-" + name + ".json");
    std::ofstream(path) << text;
    files_[ref].push_back(path);
  }
  // Server messages are also checked against ws.schema.json as a whole.
  void add_ws(const std::string& def, const std::string& name, const std::string& text) {
    add("ws.schema.json#/$defs/" + def, name, text);
    add("ws.schema.json", name, text);
  }

  void check_all() {
    REQUIRE_FALSE(files_.empty());
    for (const auto& [ref, files] : files_) {
      std::string out;
      const int rc = run_check(ref, files, out);
      CAPTURE(ref);
      CHECK_MESSAGE(rc == 0, "check.py --validate failed:\n" << out);
      CHECK(out.find("all good") != std::string::npos);
    }
    files_.clear();
  }

 private:
  const temp_dir& dir_;
  int count_ = 0;
  std::map<std::string, std::vector<std::string>> files_;
};

// The next text frame's exact payload.
std::string next_text(raw_ws& ws) {
  auto f = ws.read();
  REQUIRE_MESSAGE(f.opcode == 1, "expected a text frame, got opcode " << f.opcode);
  return f.payload;
}

std::string big_post(std::uint16_t port, const std::string& path, const std::string& key,
                     std::size_t announced, const std::string& host = {}) {
  raw_conn c(port);
  std::string req = "POST " + path + " HTTP/1.1\r\nHost: " +
                    (host.empty() ? "127.0.0.1:" + std::to_string(port) : host) + "\r\n";
  if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
  req +=
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(announced) + "\r\n\r\n";
  c.send(req);  // and none of the body: answers must come before it is read
  return c.read_response();
}

}  // namespace

TEST_CASE("REST answers of a real daemon validate against proto/") {
  api_fixture fx({"--set", "api.max_json_body=4096"});
  proto_validator v(fx.dir);
  const std::string envelope = "error.schema.json#/$defs/ErrorEnvelope";

  auto r = http(fx.port(), "GET", "/v1/health", "");
  CHECK(r.status == 200);
  v.add("status.schema.json#/$defs/Health", "health", r.body);

  r = http(fx.port(), "GET", "/v1/status", fx.key());
  CHECK(r.status == 200);
  v.add("status.schema.json#/$defs/Status", "status", r.body);
  v.add("status.schema.json", "status", r.body);

  r = http(fx.port(), "GET", "/v1/status", "");
  CHECK(r.status == 401);
  CHECK(r.has_header("www-authenticate"));
  v.add(envelope, "401-no-key", r.body);
  r = http(fx.port(), "GET", "/v1/status", fx.key() + "x");
  CHECK(r.status == 401);
  v.add(envelope, "401-wrong-key", r.body);

  r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "", "evil.example");
  CHECK(r.status == 403);
  v.add(envelope, "403-host", r.body);
  r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "Origin: https://evil.example\r\n");
  CHECK(r.status == 403);
  v.add(envelope, "403-origin", r.body);
  r = http(fx.port(), "POST", "/v1/events", fx.key(), R"({"topic":"renders","event":"x"})");
  CHECK(r.status == 403);
  v.add(envelope, "403-publish", r.body);

  r = http(fx.port(), "GET", "/v1/nowhere", fx.key());
  CHECK(r.status == 404);
  v.add(envelope, "404", r.body);

  r = http(fx.port(), "POST", "/v1/status", fx.key());
  CHECK(r.status == 405);
  CHECK(r.has_header("allow"));
  v.add(envelope, "405", r.body);

  r = parse_response(big_post(fx.port(), "/v1/events", fx.key(), 5000));
  CHECK(r.status == 413);
  v.add(envelope, "413", r.body);

  r = http(fx.port(), "POST", "/v1/events", fx.key(), "{\"topic\": ");
  CHECK(r.status == 400);
  v.add(envelope, "400-json", r.body);
  r = http(fx.port(), "POST", "/v1/events", fx.key(), R"({"topic":"app:x","event":"Bad-Name"})");
  CHECK(r.status == 400);
  v.add(envelope, "400-event-name", r.body);

  const std::string body = R"({"topic":"app:editor","event":"cursor.moved","data":{"t":1.5}})";
  v.add("openapi.yaml#/components/schemas/EventPublish", "publish-request", body);
  r = http(fx.port(), "POST", "/v1/events", fx.key(), body);
  CHECK(r.status == 201);
  CHECK(r.json() == json{{"topic", "app:editor"}, {"seq", 1}});
  v.add("openapi.yaml#/components/schemas/EventPublished", "publish-201", r.body);

  raw_ws bad_key(fx.port(), "wrong-key");
  CHECK(bad_key.upgrade_response().status == 401);
  v.add(envelope, "ws-401", bad_key.upgrade_response().body);

  v.check_all();
}

TEST_CASE("the checks run in the order openapi.yaml documents") {
  // Documented: (0) Content-Length over every limit -> 413, Host, Origin, preflight, key,
  // 404/405, the call's body limit (413 before the body is read), the call itself.
  api_fixture fx({"--set", "api.max_json_body=4096", "--set", "api.max_media_body=8192",
                  "--allow-origin", "http://localhost:5173"});
  const auto foreign = "evil.example:" + std::to_string(fx.port());
  auto status = [](const std::string& raw) { return parse_response(raw).status; };

  CHECK(status(big_post(fx.port(), "/v1/nowhere", "", 9000, foreign)) == 413);
  CHECK(http(fx.port(), "GET", "/v1/nowhere", "", "", "", foreign).status == 403);
  CHECK(http(fx.port(), "GET", "/v1/nowhere", "", "", "Origin: https://evil.example\r\n").status ==
        403);
  CHECK(http(fx.port(), "OPTIONS", "/v1/nowhere", "", "",
             "Origin: http://localhost:5173\r\nAccess-Control-Request-Method: POST\r\n")
            .status == 204);
  CHECK(http(fx.port(), "GET", "/v1/nowhere", "").status == 401);
  CHECK(http(fx.port(), "POST", "/v1/status", "").status == 401);
  CHECK(status(big_post(fx.port(), "/v1/nowhere", fx.key(), 5000)) == 404);
  CHECK(status(big_post(fx.port(), "/v1/status", fx.key(), 5000)) == 405);
  CHECK(status(big_post(fx.port(), "/v1/events", fx.key(), 5000)) == 413);
  CHECK(http(fx.port(), "POST", "/v1/events", fx.key(), "nope").status == 400);
}

TEST_CASE("WebSocket frames of a real daemon validate against proto/, own event before result") {
  api_fixture fx;
  proto_validator v(fx.dir);
  raw_ws ws(fx.port(), fx.key());
  REQUIRE(ws.upgrade_response().status == 101);
  v.add_ws("Hello", "hello", next_text(ws));

  // What the test sends is valid proto too.
  auto send = [&](const std::string& def, const std::string& text) {
    v.add_ws(def, "sent-" + def, text);
    ws.send_text(text);
  };
  send("Subscribe", R"({"id":1,"op":"subscribe","topic":"app:live"})");
  v.add_ws("SubscribeResult", "subscribe-result", next_text(ws));
  send("Ping", R"({"id":"p-1","op":"ping"})");
  v.add_ws("PingResult", "ping-result", next_text(ws));

  send("Publish",
       R"({"id":3,"op":"publish","topic":"app:live","event":"cursor.moved","data":{"t":3.25}})");
  const auto own_event = next_text(ws);
  const auto publish_result = next_text(ws);
  CHECK(json::parse(own_event)["type"] == "event");  // before the result (documented)
  CHECK(json::parse(publish_result)["id"] == 3);
  v.add_ws("EventApp", "own-event", own_event);
  v.add_ws("PublishResult", "publish-result", publish_result);

  REQUIRE(fx.publish("app:live", 2).status == 201);
  v.add_ws("EventApp", "rest-event", next_text(ws));

  // Failures: forbidden topic, unknown and planned ops, bad names, not JSON (id null).
  // (Not sent through `send`: proto itself refuses these requests.)
  ws.send_text(R"({"id":4,"op":"publish","topic":"renders","event":"fake"})");
  v.add_ws("ResultError", "result-forbidden", next_text(ws));
  for (const char* bad : {R"({"id":5,"op":"rename"})", R"({"id":6,"op":"send","text":"hi"})",
                          R"({"id":7,"op":"publish","topic":"app:live","event":"Bad"})",
                          R"({"id":8,"op":"subscribe","topic":"app:-x"})", "{not json"}) {
    CAPTURE(bad);
    ws.send_text(bad);
    const auto res = next_text(ws);
    CHECK(json::parse(res)["ok"] == false);
    v.add_ws("ResultError", "result-failed", res);
  }

  // A repeated auth is answered ok (documented in ws.schema.json Auth).
  send("Auth", R"({"op":"auth","key":")" + fx.key() + R"(","id":9})");
  v.add_ws("ResultOk", "auth-again", next_text(ws));

  send("Unsubscribe", R"({"id":10,"op":"unsubscribe","topic":"app:live"})");
  v.add_ws("UnsubscribeResult", "unsubscribe-result", next_text(ws));

  // A browser-style client: auth frame, hello, replay of what the topic holds, live on `*`.
  raw_ws browser(fx.port(), "");
  REQUIRE(browser.upgrade_response().status == 101);
  browser.send_text(R"({"op":"auth","key":")" + fx.key() + R"("})");
  v.add_ws("Hello", "hello-after-auth", next_text(browser));
  browser.send_text(R"({"id":1,"op":"subscribe","topic":"app:live","since":0})");
  const auto replay_result = next_text(browser);
  CHECK(json::parse(replay_result)["data"]["replayed"] == 2);
  v.add_ws("SubscribeResult", "replay-result", replay_result);
  v.add_ws("EventApp", "replayed-1", next_text(browser));
  v.add_ws("EventApp", "replayed-2", next_text(browser));
  browser.send_text(R"({"id":2,"op":"subscribe","topic":"*"})");
  v.add_ws("SubscribeResult", "star-result", next_text(browser));
  REQUIRE(fx.publish("app:other", 3).status == 201);
  v.add_ws("Event", "star-event", next_text(browser));

  v.check_all();
}

TEST_CASE("the live check can fail: a frame unlike proto/ is refused by check.py") {
  temp_dir dir;
  const auto path = dir.file("hello.json");
  std::ofstream(path) << R"({"type":"hello","version":2,"server":"reeld/0.1.0"})";
  std::string out;
  CHECK(run_check("ws.schema.json#/$defs/Hello", {path}, out) == 1);
  CHECK(out.find("FAIL") != std::string::npos);
}
