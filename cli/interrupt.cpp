#include "cli/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace reel::cli {
namespace {

std::atomic<bool> flag{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_signal(int sig) {
  if (flag.exchange(true)) {
    // The user asked twice: stop waiting for a clean exit.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

void catch_interrupts() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupted() noexcept {
  return flag.load();
}

}  // namespace reel::cli
