#include "core/agent_lexer.hpp"

#include "core/agent_numbers.hpp"

#include "core/text_norm.hpp"

#include <array>
#include <cmath>
#include <optional>
#include <utility>

namespace reel::core {
namespace {

struct code_point {
  char32_t value = 0xFFFD;
  std::size_t length = 1;
};

// Lenient on purpose: a bad byte is one replacement character, so lexing always advances.
code_point next_cp(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return {};
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, len};
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;
  return cp >= 0x370 && cp <= 0x4FF;  // Greek, Cyrillic
}

bool is_word_char(char32_t cp) {
  return is_letter(cp) || (cp >= '0' && cp <= '9');
}

bool is_stop(char32_t cp) {
  switch (cp) {
    case ',':
    case ';':
    case '.':
    case '!':
    case '?':
    case '\n':
    case 0x3001:
    case 0x3002:  // 、 。
      return true;
    default:
      return false;
  }
}

struct quote_pair {
  std::string_view open;
  std::string_view close;
  bool apostrophe = false;  // may also be an apostrophe: only between non-letters
};
constexpr std::array<quote_pair, 11> quote_pairs{{
    {"\"", "\""},
    {"\u201C", "\u201D"},
    {"\u201E", "\u201C"},
    {"\u201E", "\u201D"},
    {"\u00AB", "\u00BB"},
    {"\u00BB", "\u00AB"},
    {"\u300C", "\u300D"},
    {"\u300E", "\u300F"},
    {"\u300A", "\u300B"},
    {"\u2018", "\u2019", true},
    {"'", "'", true},
}};

std::string lower_word(std::string_view run) {
  std::string out;
  for (auto& t : tokenize(run)) out += t;
  return out;
}

// Words after "3." that make it a German ordinal ("das 3. Foto") rather than a sentence end.
bool ordinal_follower(const std::string& w) {
  static const std::array<std::string_view, 16> nouns{
      "foto",      "bild", "clip",  "video", "szene",   "stelle",  "position", "element",
      "abschnitt", "teil", "photo", "image", "picture", "segment", "titel",    "text"};
  for (auto n : nouns)
    if (n == w) return true;
  return false;
}

}  // namespace

std::string fold_fullwidth(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto cp = next_cp(text, i);
    if (cp.value >= 0xFF01 && cp.value <= 0xFF5E && cp.length == 3)
      out.push_back(static_cast<char>(cp.value - 0xFEE0));
    else if (cp.value == 0x3000 && cp.length == 3)
      out.push_back(' ');
    else
      out.append(text.substr(i, cp.length));
    i += cp.length;
  }
  return out;
}

agent_lexed lex_prompt(std::string_view prompt) {
  agent_lexed out;
  out.text = fold_fullwidth(prompt);
  const std::string_view s = out.text;
  std::vector<agent_token> cur;
  auto end_sentence = [&] {
    if (cur.empty()) return;
    agent_detail::mark_numbers(cur);
    out.sentences.push_back(std::move(cur));
    cur.clear();
  };
  auto prev_is_word_char = [&](std::size_t i) {
    if (i == 0) return false;
    std::size_t k = i - 1;
    while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    return is_word_char(next_cp(s, k).value);
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto cp = next_cp(s, i);
    // Quoted text: one token, its contents verbatim.
    bool quoted = false;
    for (const auto& q : quote_pairs) {
      if (!s.substr(i).starts_with(q.open)) continue;
      if (q.apostrophe && prev_is_word_char(i)) break;
      std::size_t from = i + q.open.size();
      std::size_t close = std::string_view::npos;
      while ((close = s.find(q.close, from)) != std::string_view::npos) {
        const std::size_t after = close + q.close.size();
        if (!q.apostrophe || after >= s.size() || !is_word_char(next_cp(s, after).value)) break;
        from = after;
      }
      if (close == std::string_view::npos) continue;
      std::size_t b = i + q.open.size();
      std::size_t e = close;
      while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
      while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
      if (e > b) {
        agent_token t;
        t.kind = agent_token_kind::quote;
        t.text = std::string(s.substr(b, e - b));
        t.begin = i;
        t.end = close + q.close.size();
        cur.push_back(std::move(t));
      }
      i = close + q.close.size();
      quoted = true;
      break;
    }
    if (quoted) continue;
    if (is_digit(s[i])) {
      std::size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      if (j + 1 < s.size() && (s[j] == '.' || s[j] == ',') && is_digit(s[j + 1])) {
        ++j;
        while (j < s.size() && is_digit(s[j])) ++j;
      }
      agent_token t;
      t.kind = agent_token_kind::number;
      std::string digits(s.substr(i, j - i));
      for (auto& c : digits)
        if (c == ',') c = '.';
      t.value = std::strtod(digits.c_str(), nullptr);
      t.text = std::string(s.substr(i, j - i));
      // "9:16", "1080x1920", "9比16": a ratio (or a size when the numbers are large).
      std::size_t sep = 0;
      if (j + 1 < s.size() && (s[j] == ':' || s[j] == 'x' || s[j] == 'X') && is_digit(s[j + 1]))
        sep = 1;
      else if (s.substr(j).starts_with("\u00D7") || s.substr(j).starts_with("比"))
        sep = s.substr(j).starts_with("\u00D7") ? 2 : 3;
      if (sep && j + sep < s.size() && is_digit(s[j + sep])) {
        std::size_t k = j + sep;
        while (k < s.size() && is_digit(s[k])) ++k;
        t.kind = agent_token_kind::ratio;
        t.value2 = std::strtod(std::string(s.substr(j + sep, k - j - sep)).c_str(), nullptr);
        t.text = std::to_string(static_cast<long long>(t.value)) + ":" +
                 std::to_string(static_cast<long long>(t.value2));
        j = k;
      }
      std::size_t k = j;
      while (k < s.size() && s[k] == ' ') ++k;
      if (t.kind == agent_token_kind::number && k < s.size() && s[k] == '%') {
        t.percent = true;
        j = k + 1;
      }
      // "das 3. Foto": a German ordinal, not the end of a sentence.
      if (t.kind == agent_token_kind::number && j < s.size() && s[j] == '.' && !t.percent) {
        std::size_t w = j + 1;
        while (w < s.size() && s[w] == ' ') ++w;
        std::size_t we = w;
        while (we < s.size() && is_letter(next_cp(s, we).value)) we += next_cp(s, we).length;
        if (we > w && ordinal_follower(lower_word(s.substr(w, we - w)))) {
          t.ordinal = static_cast<int>(t.value);
          j = j + 1;
        }
      }
      t.begin = i;
      t.end = j;
      cur.push_back(std::move(t));
      i = j;
      continue;
    }
    if (is_letter(cp.value)) {
      std::size_t j = i;
      while (j < s.size()) {
        const auto c = next_cp(s, j);
        if (is_word_char(c.value)) {
          j += c.length;
          continue;
        }
        // An apostrophe inside a word ("let's", "don’t") joins it.
        if ((c.value == '\'' || c.value == 0x2019) && j + c.length < s.size() &&
            is_letter(next_cp(s, j + c.length).value)) {
          j += c.length;
          continue;
        }
        break;
      }
      agent_token t;
      t.text = lower_word(s.substr(i, j - i));
      t.begin = i;
      t.end = j;
      if (!t.text.empty()) cur.push_back(std::move(t));
      i = j;
      continue;
    }
    if (is_stop(cp.value)) {
      end_sentence();
      i += cp.length;
      continue;
    }
    if (cp.value >= 0x2E80 && has_cjk(s.substr(i, cp.length))) {
      agent_token t;
      t.text = std::string(s.substr(i, cp.length));
      t.begin = i;
      t.end = i + cp.length;
      cur.push_back(std::move(t));
    }
    i += cp.length;
  }
  end_sentence();
  return out;
}

}  // namespace reel::core
