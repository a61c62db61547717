#pragma once
// sd_notify(3) for Type=notify units; every call is a no-op outside systemd.
#include <chrono>
#include <optional>
#include <string>

namespace reel::runtime {

void notify_ready(const std::string& status);
void notify_status(const std::string& status);
void notify_stopping();
void notify_watchdog();
// Half of WatchdogSec when the unit asks for pings; nullopt otherwise.
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace reel::runtime
