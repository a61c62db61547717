#pragma once
// The local agent's prompt lexer: a prompt becomes sentences of tokens in which numbers (digits,
// English, German and Chinese number words), ratios ("9:16", "9比16"), percentages, ordinals
// ("third", "3rd", "3.", "dritte", "第三", "最后一") and quoted text are already recognised.
// Every token keeps its byte range in the folded prompt, so text a user typed unquoted (a title)
// can be cut out with its case intact. Pure; never throws on bad UTF-8.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class agent_token_kind { word, number, quote, ratio };

struct agent_token {
  agent_token_kind kind = agent_token_kind::word;
  // Words lowercased (one token per CJK character); numbers as written; quotes their contents.
  std::string text;
  double value = 0;      // a number's value; a ratio's width
  double value2 = 0;     // a ratio's height
  bool percent = false;  // a number followed by "%"
  // A position: 1-based ("third", "3rd", "3.", "第三"), or from the end (-1 last, -2 the one
  // before). 0 when the token is none.
  int ordinal = 0;
  std::size_t begin = 0;  // byte range in agent_lexed::text
  std::size_t end = 0;
};

struct agent_lexed {
  std::string text;  // the prompt, fullwidth ASCII folded
  // Split at , ; . ! ? (and their CJK forms, 、) and line breaks; never an empty sentence.
  std::vector<std::vector<agent_token>> sentences;
};

// Lexes a prompt. Quotes: "…", “…”, „…“, «…», 「…」, 『…』, 《…》, ‘…’ and '…' (the last two
// only where they cannot be an apostrophe).
agent_lexed lex_prompt(std::string_view prompt);

// U+FF01-FF5E folded to ASCII and U+3000 to a space; every other byte kept.
std::string fold_fullwidth(std::string_view text);

// The value of a run of Chinese numerals ("三十" 30, "两" 2, "一百二十" 120, "一点五" 1.5);
// a negative number when `run` is not one.
double chinese_number(std::string_view run);

}  // namespace reel::core
