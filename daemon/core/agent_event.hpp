#pragma once
// Decodes one SSE `data` payload of the agent's stream into typed items
// (spec/upstream-nemovideo.md "The stream"). Two shapes are accepted:
//  - the Google ADK event: {"content":{"parts":[{"text"}|{"functionCall":{name,args,id}}|
//    {"functionResponse":{name,response,id}}]}, "partial":true, "author", ...};
//  - a simpler one: {"type":"text"|"tool_call"|"tool_result"|"heartbeat"|"error", ...} with
//    lenient field names (text/content/delta, name/tool).
// Either may carry an error as "error" (string or object), "errorCode", "errorMessage".
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class agent_item_kind {
  text,         // text for the user: `text`, `partial`, `author`
  tool_call,    // the agent calls a tool: `name`, `id` (arguments stay upstream)
  tool_result,  // a tool answered: `name`, `id`
  error,        // the upstream reports an error: `code`, `upstream_code`, `text` (its message)
  heartbeat,    // an empty payload or an explicit heartbeat: still working
  malformed,    // the payload is not a JSON object; `text` says why (never the payload)
};

struct agent_item {
  agent_item_kind kind = agent_item_kind::text;
  std::string text;
  bool partial = false;
  std::string author;
  std::string name;
  std::string id;
  std::string code;                  // the error code as text, when given
  std::optional<int> upstream_code;  // the error code when it is an integer (e.g. 2001)

  friend bool operator==(const agent_item&, const agent_item&) = default;
};

// Decodes one payload into zero or more items, in part order; an error comes after the parts.
// Never throws: an empty or whitespace payload is one heartbeat, a payload that is not a JSON
// object is one malformed item, an object with nothing to show (e.g. only `actions`) is no item.
// Model thoughts (parts with "thought": true) are dropped: they are not for the user.
std::vector<agent_item> decode_agent_event(std::string_view payload);

// The two ways decode_agent_event works, for tests: a fast reader for the common ADK text event
// (nullopt when the payload is anything else, or anything it is unsure of), and the JSON DOM
// decoder that handles every payload. Where the fast one answers, both answer the same.
std::optional<std::vector<agent_item>> decode_adk_text_fast(std::string_view payload);
std::vector<agent_item> decode_agent_event_dom(std::string_view payload);

// What a text_assembler says about one item.
struct text_update {
  std::string delta;                      // text to append to what the user sees now
  std::optional<std::string> final_text;  // set when a message is complete: its full text
  // final_text is a final event's own text, not the run's deltas joined: a final event with no
  // run before it, or one that disagrees with the run it closes.
  bool restated = false;
};

// Joins ADK text: partial events carry deltas, then a non-partial event repeats the whole text.
// Fed every item of a turn in order, it yields each piece of text once and the full text of
// each message once. When the final text disagrees with the deltas, the final text wins and is
// given in final_text with an empty delta: the client should replace what it showed.
class text_assembler {
 public:
  // Consumes one item. Tool calls, tool results and errors close an open run of partial text;
  // heartbeats and malformed items are ignored.
  text_update push(const agent_item& item);
  // Ends the turn: the full text of a run of partials that never got its final event, if any.
  std::optional<std::string> finish();

 private:
  std::string pending_;  // partial deltas since the last complete message
  bool open_ = false;
};

}  // namespace reel::core
