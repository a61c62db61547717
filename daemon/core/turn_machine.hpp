#pragma once
// One chat turn as a sans-io state machine (design.md rule 3): the driver feeds what happened
// (the turn started, an item of the agent's stream, the stream's end or failure, the timer, the
// state it fetched) and does what the returned actions say (publish events, arm the one timer,
// stop reading the stream, fetch the state). Pure: time comes in as `now` (a steady clock in
// ms), nothing here does I/O.
//
// Rules (spec/upstream-nemovideo.md "The stream"; issue 4):
//  - chat.started first; the agent's text as chat.text deltas (whole sentences, GUI-translated,
//    see turn_text), tool calls as chat.tool with the tool's name only, chat.working after every
//    `working_interval` without an event for the user;
//  - the turn ends with chat.done or chat.error, after which nothing more is emitted;
//  - at most `limit` from the start; `stall` without anything but heartbeats is a stalled turn;
//    both stop the stream and end with chat.error (code timeout);
//  - the message is never sent again: a stream that breaks or is stopped ends the turn with an
//    error that says so, and the state is fetched to show what did happen;
//  - a turn without text, one that called tools, one whose text offers the timeline, and every
//    turn that failed, fetch the state: a change against the draft from before the turn is
//    reported as timeline.changed; a turn without text gets that change in words as its text.
//
// Driver contract: `started` first, then any of item/heartbeat/stream_end/stream_error/timer in
// the order things happen; after stream_end or stream_error no more stream inputs. When an
// action says fetch_state, feed state_fetched once. Inputs after `done` return no actions.
#include "core/agent_event.hpp"
#include "core/error.hpp"
#include "core/turn_text.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace reel::core {

struct turn_limits {
  std::int64_t working_interval_ms = 120'000;  // chat.working after this long without output
  std::int64_t stall_ms = 600'000;             // heartbeats alone this long: stalled
  std::int64_t limit_ms = 900'000;             // the longest a turn may run
};

// One event to publish on the session's topic; `data` always carries "turn".
struct turn_event {
  std::string name;  // chat.started, chat.text, chat.tool, chat.working, timeline.changed, ...
  nlohmann::json data;
};

// What the driver does next, in this order: publish `events`, stop the stream, (re)arm the timer,
// fetch the state. `done`: the turn is over.
struct turn_actions {
  std::vector<turn_event> events;
  bool stop_stream = false;              // abandon the backend's stream; never send it again
  std::optional<std::int64_t> timer_at;  // fire `timer` at this time; nullopt: no timer needed
  bool fetch_state = false;              // fetch the session's state, then feed state_fetched
  bool done = false;
};

// Turns an error item of the stream into a local error (the backend knows the registration
// link for out_of_credits); the default maps its code with core::map_upstream_code.
using item_error_mapper = std::function<error(const agent_item&)>;

class turn_machine {
 public:
  enum class phase { created, streaming, fetching, done };

  turn_machine(std::string turn_id, std::string text, turn_limits limits,
               item_error_mapper map_error = {});

  // The turn begins at `now`: chat.started, and the timer.
  turn_actions started(std::int64_t now);
  // The draft before the turn (the backend's draft JSON; null: an empty timeline), or nullopt
  // when it could not be read (changes are then told as the timeline's summary). Feed before
  // the stream ends; no actions.
  void baseline(std::optional<nlohmann::json> draft);

  turn_actions item(const agent_item& it, std::int64_t now);
  turn_actions heartbeat(std::int64_t now);
  // The backend's stream ended normally.
  turn_actions stream_end(std::int64_t now);
  // The backend's chat failed (refused, broke off, or stopped on our request).
  turn_actions stream_error(error e, std::int64_t now);
  turn_actions timer(std::int64_t now);
  // The session's state ({"draft","summary",...} as session_service::state gives it), or why it
  // could not be read.
  turn_actions state_fetched(result<nlohmann::json> state, std::int64_t now);

  // A refused stream (the cloud lost the session) is retried once on a new session when the
  // agent did nothing yet: true when that is still allowed. restart_stream() forgets the
  // refusal's error item; the baseline becomes the new session's empty timeline.
  bool may_retry() const noexcept;
  void restart_stream();

  phase current_phase() const noexcept { return phase_; }
  bool done() const noexcept { return phase_ == phase::done; }
  const std::string& turn_id() const noexcept { return turn_; }
  // The error the turn ended with, if it failed.
  const std::optional<error>& failure() const noexcept { return failure_; }

 private:
  nlohmann::json base(nlohmann::json extra = nlohmann::json::object()) const;
  void emit(turn_actions& a, std::string name, nlohmann::json extra);
  void emit_text(turn_actions& a, const std::string& delta);
  // Ends the stream's part of the turn: flushes text and decides whether to fetch the state.
  void finish_stream(turn_actions& a, std::optional<error> e, bool stop);
  void conclude(turn_actions& a, const result<nlohmann::json>* state);
  std::optional<std::int64_t> next_timer() const;
  double elapsed_s(std::int64_t now) const;

  std::string turn_;
  std::string text_;
  turn_limits limits_;
  item_error_mapper map_error_;
  phase phase_ = phase::created;
  turn_text said_;
  std::int64_t started_at_ = 0;
  std::int64_t last_output_at_ = 0;    // last event for the user
  std::int64_t last_progress_at_ = 0;  // last item that was not a heartbeat
  std::int64_t now_ = 0;
  bool progressed_ = false;  // text or a tool call arrived
  bool called_tools_ = false;
  std::optional<error> item_error_;  // the first error item of the stream
  std::optional<error> failure_;
  std::optional<nlohmann::json> before_;
  bool have_baseline_ = false;
};

}  // namespace reel::core
