#include "service/slot_limiter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>

namespace reel::service {
namespace asio = boost::asio;

struct slot_limiter::state {
  struct waiter {
    explicit waiter(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    bool granted = false;
  };
  std::size_t limit = 1;
  std::size_t used = 0;
  std::size_t peak = 0;
  bool closed = false;
  std::deque<std::shared_ptr<waiter>> queue;

  void give_back() {
    if (closed) return;
    // Hand the slot straight to the next in line: `used` stays, so no newcomer can jump ahead.
    while (!queue.empty()) {
      auto w = std::move(queue.front());
      queue.pop_front();
      w->granted = true;
      w->timer.cancel();
      return;
    }
    --used;
  }
};

slot_limiter::slot& slot_limiter::slot::operator=(slot&& o) noexcept {
  if (this != &o) {
    release();
    s_ = std::move(o.s_);
  }
  return *this;
}

void slot_limiter::slot::release() noexcept {
  if (!s_) return;
  auto s = std::move(s_);
  s_.reset();
  s->give_back();
}

slot_limiter::slot_limiter(std::size_t limit) : s_(std::make_shared<state>()) {
  s_->limit = std::max<std::size_t>(1, limit);
}

slot_limiter::~slot_limiter() {
  s_->closed = true;
  for (auto& w : s_->queue) w->timer.cancel();
  s_->queue.clear();
}

asio::awaitable<slot_limiter::slot> slot_limiter::acquire() {
  auto s = s_;
  if (s->closed) co_return slot{};
  if (s->used < s->limit && s->queue.empty()) {
    ++s->used;
    s->peak = std::max(s->peak, s->used);
    co_return slot{s};
  }
  const auto ex = co_await asio::this_coro::executor;
  auto w = std::make_shared<state::waiter>(ex);
  w->timer.expires_at(asio::steady_timer::time_point::max());
  s->queue.push_back(w);
  // Woken by give_back() (granted) or by cancellation of this coroutine (not granted). A
  // coroutine cancelled before the wait begins throws at the co_await: it must still leave the
  // line, or the slot handed to it later would be lost.
  try {
    co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  } catch (const boost::system::system_error&) {
  }
  if (w->granted) co_return slot{s};
  auto it = std::find(s->queue.begin(), s->queue.end(), w);
  if (it != s->queue.end()) s->queue.erase(it);
  co_return slot{};
}

std::size_t slot_limiter::in_use() const noexcept {
  return s_->used;
}
std::size_t slot_limiter::waiting() const noexcept {
  return s_->queue.size();
}
std::size_t slot_limiter::peak() const noexcept {
  return s_->peak;
}
std::size_t slot_limiter::limit() const noexcept {
  return s_->limit;
}

}  // namespace reel::service
