#include "delivery_recorder.hpp"

#include <time.h>
#include <charconv>

namespace reel::bench {
namespace {

// The integer right after `key` at or after `from`; advances `from` past it.
std::optional<std::int64_t> number_after(std::string_view text, std::string_view key,
                                         std::size_t& from) noexcept {
  auto at = text.find(key, from);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = text.data() + at + key.size();
  const char* last = text.data() + text.size();
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(first, last, v);
  if (ec != std::errc{}) return std::nullopt;
  from = static_cast<std::size_t>(end - text.data());
  return v;
}

}  // namespace

std::optional<event_fields> scan_event(std::string_view frame) noexcept {
  // The daemon writes "type" first (core::ws_event_frame); looking only near the start keeps a
  // payload that happens to contain the words from passing as an event.
  if (frame.substr(0, 32).find(R"("type":"event")") == std::string_view::npos) return std::nullopt;
  std::size_t pos = 0;
  auto seq = number_after(frame, R"("seq":)", pos);
  if (!seq) return std::nullopt;
  // "seq" precedes "data", so searching on from it cannot hit a "t" in the topic or event name;
  // the colon keeps "ts" from matching.
  auto t = number_after(frame, R"("t":)", pos);
  if (!t) return std::nullopt;
  return event_fields{*seq, *t};
}

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool delivery_recorder::record(std::string_view frame, std::int64_t now_ns) {
  auto e = scan_event(frame);
  if (!e) {
    ++not_events_;
    return false;
  }
  if (e->seq <= last_seq_) ++out_of_order_;
  last_seq_ = e->seq;
  ++delivered_;
  // reserve()d by the owner, so this does not allocate on the hot path.
  latencies_->push_back(now_ns - e->t_ns);
  return true;
}

}  // namespace reel::bench
