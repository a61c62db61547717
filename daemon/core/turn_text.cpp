#include "core/turn_text.hpp"

#include <array>

namespace reel::core {
namespace {

constexpr std::array<std::string_view, 4> cjk_ends = {"\u3002", "\uFF01", "\uFF1F", "\uFF1B"};
constexpr std::array<std::string_view, 6> closers = {"\u201D", "\u2019", "\u300D",
                                                     "\u300F", "\uFF09", "\u3011"};

bool is_ascii_closer(char c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == '*';
}
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The length of a closing quote or bracket at `at`, 0 when there is none.
std::size_t closer_at(std::string_view s, std::size_t at) {
  if (at >= s.size()) return 0;
  if (is_ascii_closer(s[at])) return 1;
  for (auto c : closers)
    if (s.substr(at).starts_with(c)) return c.size();
  return 0;
}

std::size_t skip_closers(std::string_view s, std::size_t at) {
  while (auto n = closer_at(s, at)) at += n;
  return at;
}

}  // namespace

bool ends_sentence(std::string_view text) noexcept {
  // Strip closing quotes and brackets from the end.
  for (bool again = true; again && !text.empty();) {
    again = false;
    if (is_ascii_closer(text.back())) {
      text.remove_suffix(1);
      again = true;
      continue;
    }
    for (auto c : closers) {
      if (text.ends_with(c)) {
        text.remove_suffix(c.size());
        again = true;
        break;
      }
    }
  }
  if (text.empty()) return false;
  const char last = text.back();
  if (last == '.' || last == '!' || last == '?' || last == ':') return true;
  for (auto e : cjk_ends)
    if (text.ends_with(e)) return true;
  return text.ends_with("\uFF1A");
}

std::string turn_text::push(const agent_item& item) {
  if (item.kind == agent_item_kind::heartbeat || item.kind == agent_item_kind::malformed) return {};
  const bool run_was_open = assembler_open_;
  text_update u = assembler_.push(item);
  assembler_open_ = item.kind == agent_item_kind::text && item.partial;
  // Some agents end a turn with a final event that repeats its earlier messages (run together,
  // or joined as the final text joins them): only what it adds is news. Closing a run, that is
  // the run's own text, a message of its own; on its own, it continues the last message.
  bool continues = false;
  if (u.final_text && u.restated) {
    if (const std::size_t n = repeated_prefix(*u.final_text); n > 0) {
      u.final_text->erase(0, n);
      if (!run_was_open) {
        u.delta = *u.final_text;
        continues = true;
      }
    }
  }
  std::string out;
  if (!u.delta.empty()) {
    // A new message after one that ended a sentence starts a new paragraph; a message that
    // continues mid-sentence (a run cut by a tool call) does not.
    if (!continues && !message_started_ && !messages_.empty() && ends_sentence(shown_))
      held_ += "\n\n";
    message_started_ = true;
    held_ += u.delta;
    out = take_sentences();
  }
  if (u.final_text) {
    out += take_all();
    add_message(std::move(*u.final_text), continues);
    message_started_ = false;
  }
  shown_ += out;
  return out;
}

std::size_t turn_text::repeated_prefix(std::string_view text) const {
  if (messages_.empty()) return 0;
  if (const std::string j = joined(); text.starts_with(j)) return j.size();
  std::string run_together;
  for (const auto& m : messages_) run_together += m;
  return text.starts_with(run_together) ? run_together.size() : 0;
}

std::string turn_text::flush() {
  std::string out = take_all();
  if (auto rest = assembler_.finish()) add_message(std::move(*rest), false);
  assembler_open_ = false;
  message_started_ = false;
  shown_ += out;
  return out;
}

gui_translation turn_text::final_translation() const {
  std::string all = joined();
  // The usual turn: the whole text is what went out piece by piece, and no piece held GUI talk,
  // so neither does the whole (see may_hold_gui_talk): no second pass over it.
  if (verbatim_ && all == shown_) return gui_translation{std::move(all), {}};
  return translate_gui_text(all);
}

std::string turn_text::take_sentences() {
  // The cut goes after the last complete sentence: a line break, a CJK full stop, or . ! ?
  // (with closing quotes) followed by a blank, which goes with the sentence.
  const std::string_view s = held_;
  std::size_t cut = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') {
      cut = i + 1;
    } else if (c == '.' || c == '!' || c == '?') {
      const std::size_t j = skip_closers(s, i + 1);
      if (j < s.size() && is_blank(s[j])) cut = j + 1;
    } else if (static_cast<unsigned char>(c) >= 0xE0) {
      for (auto e : cjk_ends) {
        if (s.substr(i).starts_with(e)) {
          cut = skip_closers(s, i + e.size());
          break;
        }
      }
    }
  }
  if (cut == 0) return {};
  std::string piece = held_.substr(0, cut);
  held_.erase(0, cut);
  return translate(std::move(piece));
}

std::string turn_text::take_all() {
  if (held_.empty()) return {};
  std::string piece = std::move(held_);
  held_.clear();
  return translate(std::move(piece));
}

std::string turn_text::translate(std::string piece) {
  if (piece.empty()) return piece;
  // Joined to what went out before without a boundary, a word could run on across the pieces.
  if (open_end_ && !starts_at_boundary(piece)) verbatim_ = false;
  open_end_ = !ends_at_boundary(piece);
  if (!may_hold_gui_talk(piece)) return piece;
  verbatim_ = false;
  return translate_gui_text(piece).text;
}

bool turn_text::starts_at_boundary(std::string_view s) noexcept {
  // An ASCII blank or punctuation mark (not an apostrophe, which joins) ends a word.
  const auto c = static_cast<unsigned char>(s.front());
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return c < 0x80 && !alnum && c != '\'';
}

bool turn_text::ends_at_boundary(std::string_view s) noexcept {
  if (starts_at_boundary(s.substr(s.size() - 1))) return true;
  // CJK punctuation that ends sentences and quotes: a separator to the tokenizer.
  static constexpr std::array<std::string_view, 12> marks = {
      "\u3002", "\uFF01", "\uFF1F", "\uFF1B", "\uFF1A", "\uFF0C",
      "\uFF09", "\u300D", "\u300F", "\u3011", "\u201D", "\u3001"};
  for (auto m : marks)
    if (s.ends_with(m)) return true;
  return false;
}

void turn_text::add_message(std::string text, bool continues) {
  if (text.empty()) return;
  if (continues && !messages_.empty()) {
    messages_.back() += text;
    return;
  }
  messages_.push_back(std::move(text));
}

std::string turn_text::joined() const {
  std::string out;
  for (const auto& m : messages_) {
    if (!out.empty() && ends_sentence(out)) out += "\n\n";
    out += m;
  }
  return out;
}

}  // namespace reel::core
