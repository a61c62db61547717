#pragma once
// What one /run_sse turn streams, step by step: tests queue a script per session, and the
// simulator builds one itself for unscripted turns. Steps become Google ADK events
// (`data: <json>`), SSE comments, empty `data:` lines, raw bytes, pauses and connection drops.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace reel::fake_nemo {

struct turn_step {
  enum class kind { partial, text, call, response, comment, empty_data, error, raw, pause, drop };
  kind what = kind::text;
  std::string text;     // text, comment, error code, raw bytes, call/response name
  std::string message;  // error message
  nlohmann::json json;  // call args, response body
  std::chrono::milliseconds pause{0};
};

class turn_script {
 public:
  // Streams `text` as `pieces` partial events, then one final event with the whole text.
  turn_script& say(std::string text, int pieces = 3);
  // One partial text event (`"partial": true`).
  turn_script& partial(std::string text);
  // One final (non-partial) text event.
  turn_script& final_text(std::string text);
  // A functionCall part (`name`, `args`, a generated `id`).
  turn_script& call(std::string name, nlohmann::json args);
  // A functionResponse part answering the latest call of `name`.
  turn_script& respond(std::string name, nlohmann::json response);
  // An SSE comment line (": keep-alive"), a heartbeat.
  turn_script& comment(std::string text = "keep-alive");
  // An empty `data:` line, the other heartbeat.
  turn_script& empty_data();
  // An event carrying `errorCode` / `errorMessage` instead of content.
  turn_script& error(std::string code, std::string message);
  // Bytes written verbatim (for malformed or unusual frames).
  turn_script& raw(std::string bytes);
  // Waits before the next step.
  turn_script& pause(std::chrono::milliseconds ms);
  // Writes half of the next event, then cuts the connection (the end of the stream if none).
  turn_script& drop();
  // A draft edit (draft_editor grammar, e.g. "add a title 'X'") applied when the turn starts.
  turn_script& edit(std::string command);
  // The user's message itself does not edit the draft (by default it does).
  turn_script& ignore_message();

  // Heartbeats only, no text: the "silent turn"; the user's message still edits the draft.
  static turn_script silent();

  const std::vector<turn_step>& steps() const noexcept { return steps_; }
  const std::vector<std::string>& edits() const noexcept { return edits_; }
  bool applies_message() const noexcept { return applies_message_; }

 private:
  std::vector<turn_step> steps_;
  std::vector<std::string> edits_;
  bool applies_message_ = true;
};

// One SSE frame before line endings are chosen.
struct sse_frame {
  enum class kind { event, comment, empty_data, raw, pause, drop };
  kind what = kind::event;
  std::string payload;  // event: one-line JSON; comment: its text; raw: bytes
  std::chrono::milliseconds pause{0};
};

// Identity shared by a turn's events.
struct adk_context {
  std::string author = "nemo_agent";
  std::string invocation_id;
  double timestamp = 0;  // seconds since the epoch (sim clock)
  int next_event = 1;
  int next_call = 1;
};

// Turns a script's steps into frames, each event an ADK JSON object.
std::vector<sse_frame> to_frames(const turn_script& script, adk_context& ctx);

// The turn the simulator streams when no script was queued: heartbeats, the reply as partial
// text, an `update_draft` tool call and its response, then the final text; `silent` keeps only
// the heartbeats.
turn_script unscripted_turn(const std::string& reply, const nlohmann::json& operations, bool silent,
                            bool heartbeats);

}  // namespace reel::fake_nemo
