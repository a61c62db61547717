#pragma once
// Shared text normalisation for matching user and agent phrases across English, German and
// Chinese: one tokenizer, one phrase finder. Pure, byte-oriented, never throws on bad UTF-8.
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

// Splits text into match tokens. Latin-script words (ASCII, Latin-1, Greek, Cyrillic) are
// lowercased and kept whole, with apostrophes dropped ("Don't" -> "dont"); each CJK, kana or
// hangul code point is a token of its own; punctuation, symbols, emoji and invalid bytes only
// separate. Fullwidth ASCII ("ＥＸＰＯＲＴ") folds to ASCII.
std::vector<std::string> tokenize(std::string_view text);

// The tokens tokenize() returns, handed to `fn` one at a time (the view lives for the call)
// without building them all; `fn` returns false to stop. False when stopped.
bool for_each_token(std::string_view text, const std::function<bool(std::string_view)>& fn);

// A list of phrases written "export|send me|导出", each tokenized like text. An item written
// in angle brackets ("<number>") is kept verbatim as a one-token placeholder.
using phrase = std::vector<std::string>;
std::vector<phrase> compile_phrases(std::string_view bar_separated);

// True when any of `phrases` occurs in `tokens`.
bool contains_any(std::span<const std::string> tokens, std::span<const phrase> phrases) noexcept;

// Sentence bodies as [begin, end) byte ranges, leading blanks excluded. A sentence ends at a
// line break, at . ! ? followed by a blank or the end (with closing quotes, brackets and "*"
// kept in the sentence), or at 。！？. Text between ranges is blank.
struct text_span {
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::vector<text_span> split_sentences(std::string_view text);

// Index of the first occurrence of `needle` as consecutive tokens at or after `from`, or npos.
// An empty phrase never matches.
std::size_t find_phrase(std::span<const std::string> tokens, std::span<const std::string> needle,
                        std::size_t from = 0) noexcept;

// True when any token of `tokens` equals `word`.
bool has_token(std::span<const std::string> tokens, std::string_view word) noexcept;

// True when the text holds at least one CJK, kana or hangul code point.
bool has_cjk(std::string_view text) noexcept;

// Appends code point `cp` (a valid scalar value) to `out` as UTF-8.
void append_utf8(char32_t cp, std::string& out);

// The length of the well-formed UTF-8 sequence at s[at] (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), 0 when it is not one. Inline: JSON readers and writers
// call it for every non-ASCII character.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t at) noexcept {
  const auto b = [&](std::size_t k) {
    return at + k < s.size() ? static_cast<unsigned char>(s[at + k]) : 0u;
  };
  const unsigned c0 = b(0);
  auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return b(k) >= lo && b(k) <= hi;
  };
  if (c0 >= 0xC2 && c0 <= 0xDF) return cont(1) ? 2 : 0;
  if (c0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c0 >= 0xE1 && c0 <= 0xEC) || c0 == 0xEE || c0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c0 >= 0xF1 && c0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace reel::core
