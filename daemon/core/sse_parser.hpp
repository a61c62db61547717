#pragma once
// A push parser for text/event-stream, following the WHATWG HTML Living Standard, section 9.2
// "Server-sent events", subsections 9.2.5 "Parsing an event stream" and 9.2.6 "Interpreting an
// event stream" (https://html.spec.whatwg.org/multipage/server-sent-events.html).
//
// Deviations, each deliberate (spec/upstream-nemovideo.md "The stream": comments and empty
// `data:` lines are heartbeats that mean "still working"):
//  - comment lines are reported (kind comment) instead of being ignored;
//  - a dispatch whose data is empty is reported as a heartbeat instead of being dropped (the
//    spec drops an empty data buffer and fires an event with data "" for a lone `data:`);
//    a blank line with no field since the last dispatch reports nothing;
//  - a line or an event larger than the limits puts the parser in a failed state.
#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class sse_kind {
  message,    // an event with non-empty data
  heartbeat,  // a dispatched event without data: the server is alive
  comment,    // a line starting with ':' (data holds its text, one leading space removed)
};

struct sse_event {
  sse_kind kind = sse_kind::message;
  std::string type;  // the `event:` field, "message" when absent; empty for comments
  std::string data;  // `data:` lines joined with "\n"; the comment text for comments
  std::string id;    // the last event id in force at dispatch (ids persist across events)

  friend bool operator==(const sse_event&, const sse_event&) = default;
};

struct sse_limits {
  std::size_t max_line = (8u << 20) + (64u << 10);   // one line, without its line end
  std::size_t max_event = (8u << 20) + (64u << 10);  // the data of one event
};

class sse_parser {
 public:
  explicit sse_parser(sse_limits limits = {});

  // Parses the next bytes of the stream (any split, even inside a UTF-8 sequence or a CRLF) and
  // appends each complete event to `out`. Fails with upstream_error when a line or an event
  // exceeds the limits; events appended before the failure stay in `out`, buffers are freed,
  // and every later feed fails the same way.
  result<void> feed(std::string_view bytes, std::vector<sse_event>& out);

  // Ends the stream: a final event without its blank line is discarded, as the spec requires.
  // Returns true when something incomplete was discarded. The parser is then ready for a new
  // stream (BOM allowed again); last_event_id() and retry_ms() survive, the failed state too.
  bool finish();

  // The last `id:` seen (kept for a reconnection's Last-Event-ID).
  const std::string& last_event_id() const noexcept { return last_id_; }
  // The last valid `retry:` value in milliseconds, if any.
  std::optional<std::uint64_t> retry_ms() const noexcept { return retry_; }
  // True once a limit was exceeded.
  bool failed() const noexcept { return failed_; }

 private:
  result<void> on_line(std::string_view line, std::vector<sse_event>& out);
  void dispatch(std::vector<sse_event>& out);
  result<void> fail(std::string message);

  sse_limits limits_;
  std::string line_;     // a line split across feeds
  std::string data_;     // the data buffer, each line followed by '\n'
  std::string type_;     // the event type buffer
  std::string last_id_;  // the last event id buffer
  std::optional<std::uint64_t> retry_;
  std::size_t bom_seen_ = 0;  // BOM bytes matched so far at the start of the stream
  bool bom_done_ = false;     // the start of the stream is behind us
  bool after_cr_ = false;     // the previous feed ended with CR: a leading LF belongs to it
  bool has_fields_ = false;   // a field line arrived since the last dispatch
  bool failed_ = false;
  std::string failure_;
};

}  // namespace reel::core
