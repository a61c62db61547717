#include "api/api_fixture.hpp"

#include <doctest/doctest.h>

using namespace reel::test;

TEST_CASE("health needs no key; everything else answers 401 without the right key") {
  api_fixture fx;
  auto r = http(fx.port(), "GET", "/v1/health", "");
  CHECK(r.status == 200);
  CHECK(r.json() == nlohmann::json{{"status", "ok"}});

  for (const char* path : {"/v1/status", "/metrics", "/v1/nowhere"}) {
    CAPTURE(path);
    r = http(fx.port(), "GET", path, "");
    CHECK(r.status == 401);
    CHECK(r.json()["error"]["code"] == "unauthorized");
    CHECK(r.has_header("www-authenticate"));
    r = http(fx.port(), "GET", path, fx.key() + "x");
    CHECK(r.status == 401);
  }
  r = http(fx.port(), "GET", "/v1/status", fx.key());
  CHECK(r.status == 200);
  auto s = r.json();
  CHECK(s["version"] == "0.1.0");
  CHECK(s["listen"] == "127.0.0.1:" + std::to_string(fx.port()));
  CHECK(s["counts"]["jobs"]["queued"] == 0);
  CHECK(s["upstream"]["token"]["state"] == "missing");
}

TEST_CASE("a foreign Host is refused with 403 (DNS rebinding), a loopback one is served") {
  api_fixture fx;
  auto r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "",
                "evil.example:" + std::to_string(fx.port()));
  CHECK(r.status == 403);
  CHECK(r.json()["error"]["code"] == "forbidden");
  r = http(fx.port(), "GET", "/v1/health", "", "", "", "attacker.test");
  CHECK(r.status == 403);
  r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "",
           "localhost:" + std::to_string(fx.port()));
  CHECK(r.status == 200);
  r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "", "127.0.0.1:1");
  CHECK(r.status == 403);
}

TEST_CASE("an Origin not in api.allowed_origins is refused; a listed one gets CORS headers") {
  api_fixture fx({"--allow-origin", "http://localhost:5173"});
  auto r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "Origin: https://evil.example\r\n");
  CHECK(r.status == 403);
  CHECK(r.json()["error"]["code"] == "forbidden");
  CHECK_FALSE(r.has_header("access-control-allow-origin"));

  r = http(fx.port(), "GET", "/v1/status", fx.key(), "", "Origin: http://localhost:5173\r\n");
  CHECK(r.status == 200);
  CHECK(r.head.find("access-control-allow-origin: http://localhost:5173") != std::string::npos);

  // No Origin: no CORS headers at all.
  r = http(fx.port(), "GET", "/v1/status", fx.key());
  CHECK_FALSE(r.has_header("access-control-allow-origin"));

  // A browser's preflight carries no key and is answered for the allowed origin only.
  r = http(fx.port(), "OPTIONS", "/v1/events", "", "",
           "Origin: http://localhost:5173\r\nAccess-Control-Request-Method: POST\r\n");
  CHECK(r.status == 204);
  CHECK(r.has_header("access-control-allow-methods"));
  r = http(fx.port(), "OPTIONS", "/v1/events", "", "",
           "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n");
  CHECK(r.status == 403);
}

TEST_CASE("the WebSocket upgrade is refused for a foreign Host, a foreign Origin and a wrong key") {
  api_fixture fx;
  raw_ws bad_host(fx.port(), fx.key(), "", "evil.example:" + std::to_string(fx.port()));
  CHECK(bad_host.upgrade_response().status == 403);
  raw_ws bad_origin(fx.port(), fx.key(), "Origin: https://evil.example\r\n");
  CHECK(bad_origin.upgrade_response().status == 403);
  CHECK(bad_origin.upgrade_response().json()["error"]["code"] == "forbidden");
  raw_ws bad_key(fx.port(), "wrong-key-wrong-key");
  CHECK(bad_key.upgrade_response().status == 401);
  raw_ws good(fx.port(), fx.key());
  CHECK(good.upgrade_response().status == 101);
}

TEST_CASE("a body over the limit gets 413 before it is read, with the envelope") {
  api_fixture fx({"--set", "api.max_json_body=4096"});
  raw_conn c(fx.port());
  // Announce 100 MB and send none of it: the answer must come anyway.
  c.send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(fx.port()) +
         "\r\nAuthorization: Bearer " + fx.key() +
         "\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n");
  auto r = parse_response(c.read_response());
  CHECK(r.status == 413);
  CHECK(r.json()["error"]["code"] == "payload_too_large");

  // A chunked body with no length is cut off at the limit too.
  raw_conn d(fx.port());
  std::string chunk(3000, 'x');
  char size_line[16];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  d.send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(fx.port()) +
         "\r\nAuthorization: Bearer " + fx.key() + "\r\nTransfer-Encoding: chunked\r\n\r\n" +
         size_line + chunk + "\r\n" + size_line + chunk + "\r\n");
  r = parse_response(d.read_response());
  CHECK(r.status == 413);
}

TEST_CASE("malformed JSON and malformed HTTP get 400 with the envelope") {
  api_fixture fx;
  auto r = http(fx.port(), "POST", "/v1/events", fx.key(), "{\"topic\": ");
  CHECK(r.status == 400);
  CHECK(r.json()["error"]["code"] == "bad_request");
  CHECK(r.json()["error"]["message"].get<std::string>().find("JSON") != std::string::npos);
  r = http(fx.port(), "POST", "/v1/events", fx.key(), "[1,2]");
  CHECK(r.status == 400);
  r = http(fx.port(), "POST", "/v1/events", fx.key(), R"({"topic":"renders","event":"x"})");
  CHECK(r.status == 403);

  raw_conn c(fx.port());
  c.send("GARBAGE / NOT-HTTP\r\n\r\n");
  r = parse_response(c.read_response());
  CHECK(r.status == 400);
  CHECK(r.json()["error"]["code"] == "bad_request");
}

TEST_CASE("unknown paths are 404, known paths with the wrong method 405 with Allow") {
  api_fixture fx;
  auto r = http(fx.port(), "GET", "/v1/nope", fx.key());
  CHECK(r.status == 404);
  CHECK(r.json()["error"]["code"] == "not_found");
  r = http(fx.port(), "DELETE", "/v1/status", fx.key());
  CHECK(r.status == 405);
  CHECK(r.json()["error"]["code"] == "method_not_allowed");
  CHECK(r.head.find("allow: get") != std::string::npos);
  r = http(fx.port(), "GET", "/v1/events", fx.key());
  CHECK(r.status == 405);
}

TEST_CASE("a request that stalls is cut off after the read timeout") {
  api_fixture fx({"--set", "api.read_timeout_s=1"});
  raw_conn c(fx.port());
  c.send("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // never finishes its header
  auto t0 = std::chrono::steady_clock::now();
  CHECK(c.closed_within(std::chrono::seconds(4)));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(800));
}

TEST_CASE("keep-alive serves several requests on one connection") {
  api_fixture fx;
  raw_conn c(fx.port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(fx.port()) + "\r\n\r\n");
    auto r = parse_response(c.read_response());
    CHECK(r.status == 200);
  }
}

TEST_CASE("metrics count requests, events and WebSocket clients") {
  api_fixture fx;
  auto ws = fx.subscriber("app:m");
  fx.publish("app:m", 1);
  http(fx.port(), "GET", "/v1/nope", fx.key());
  auto r = http(fx.port(), "GET", "/metrics", fx.key());
  CHECK(r.status == 200);
  CHECK(r.head.find("content-type: text/plain; version=0.0.4") != std::string::npos);
  CHECK(r.body.find(
            "reel_http_requests_total{route=\"/v1/events\",method=\"POST\",status=\"201\"} 1") !=
        std::string::npos);
  CHECK(r.body.find("reel_events_published_total 1") != std::string::npos);
  CHECK(r.body.find("reel_ws_clients 1") != std::string::npos);
  CHECK(r.body.find("reel_jobs") != std::string::npos);
}
