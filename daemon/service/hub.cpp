#include "service/hub.hpp"

#include "core/json_dump.hpp"

#include <algorithm>
#include <memory>

namespace reel::service {

hub::hub(store::events_repo& repo, core::metrics& m, std::function<std::int64_t()> now_ms,
         options opts)
    : repo_(repo),
      now_ms_(std::move(now_ms)),
      opts_(opts),
      published_(m.counter("reel_events_published_total")),
      stored_(m.counter("reel_events_stored_total")) {
  m.describe("reel_events_published_total", "counter", "Events published to the hub.");
  m.describe("reel_events_stored_total", "counter", "Events written to the store.");
}

hub::~hub() = default;

std::int64_t& hub::seq_of(const std::string& topic) {
  auto it = seqs_.find(topic);
  if (it == seqs_.end()) it = seqs_.emplace(topic, repo_.max_seq(topic)).first;
  return it->second;
}

std::int64_t hub::last_seq(const std::string& topic) {
  return seq_of(topic);
}

void hub::deliver_to(std::vector<hub_client*>& list, const core::frame& f, const std::string& key) {
  for (auto* c : list) c->deliver(f, key);
}

core::event_record hub::publish(const std::string& topic, const std::string& name,
                                const nlohmann::json& data, const std::string& coalesce_key) {
  core::event_record e{topic, ++seq_of(topic), name, core::json_dump(data), now_ms_()};
  auto f = std::make_shared<const std::string>(core::ws_event_frame(e));
  published_ += 1;
  if (auto it = subscribers_.find(topic); it != subscribers_.end())
    deliver_to(it->second, f, coalesce_key.empty() ? coalesce_key : topic + "|" + coalesce_key);
  if (auto it = subscribers_.find("*"); it != subscribers_.end())
    deliver_to(it->second, f, coalesce_key.empty() ? coalesce_key : topic + "|" + coalesce_key);

  pending_.push_back({e.topic, e.seq, e.name, e.data, e.ts_ms});
  if (pending_.size() == 1 && on_pending_) on_pending_();
  if (pending_.size() >= opts_.flush_batch) flush();
  return e;
}

hub::replay hub::subscribe(hub_client& c, const std::string& topic,
                           std::optional<std::int64_t> since) {
  auto& list = subscribers_[topic];
  if (std::find(list.begin(), list.end(), &c) == list.end()) list.push_back(&c);
  replay out;
  if (topic == "*") return out;
  out.last_seq = seq_of(topic);
  if (!since || *since >= out.last_seq) return out;
  // Pending events must be readable by the query below; one thread, so nothing slips between.
  flush();
  auto rows = repo_.after(topic, *since, static_cast<std::size_t>(opts_.retention));
  out.truncated = rows.empty() ? true : rows.front().seq != *since + 1;
  out.frames.reserve(rows.size());
  for (auto& r : rows)
    out.frames.push_back(std::make_shared<const std::string>(core::ws_event_frame(
        {std::move(r.topic), r.seq, std::move(r.name), std::move(r.data), r.ts_ms})));
  return out;
}

void hub::unsubscribe(hub_client& c, const std::string& topic) {
  auto it = subscribers_.find(topic);
  if (it == subscribers_.end()) return;
  auto& list = it->second;
  list.erase(std::remove(list.begin(), list.end(), &c), list.end());
  if (list.empty()) subscribers_.erase(it);
}

void hub::unsubscribe_all(hub_client& c) {
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    auto& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), &c), list.end());
    it = list.empty() ? subscribers_.erase(it) : std::next(it);
  }
}

std::size_t hub::subscriber_count() const noexcept {
  std::size_t n = 0;
  for (const auto& [topic, list] : subscribers_) n += list.size();
  return n;
}

void hub::flush() {
  if (pending_.empty()) return;
  std::vector<store::stored_event> batch;
  batch.swap(pending_);
  try {
    repo_.append(batch);
  } catch (...) {
    // Keep the events for the next try rather than lose them.
    pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()),
                    std::make_move_iterator(batch.end()));
    throw;
  }
  stored_ += static_cast<double>(batch.size());
  // Prune each touched topic now and then, not on every flush.
  const std::int64_t step = std::max<std::int64_t>(100, opts_.retention / 10);
  for (const auto& e : batch) {
    auto& mark = pruned_at_[e.topic];
    if (e.seq - mark >= opts_.retention + step) {
      repo_.prune(e.topic, opts_.retention);
      mark = e.seq - opts_.retention;
    }
  }
}

}  // namespace reel::service
