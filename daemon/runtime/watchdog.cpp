#include "runtime/watchdog.hpp"

#include "runtime/systemd_notify.hpp"

namespace reel::runtime {

watchdog::watchdog(boost::asio::any_io_executor ex) : timer_(ex) {
  if (auto every = watchdog_interval()) {
    every_ = *every;
    ping();
  }
}

void watchdog::stop() {
  timer_.cancel();
}

void watchdog::ping() {
  notify_watchdog();
  timer_.expires_after(every_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) ping();
  });
}

}  // namespace reel::runtime
