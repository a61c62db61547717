#pragma once
// Internal to the agent's parser (agent_parse*.cpp): a clause is a run of tokens with a "used"
// mark per token, so each recognizer takes the words it understood and the next one does not
// read them again ("fade out" is a music fade, not also a fade transition).
#include "core/agent_lexer.hpp"
#include "core/agent_phrases.hpp"
#include "core/agent_request.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reel::core::agent_detail {

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

// Where a phrase was found: tokens [at, at + len).
struct hit {
  std::size_t at = npos;
  std::size_t len = 0;
  explicit operator bool() const { return at != npos; }
  std::size_t end() const { return at + len; }
};

class clause {
 public:
  clause(const agent_lexed& lx, std::vector<agent_token> tokens);

  std::size_t size() const { return t_.size(); }
  const agent_token& operator[](std::size_t i) const { return t_[i]; }
  bool used(std::size_t i) const { return used_[i] != 0; }
  void take(std::size_t at, std::size_t len = 1);
  void take(hit h) { take(h.at, h.len); }

  // The longest unused phrase (or stem) of `w` starting exactly at `i`.
  hit at(std::size_t i, agent_word w) const;
  // An unused phrase of `w` ending exactly before token `i` ("显示" before "3秒").
  hit ending(std::size_t i, agent_word w) const;
  // The first unused phrase of `w` at or after `from`.
  hit find(agent_word w, std::size_t from = 0) const;
  // Every unused occurrence of `w`, left to right, not overlapping.
  std::vector<hit> find_all(agent_word w) const;
  bool has(agent_word w) const { return static_cast<bool>(find(w)); }
  // True when token i is a number (not a ratio) that is unused.
  bool number_at(std::size_t i) const;

  // The prompt's text from token `from` to the end of token `to - 1`, trimmed.
  std::string raw(std::size_t from, std::size_t to) const;
  // Tokens [from, to) as a clause sharing this one's "used" marks as they are now.
  clause sub(std::size_t from, std::size_t to) const;

 private:
  const agent_lexed* lx_;
  std::vector<agent_token> t_;
  std::vector<std::string> words_;  // what phrases are matched against
  std::vector<char> used_;
};

// A time or a percentage found in a clause: tokens [at, at + len) and its value (ms, or a
// fraction for percentages).
struct measure {
  std::size_t at = 0;
  std::size_t len = 0;
  double value = 0;
  std::size_t end() const { return at + len; }
};

// Unused durations: "30 seconds", "30s", "30-second", "1.5 min", "half a minute", "a minute",
// "1 minute 30 seconds", "30 Sekunden", "halbe Minute", "30秒", "一分半", "半分钟", "500 ms".
std::vector<measure> find_durations(const clause& c);
// Unused percentages: "35%", "35 percent", "35 Prozent", "百分之三十five".
std::vector<measure> find_percents(const clause& c);

// An item reference found in a clause ("the third photo", "clip 2", "第三张", "each photo").
struct item_hit {
  std::size_t at = 0;
  std::size_t len = 0;
  int index = 0;  // as item_ref::index
  int kind = 0;   // 0 any, 1 photo, 2 clip (item_kind's order)
  bool all = false;
  bool has_noun = false;
  std::size_t end() const { return at + len; }
};
std::vector<item_hit> find_items(const clause& c);

// What the last clause spoke of, so "and fade it out" or "the second one 3 seconds" know.
enum class subject { none, music, title, text, items, transition };

struct parse_state {
  agent_request& r;
  subject last = subject::none;
  int last_item_kind = 0;             // as item_hit::kind
  std::optional<item_ref> last_item;  // the picture the clause before named ("put it first")
  bool create_clause = false;         // the current clause asks for a new video
};

// Swaps of two pictures, read over a whole sentence before it is split at "and"
// (agent_parse_items.cpp).
void parse_swaps(clause& c, parse_state& st);
// Moves and trims of pictures named by position (agent_parse_items.cpp).
void parse_moves_and_trims(clause& c, parse_state& st);

// Titles, text overlays and captions, with their timing and style (agent_parse_text.cpp).
void parse_texts(clause& c, parse_state& st);

}  // namespace reel::core::agent_detail
