// reeld under Type=notify: READY after the listener is bound, WATCHDOG pings from the event loop,
// STOPPING on SIGTERM. A notify socket of our own stands in for systemd.
#include "support/daemon_process.hpp"
#include "support/notify_socket.hpp"
#include "support/raw_http.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace reel::test;

TEST_CASE("READY comes once the API answers, then watchdog pings, then STOPPING on SIGTERM") {
  temp_dir dir;
  notify_socket notify(dir.file("notify"));
  daemon_process d(reeld_binary(), dir.file("state"), {},
                   {notify.env(), "WATCHDOG_USEC=200000"});
  auto ready = notify.wait_for("READY=1");
  REQUIRE(ready.has_value());
  CHECK(ready->text.find("STATUS=") != std::string::npos);
  // READY means served: the health check answers at once.
  CHECK(http(d.port(), "GET", "/v1/health", "").status == 200);
  // WatchdogSec=0.2 s: pings every 0.1 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  CHECK(notify.count("WATCHDOG=1") >= 3);
  REQUIRE(d.stop(SIGTERM) == 0);
  CHECK(notify.wait_for("STOPPING=1", std::chrono::seconds(1)).has_value());
}

TEST_CASE("without NOTIFY_SOCKET the daemon runs the same, silently") {
  temp_dir dir;
  daemon_process d(reeld_binary(), dir.file("state"));
  CHECK(http(d.port(), "GET", "/v1/health", "").status == 200);
  CHECK(d.stop(SIGTERM) == 0);
}
