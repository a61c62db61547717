#pragma once
// Shows one turn of a session to a person, from its events (the WebSocket event messages, or
// the same JSON from the SSE answer of a message): the answer's text as it streams on `out`,
// tool calls and "still working" lines on `err`, the final text where it differs from what was
// streamed, and what changed on the timeline. Used by `reel say` and `reel chat`.
#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace reel::cli {

class turn_view {
 public:
  // `turn` empty: follow the first turn whose chat.started arrives. The streams must outlive it.
  turn_view(std::ostream& out, std::ostream& err, std::string turn = {});

  // Takes one event message; events of other turns are ignored. True once the turn ended.
  bool feed(const nlohmann::json& event);

  bool ended() const noexcept { return ended_; }
  const std::string& turn() const noexcept { return turn_; }
  const std::string& route() const noexcept { return route_; }
  // The error body ({"code","message","hint",...}) when the turn ended with chat.error.
  const std::optional<nlohmann::json>& error() const noexcept { return error_; }
  // The timeline after the turn, when the daemon said it (chat.done or timeline.changed).
  const std::optional<std::string>& summary() const noexcept { return summary_; }

  // Writes what is left to say after the end: the change in words when the answer did not say
  // it, and `summary` (or the one the turn carried) as the last line.
  void finish(const std::optional<std::string>& summary);

 private:
  void text_piece(const std::string& text);
  void final_text(const std::string& text);
  void side_line(const std::string& line);

  std::ostream& out_;
  std::ostream& err_;
  std::string turn_;
  std::string route_;
  std::string streamed_;
  std::string final_;
  std::string change_sentence_;
  bool line_open_ = false;  // `out` has text without its line end
  bool ended_ = false;
  std::optional<nlohmann::json> error_;
  std::optional<std::string> summary_;
};

}  // namespace reel::cli
