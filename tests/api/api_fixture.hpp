#pragma once
// A real reeld on 127.0.0.1 port 0 in a temporary state directory, for the API tests.
#include "support/daemon_process.hpp"
#include "support/raw_ws.hpp"
#include "support/temp_dir.hpp"

#include <memory>

namespace reel::test {

struct api_fixture {
  temp_dir dir;
  std::unique_ptr<daemon_process> daemon;

  explicit api_fixture(std::vector<std::string> args = {}) { start(std::move(args)); }
  void start(std::vector<std::string> args = {}) {
    daemon = std::make_unique<daemon_process>(reeld_binary(), dir.file("state"), std::move(args));
  }
  std::uint16_t port() const { return daemon->port(); }
  const std::string& key() const { return daemon->key(); }

  // A WebSocket client authorized by header, subscribed to `topic` (since: -1 for none).
  std::unique_ptr<raw_ws> subscriber(const std::string& topic, std::int64_t since = -1,
                                     int rcvbuf = 0) {
    auto ws = std::make_unique<raw_ws>(port(), key(), "", "", rcvbuf);
    auto hello = ws->read_json();
    if (hello.value("type", "") != "hello") throw std::runtime_error("no hello");
    nlohmann::json sub{{"id", 1}, {"op", "subscribe"}, {"topic", topic}};
    if (since >= 0) sub["since"] = since;
    ws->send_text(sub.dump());
    auto res = ws->read_json();
    if (res.value("ok", false) != true) throw std::runtime_error("subscribe failed: " + res.dump());
    return ws;
  }
  raw_response publish(const std::string& topic, int i) {
    nlohmann::json body{{"topic", topic}, {"event", "tick"}, {"data", {{"i", i}}}};
    return http(port(), "POST", "/v1/events", key(), body.dump());
  }
};

}  // namespace reel::test
