#pragma once
// At most N operations at once, the rest waiting in line (first come, first served): render jobs
// share it so that 1,000 jobs re-armed at start-up do not send 1,000 requests at once. Lives on
// the event loop's thread (no locks). A waiting acquire() can be cancelled (terminal
// cancellation); it then gives up its place and returns an empty slot.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <deque>
#include <memory>

namespace reel::service {

class slot_limiter {
  struct state;

 public:
  // RAII: holds one slot until it dies (or is moved from). Safe to outlive the limiter.
  class slot {
   public:
    slot() = default;
    slot(slot&& o) noexcept : s_(std::move(o.s_)) {}
    slot& operator=(slot&& o) noexcept;
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() { release(); }
    explicit operator bool() const noexcept { return s_ != nullptr; }
    void release() noexcept;

   private:
    friend class slot_limiter;
    explicit slot(std::shared_ptr<state> s) : s_(std::move(s)) {}
    std::shared_ptr<state> s_;
  };

  explicit slot_limiter(std::size_t limit);
  // Pending waiters are woken with nothing; slots still held release into nothing.
  ~slot_limiter();
  slot_limiter(const slot_limiter&) = delete;
  slot_limiter& operator=(const slot_limiter&) = delete;

  // A slot, at once when one is free, else when one is handed on in turn. An empty slot when the
  // wait was cancelled (or the limiter went away).
  boost::asio::awaitable<slot> acquire();

  std::size_t in_use() const noexcept;
  std::size_t waiting() const noexcept;
  // The most slots held at once since start.
  std::size_t peak() const noexcept;
  std::size_t limit() const noexcept;

 private:
  std::shared_ptr<state> s_;
};

}  // namespace reel::service
