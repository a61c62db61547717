#include "service/hub_flusher.hpp"

#include <spdlog/spdlog.h>

namespace reel::service {

hub_flusher::hub_flusher(boost::asio::any_io_executor ex, hub& events,
                         std::chrono::milliseconds every)
    : hub_(events), timer_(ex), every_(every) {
  hub_.on_pending([this] { arm(); });
}

void hub_flusher::stop() {
  timer_.cancel();
}

void hub_flusher::flush_now() {
  try {
    hub_.flush();
  } catch (const std::exception& e) {
    spdlog::error("could not write events to the store (kept for the next try): {}", e.what());
  }
}

void hub_flusher::arm() {
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(every_);
  timer_.async_wait([this](boost::system::error_code ec) {
    armed_ = false;
    if (ec) return;
    flush_now();
    if (hub_.pending() > 0) arm();
  });
}

}  // namespace reel::service
