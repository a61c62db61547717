#pragma once
// The event hub: every event gets the next per-topic seq, is serialized once, handed to each
// subscriber of its topic (and of "*"), and queued for the store, which receives events in
// batches. Single-threaded: it lives on the event loop's thread. No I/O of its own beyond the
// events repository; the caller schedules flush() (see on_pending).
#include "core/metrics.hpp"
#include "core/outbox.hpp"
#include "core/ws_protocol.hpp"
#include "store/events_repo.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

namespace reel::service {

// Something that receives events: a WebSocket session, an SSE response, a test.
class hub_client {
 public:
  virtual ~hub_client() = default;
  // A live event on a subscribed topic. Must not block and must not call back into the hub.
  virtual void deliver(const core::frame& f, const std::string& coalesce_key) = 0;
};

class hub {
 public:
  struct options {
    std::size_t flush_batch = 1024;  // pending events that force a write
    std::int64_t retention = 10000;  // events kept per topic (and most one replay returns)
  };
  struct replay {
    std::vector<core::frame> frames;  // seq > since, oldest first
    std::int64_t last_seq = 0;        // the topic's newest seq at subscription time
    bool truncated = false;           // events after `since` were pruned before they could replay
  };

  hub(store::events_repo& repo, core::metrics& m, std::function<std::int64_t()> now_ms,
      options opts);
  ~hub();
  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  // Publishes `data` as event `name` on `topic`: assigns seq, delivers, queues for the store.
  // A non-empty `coalesce_key` lets a slow client's outbox keep only the latest such event.
  core::event_record publish(const std::string& topic, const std::string& name,
                             const nlohmann::json& data, const std::string& coalesce_key = {});

  // Adds `c` to `topic`'s subscribers. With `since`, returns the stored events after it (for
  // "*", none: it has no single seq). Subscribing twice to a topic is one subscription.
  replay subscribe(hub_client& c, const std::string& topic, std::optional<std::int64_t> since);
  void unsubscribe(hub_client& c, const std::string& topic);
  // Removes `c` from every topic; call before `c` dies (see membership).
  void unsubscribe_all(hub_client& c);

  // Writes the pending events to the store in one transaction. Throws what the store throws.
  void flush();
  std::size_t pending() const noexcept { return pending_.size(); }
  // Called when the first event of a batch becomes pending, so the owner can arm a timer.
  void on_pending(std::function<void()> f) { on_pending_ = std::move(f); }

  std::int64_t last_seq(const std::string& topic);
  std::size_t subscriber_count() const noexcept;

  // RAII: removes its client from every topic when it goes.
  class membership {
   public:
    membership(hub& h, hub_client& c) : hub_(&h), client_(&c) {}
    ~membership() {
      if (hub_) hub_->unsubscribe_all(*client_);
    }
    membership(const membership&) = delete;
    membership& operator=(const membership&) = delete;

   private:
    hub* hub_;
    hub_client* client_;
  };

 private:
  std::int64_t& seq_of(const std::string& topic);
  void deliver_to(std::vector<hub_client*>& list, const core::frame& f, const std::string& key);

  store::events_repo& repo_;
  std::function<std::int64_t()> now_ms_;
  options opts_;
  std::unordered_map<std::string, std::int64_t> seqs_;
  std::unordered_map<std::string, std::int64_t> pruned_at_;
  std::unordered_map<std::string, std::vector<hub_client*>> subscribers_;
  std::vector<store::stored_event> pending_;
  std::function<void()> on_pending_;
  double& published_;
  double& stored_;
};

}  // namespace reel::service
