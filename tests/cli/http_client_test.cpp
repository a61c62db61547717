// The HTTP client in-process, against the fake daemon and a port that never answers.
#include "cli/http_client.hpp"
#include "cli/fake_daemon.hpp"
#include "cli/test_support.hpp"

#include <doctest/doctest.h>

using namespace reel::cli;
using namespace reel::cli::test;

namespace {

client_options options_for(std::uint16_t port, std::optional<std::string> key = "k") {
  client_options o;
  o.address.host = "127.0.0.1";
  o.address.port = port;
  o.address.source = "--host";
  o.api_key = std::move(key);
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.io_timeout = std::chrono::milliseconds(2000);
  return o;
}

}  // namespace

TEST_CASE("http_client: a JSON body goes out with its content type, the key and the Host") {
  fake_daemon daemon([](const recorded_request& req) {
    return canned_response{201, R"({"id":"s_1","echo":)" + req.body + "}"};
  });
  http_client http(options_for(daemon.port(), "secret"));
  nlohmann::json body = {{"language", "en"}};
  auto r = http.call_json("POST", "/v1/sessions", &body);
  REQUIRE(r.has_value());
  CHECK((*r)["id"] == "s_1");
  CHECK((*r)["echo"] == body);
  auto req = daemon.requests().at(0);
  CHECK(req.method == "POST");
  CHECK(req.header("content-type") == "application/json");
  CHECK(req.header("authorization") == "Bearer secret");
  CHECK(req.header("host") == daemon.address());
}

TEST_CASE("http_client: no key, no Authorization header") {
  fake_daemon daemon([](const recorded_request&) { return canned_response{200, "{}"}; });
  http_client http(options_for(daemon.port(), std::nullopt));
  REQUIRE(http.get_json("/v1/health").has_value());
  CHECK(daemon.requests().at(0).header("authorization").empty());
}

TEST_CASE("http_client: an error envelope becomes the daemon's error, unknown codes kept") {
  fake_daemon daemon([](const recorded_request& req) {
    if (req.target == "/known")
      return canned_response{402,
                             R"({"error":{"code":"out_of_credits","message":"No credits.",
                                 "hint":"Register","upstream_code":2001}})"};
    return canned_response{418, R"({"error":{"code":"teapot_mode","message":"I am a teapot"}})"};
  });
  http_client http(options_for(daemon.port()));
  auto known = http.get_json("/known");
  REQUIRE_FALSE(known.has_value());
  CHECK(known.error().kind == failure::daemon);
  CHECK(known.error().http_status == 402);
  CHECK(known.error().error.code == reel::core::errc::out_of_credits);
  CHECK(known.error().error.hint == "Register");
  CHECK(known.error().error.upstream_code == 2001);
  auto unknown = http.get_json("/unknown");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code_name == "teapot_mode");
  CHECK(unknown.error().error.message == "I am a teapot");
  CHECK(exit_code(unknown.error().kind) == 1);
}

TEST_CASE("http_client: a text/event-stream answer arrives line by line") {
  fake_daemon daemon([](const recorded_request&) {
    return canned_response{
        200, "event: chat.text\ndata: {\"text\":\"hi\"}\n\nevent: chat.done\r\ndata: {}\r\n\r\n",
        "text/event-stream"};
  });
  http_client http(options_for(daemon.port()));
  http_request req;
  req.method = "POST";
  req.target = "/v1/sessions/s_1/messages";
  req.body = R"({"text":"hello"})";
  req.content_type = "application/json";
  std::vector<std::string> lines;
  auto r = http.stream_lines(req, [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  });
  REQUIRE(r.has_value());
  CHECK(*r == 200);
  CHECK(lines == std::vector<std::string>{"event: chat.text", "data: {\"text\":\"hi\"}", "",
                                          "event: chat.done", "data: {}", ""});
  CHECK(daemon.requests().at(0).header("accept") == "text/event-stream");
}

TEST_CASE("http_client: nothing listening is unreachable; a silent listener is a timeout") {
  http_client nobody(options_for(free_port()));
  auto r = nobody.get_json("/v1/status");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == failure::unreachable);
  CHECK(r.error().code_name == "daemon_unreachable");
  CHECK(exit_code(r.error().kind) == 3);

  // Listening but never accepting: the kernel completes the connect, nobody answers.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  auto o = options_for(ntohs(a.sin_port));
  o.io_timeout = std::chrono::milliseconds(300);
  auto started = std::chrono::steady_clock::now();
  auto t = http_client(o).get_json("/v1/status");
  auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().kind == failure::timeout);
  CHECK(took < std::chrono::seconds(2));
}

TEST_CASE("http_client: stop() cancels a wait") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  auto o = options_for(ntohs(a.sin_port));
  o.io_timeout = std::chrono::seconds(30);
  auto started = std::chrono::steady_clock::now();
  o.stop = [&] {
    return std::chrono::steady_clock::now() - started > std::chrono::milliseconds(200);
  };
  auto t = http_client(o).get_json("/v1/status");
  ::close(fd);
  REQUIRE_FALSE(t.has_value());
  CHECK(t.error().kind == failure::cancelled);
}
