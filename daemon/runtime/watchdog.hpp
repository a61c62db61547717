#pragma once
// systemd's watchdog, pinged from the event loop itself: a stuck loop stops the pings and
// systemd restarts the daemon. Does nothing when the unit sets no WatchdogSec.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace reel::runtime {

class watchdog {
 public:
  // Starts pinging at half systemd's interval when the watchdog is on.
  explicit watchdog(boost::asio::any_io_executor ex);
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;
  // Stops the pings (shutdown).
  void stop();

 private:
  void ping();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds every_{0};
};

}  // namespace reel::runtime
