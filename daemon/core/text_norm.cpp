#include "core/text_norm.hpp"

#include <algorithm>
#include <cstdint>

namespace reel::core {
namespace {

enum class char_class { separator, word, apostrophe, ideograph };

struct code_point {
  char32_t value = 0;
  std::size_t length = 1;
  bool valid = false;
};

// A strict decoder: overlong forms, surrogates and truncated sequences come out invalid, so a
// garbled byte splits words instead of gluing two of them together.
code_point decode(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {};
  }
  if (i + len > s.size()) return {};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len, true};
}

bool is_ideograph(char32_t cp) noexcept {
  return (cp >= 0x2E80 && cp <= 0x2FDF) ||  // CJK radicals, Kangxi
         (cp >= 0x3040 && cp <= 0x31FF) ||  // kana, bopomofo
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK unified ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||  // hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFF9F) ||  // halfwidth katakana
         (cp >= 0x20000 && cp <= 0x3FFFF);  // CJK extensions B and later
}

char_class classify(char32_t cp) noexcept {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
      return char_class::word;
    }
    return cp == '\'' ? char_class::apostrophe : char_class::separator;
  }
  if (cp == 0x2019 || cp == 0x02BC) return char_class::apostrophe;
  if (cp >= 0xC0 && cp <= 0x24F) {
    return (cp == 0xD7 || cp == 0xF7) ? char_class::separator : char_class::word;
  }
  if (cp >= 0x250 && cp <= 0x1FFF) return char_class::word;  // IPA, Greek, Cyrillic, ...
  if (is_ideograph(cp)) return char_class::ideograph;
  return char_class::separator;  // general punctuation, symbols, CJK punctuation, emoji
}

char32_t lower(char32_t cp) noexcept {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;     // Latin-1: Ä -> ä
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // basic Cyrillic
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;  // Greek
  return cp;
}

}  // namespace

bool for_each_token(std::string_view text, const std::function<bool(std::string_view)>& fn) {
  std::string word;
  auto flush = [&] {
    if (word.empty()) return true;
    const bool more = fn(word);
    word.clear();
    return more;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {  // ASCII, most of any text: classify() and lower() without decoding
      ++i;
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
        word += static_cast<char>(b);
      } else if (b >= 'A' && b <= 'Z') {
        word += static_cast<char>(b + ('a' - 'A'));
      } else if (b != '\'') {  // an apostrophe is dropped without splitting, as below
        if (!flush()) return false;
      }
      continue;
    }
    const code_point cp = decode(text, i);
    i += cp.length;
    if (!cp.valid) {
      if (!flush()) return false;
      continue;
    }
    char32_t value = cp.value;
    if (value >= 0xFF01 && value <= 0xFF5E) value -= 0xFEE0;  // fullwidth ASCII
    switch (classify(value)) {
      case char_class::word:
        append_utf8(lower(value), word);
        break;
      case char_class::apostrophe:
        // Dropped without splitting: inside a word it joins ("don't" -> "dont"), around a word
        // it is a quote mark whose neighbours split anyway.
        break;
      case char_class::ideograph:
        if (!flush()) return false;
        append_utf8(value, word);
        if (!flush()) return false;
        break;
      case char_class::separator:
        if (!flush()) return false;
        break;
    }
  }
  return flush();
}

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  for_each_token(text, [&](std::string_view t) {
    tokens.emplace_back(t);
    return true;
  });
  return tokens;
}

std::size_t find_phrase(std::span<const std::string> tokens, std::span<const std::string> needle,
                        std::size_t from) noexcept {
  if (needle.empty() || needle.size() > tokens.size()) return std::string::npos;
  for (std::size_t i = from; i + needle.size() <= tokens.size(); ++i) {
    if (std::equal(needle.begin(), needle.end(), tokens.begin() + static_cast<std::ptrdiff_t>(i))) {
      return i;
    }
  }
  return std::string::npos;
}

std::vector<phrase> compile_phrases(std::string_view list) {
  std::vector<phrase> out;
  while (!list.empty()) {
    const auto bar = list.find('|');
    const auto item = list.substr(0, bar);
    if (item.size() > 2 && item.front() == '<' && item.back() == '>') {
      out.push_back({std::string(item)});
    } else if (auto tokens = tokenize(item); !tokens.empty()) {
      out.push_back(std::move(tokens));
    }
    list = bar == std::string_view::npos ? std::string_view{} : list.substr(bar + 1);
  }
  return out;
}

bool contains_any(std::span<const std::string> tokens, std::span<const phrase> phrases) noexcept {
  for (const phrase& p : phrases) {
    if (find_phrase(tokens, p) != std::string::npos) return true;
  }
  return false;
}

std::vector<text_span> split_sentences(std::string_view text) {
  constexpr std::string_view cjk_stops[] = {"\u3002", "\uFF01", "\uFF1F"};  // 。！？
  constexpr std::string_view closers[] = {
      "\"", "'", ")", "]", "*", "_", "\u201D", "\u2019", "\u300D", "\u300F", "\uFF09", "\u3011"};
  auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  // Closing quotes and brackets after a stop belong to the sentence they close.
  auto skip_closers = [&](std::size_t j) {
    for (bool more = true; more;) {
      more = false;
      for (auto c : closers) {
        if (text.substr(j).starts_with(c)) {
          j += c.size();
          more = true;
        }
      }
    }
    return j;
  };
  std::vector<text_span> out;
  std::size_t start = 0;
  auto emit = [&](std::size_t end) {
    while (start < end && is_blank(text[start])) ++start;
    if (start < end) out.push_back({start, end});
    start = end;
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') {
      emit(i);
      start = ++i;
      continue;
    }
    if (c == '.' || c == '!' || c == '?') {
      std::size_t j = i;
      while (j < text.size() && (text[j] == '.' || text[j] == '!' || text[j] == '?')) ++j;
      j = skip_closers(j);
      if (j == text.size() || is_blank(text[j])) emit(j);
      i = j;
      continue;
    }
    bool stopped = false;
    for (auto stop : cjk_stops) {
      if (text.substr(i).starts_with(stop)) {
        const std::size_t j = skip_closers(i + stop.size());
        emit(j);
        i = j;
        stopped = true;
        break;
      }
    }
    if (!stopped) ++i;
  }
  emit(text.size());
  return out;
}

bool has_token(std::span<const std::string> tokens, std::string_view word) noexcept {
  return std::find(tokens.begin(), tokens.end(), word) != tokens.end();
}

bool has_cjk(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const code_point cp = decode(text, i);
    i += cp.length;
    if (cp.valid && is_ideograph(cp.value)) return true;
  }
  return false;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace reel::core
