#pragma once
// The text of one chat turn as a person sees it (spec/upstream-nemovideo.md "The stream" and
// "GUI translation"): the agent's text items are joined into messages (core::text_assembler),
// streamed on as deltas one whole sentence at a time after GUI translation, and at the end of
// the turn given whole, translated, with the actions the translation suggests.
//
// Why whole sentences: GUI talk ("click the Export button") must never reach the user, and a
// phrase split across deltas cannot be recognised; holding back the unfinished sentence costs
// nothing but the time until its end. Deltas are best effort (sentences are translated alone);
// the final text is the authority, and a client replaces what it streamed with it.
#include "core/agent_event.hpp"
#include "core/gui_translate.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

class turn_text {
 public:
  // Takes one item of the turn (every kind: tool calls and errors close a message). Returns the
  // text to append to what the user sees now, translated; empty while a sentence is unfinished.
  std::string push(const agent_item& item);

  // Ends the turn: returns the held back rest (translated), and closes an unfinished message.
  std::string flush();

  // The whole text of the turn and its suggested actions: the messages joined with a blank line
  // where the earlier one ends a sentence, as they were streamed. A final event that repeats the
  // earlier messages (an aggregate, as some ADK agents send) adds only what is new, so the final
  // text equals the streamed one unless the GUI translation or a final event changed it.
  gui_translation final_translation() const;

  // True when the agent said nothing (a "silent" turn).
  bool empty() const noexcept { return messages_.empty() && held_.empty() && !assembler_open_; }
  // Everything given out by push() and flush() so far.
  const std::string& shown() const noexcept { return shown_; }

 private:
  std::string take_sentences();
  std::string take_all();
  // Translates one piece for the stream, and notes whether shown_ is still the agent's text
  // verbatim with no GUI talk anywhere in it.
  std::string translate(std::string piece);
  static bool starts_at_boundary(std::string_view s) noexcept;
  static bool ends_at_boundary(std::string_view s) noexcept;
  // `continues`: the text goes on from the last message instead of being one of its own.
  void add_message(std::string text, bool continues);
  // The length of the prefix of `text` that repeats every message so far (joined, or run
  // together); 0 when there is none.
  std::size_t repeated_prefix(std::string_view text) const;
  std::string joined() const;

  text_assembler assembler_;
  bool assembler_open_ = false;   // a run of partial text is under way
  bool message_started_ = false;  // the current message has given out text
  std::string held_;              // raw text of the unfinished sentence
  std::vector<std::string> messages_;
  std::string shown_;
  bool verbatim_ = true;   // shown_ is the agent's text as it came, and holds no GUI talk
  bool open_end_ = false;  // the last piece may end inside a word
};

// True when `text` ends a sentence (. ! ? : or their CJK forms, closing quotes allowed), so a
// following message starts on a new paragraph.
bool ends_sentence(std::string_view text) noexcept;

}  // namespace reel::core
