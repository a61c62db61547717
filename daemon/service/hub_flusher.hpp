#pragma once
// Writes the hub's pending events to the store in batches: a timer armed when the first event
// of a batch is published, so a burst is one transaction and a quiet hub costs nothing. Use
// from the io_context's thread; `events` outlives it.
#include "service/hub.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace reel::service {

class hub_flusher {
 public:
  hub_flusher(boost::asio::any_io_executor ex, hub& events, std::chrono::milliseconds every);
  hub_flusher(const hub_flusher&) = delete;
  hub_flusher& operator=(const hub_flusher&) = delete;

  // Writes what is pending now. A store error is logged and the events kept for the next try.
  void flush_now();
  // Cancels the timer (shutdown); flush_now() still works.
  void stop();

 private:
  void arm();

  hub& hub_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds every_;
  bool armed_ = false;
};

}  // namespace reel::service
