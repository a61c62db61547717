#include "core/outbox.hpp"

namespace reel::core {

bool outbox::push(frame f, std::string coalesce_key) {
  if (!coalesce_key.empty()) {
    // The older frame goes and the newer one joins at the back, so seq keeps growing per topic.
    // Index 0 may be in the middle of being written: never drop it.
    for (std::size_t i = 1; i < items_.size(); ++i) {
      if (items_[i].key == coalesce_key) {
        bytes_ -= items_[i].f->size();
        items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  if (items_.size() + 1 > max_messages_ || bytes_ + f->size() > max_bytes_) return false;
  bytes_ += f->size();
  items_.push_back({std::move(f), std::move(coalesce_key)});
  return true;
}

void outbox::pop() {
  bytes_ -= items_.front().f->size();
  items_.pop_front();
}

void outbox::clear() {
  items_.clear();
  bytes_ = 0;
}

}  // namespace reel::core
