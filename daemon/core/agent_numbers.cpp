// Numbers and positions among a sentence's tokens: English and German number words, Chinese
// numerals, and ordinals in the three languages (agent_numbers.hpp).
#include "core/agent_numbers.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <utility>

namespace reel::core {

namespace {

struct code_point {
  std::size_t length = 1;
};

// Only the length matters here: numerals are whole UTF-8 sequences.
code_point next_cp(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const std::size_t len = b0 < 0x80             ? 1
                          : (b0 & 0xE0) == 0xC0 ? 2
                          : (b0 & 0xF0) == 0xE0 ? 3
                          : (b0 & 0xF8) == 0xF0 ? 4
                                                : 1;
  return {std::min(len, s.size() - i)};
}

// Word numbers, English and German; compounds ("twenty five", "fünfundzwanzig") are summed
// later.
std::optional<double> number_word(const std::string& w) {
  static const std::array<std::pair<std::string_view, double>, 62> table{{
      {"zero", 0},      {"one", 1},          {"two", 2},          {"three", 3},
      {"four", 4},      {"five", 5},         {"six", 6},          {"seven", 7},
      {"eight", 8},     {"nine", 9},         {"ten", 10},         {"eleven", 11},
      {"twelve", 12},   {"thirteen", 13},    {"fourteen", 14},    {"fifteen", 15},
      {"sixteen", 16},  {"seventeen", 17},   {"eighteen", 18},    {"nineteen", 19},
      {"twenty", 20},   {"thirty", 30},      {"forty", 40},       {"fifty", 50},
      {"sixty", 60},    {"seventy", 70},     {"eighty", 80},      {"ninety", 90},
      {"null", 0},      {"eins", 1},         {"zwei", 2},         {"drei", 3},
      {"vier", 4},      {"fünf", 5},         {"sechs", 6},        {"sieben", 7},
      {"acht", 8},      {"neun", 9},         {"zehn", 10},        {"elf", 11},
      {"zwölf", 12},    {"dreizehn", 13},    {"vierzehn", 14},    {"fünfzehn", 15},
      {"sechzehn", 16}, {"siebzehn", 17},    {"achtzehn", 18},    {"neunzehn", 19},
      {"zwanzig", 20},  {"dreißig", 30},     {"dreissig", 30},    {"vierzig", 40},
      {"fünfzig", 50},  {"sechzig", 60},     {"siebzig", 70},     {"achtzig", 80},
      {"neunzig", 90},  {"anderthalb", 1.5}, {"eineinhalb", 1.5}, {"zweieinhalb", 2.5},
      {"hundert", 100}, {"hundred", 100},
  }};
  for (const auto& [name, v] : table)
    if (name == w) return v;
  // German "fünfundzwanzig": units + "und" + tens.
  if (const auto und = w.find("und"); und != std::string::npos && und > 0) {
    const auto units =
        w.substr(0, und) == "ein" ? std::optional<double>(1) : number_word(w.substr(0, und));
    const auto tens = number_word(w.substr(und + 3));
    if (units && tens && *units < 10 && *tens >= 20 && std::fmod(*tens, 10) == 0)
      return *units + *tens;
  }
  return std::nullopt;
}

int ordinal_word(const std::string& w) {
  static const std::array<std::string_view, 12> english{"first", "second", "third",    "fourth",
                                                        "fifth", "sixth",  "seventh",  "eighth",
                                                        "ninth", "tenth",  "eleventh", "twelfth"};
  for (std::size_t i = 0; i < english.size(); ++i)
    if (english[i] == w) return static_cast<int>(i) + 1;
  if (w == "last" || w == "latest") return -1;
  if (w == "penultimate") return -2;
  // German: a stem and an adjective ending ("dritte", "ersten", "letztes").
  static const std::array<std::pair<std::string_view, int>, 14> german{{
      {"erst", 1},
      {"zweit", 2},
      {"dritt", 3},
      {"viert", 4},
      {"fünft", 5},
      {"sechst", 6},
      {"siebt", 7},
      {"siebent", 7},
      {"acht", 8},
      {"neunt", 9},
      {"zehnt", 10},
      {"elft", 11},
      {"vorletzt", -2},
      {"letzt", -1},
  }};
  for (const auto& [stem, v] : german) {
    if (!w.starts_with(stem)) continue;
    const auto rest = std::string_view(w).substr(stem.size());
    if (rest == "e" || rest == "en" || rest == "er" || rest == "es" || rest == "em") return v;
  }
  return 0;
}

constexpr std::string_view cjk_digits[] = {"零", "〇", "一", "二", "两", "三",
                                           "四", "五", "六", "七", "八", "九"};
constexpr int cjk_digit_values[] = {0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9};

int cjk_digit(std::string_view ch) {
  for (std::size_t i = 0; i < std::size(cjk_digits); ++i)
    if (cjk_digits[i] == ch) return cjk_digit_values[i];
  return -1;
}

int cjk_multiplier(std::string_view ch) {
  if (ch == "十") return 10;
  if (ch == "百") return 100;
  if (ch == "千") return 1000;
  return 0;
}

bool is_cjk_numeral(std::string_view ch) {
  return cjk_digit(ch) >= 0 || cjk_multiplier(ch) > 0;
}

bool is_word(const agent_token& t, std::string_view w) {
  return t.kind == agent_token_kind::word && t.text == w;
}

agent_token merged(const std::vector<agent_token>& ts, std::size_t from, std::size_t to) {
  agent_token m;
  m.begin = ts[from].begin;
  m.end = ts[to - 1].end;
  for (std::size_t k = from; k < to; ++k) m.text += ts[k].text;
  return m;
}

// Chinese numerals ("三十", "一点五") into numbers, "百分之三十" into 30%.
std::vector<agent_token> merge_chinese_numbers(const std::vector<agent_token>& in) {
  std::vector<agent_token> out;
  for (std::size_t i = 0; i < in.size();) {
    bool percent = false;
    std::size_t start = i;
    if (i + 3 < in.size() && is_word(in[i], "百") && is_word(in[i + 1], "分") &&
        is_word(in[i + 2], "之")) {
      percent = true;
      start = i + 3;
    }
    std::size_t j = start;
    std::string run;
    while (j < in.size() && in[j].kind == agent_token_kind::word &&
           (is_cjk_numeral(in[j].text) || (in[j].text == "点" && j > start && j + 1 < in.size() &&
                                           cjk_digit(in[j + 1].text) >= 0))) {
      run += in[j].text;
      ++j;
    }
    const double v = run.empty() ? -1 : chinese_number(run);
    if (v < 0) {
      out.push_back(in[i]);
      ++i;
      continue;
    }
    agent_token n = merged(in, i, j);
    n.kind = agent_token_kind::number;
    n.value = v;
    n.percent = percent;
    if (percent) n.text = run;
    out.push_back(std::move(n));
    i = j;
  }
  return out;
}

// English and German number words, with "twenty five" summed.
void mark_number_words(std::vector<agent_token>& ts) {
  for (auto& t : ts) {
    if (t.kind != agent_token_kind::word) continue;
    if (const auto v = number_word(t.text)) {
      t.kind = agent_token_kind::number;
      t.value = *v;
    }
  }
  std::vector<agent_token> out;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    auto& t = ts[i];
    if (!out.empty() && t.kind == agent_token_kind::number && t.value > 0 && t.value < 10 &&
        out.back().kind == agent_token_kind::number && out.back().value >= 20 &&
        out.back().value < 100 && std::fmod(out.back().value, 10) == 0 &&
        std::isalpha(static_cast<unsigned char>(out.back().text[0])) &&
        std::isalpha(static_cast<unsigned char>(t.text[0]))) {
      out.back().value += t.value;
      out.back().text += " " + t.text;
      out.back().end = t.end;
      continue;
    }
    out.push_back(std::move(t));
  }
  ts = std::move(out);
}

void mark_ordinals(std::vector<agent_token>& ts) {
  std::vector<agent_token> out;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    agent_token t = ts[i];
    const bool after_number = !out.empty() && out.back().kind == agent_token_kind::number;
    if (t.kind == agent_token_kind::word) {
      // "3rd": the suffix makes the number before it an ordinal.
      if (after_number && out.back().ordinal == 0 &&
          out.back().text.find_first_not_of("0123456789") == std::string::npos &&
          (t.text == "st" || t.text == "nd" || t.text == "rd" || t.text == "th")) {
        out.back().ordinal = static_cast<int>(out.back().value);
        out.back().end = t.end;
        continue;
      }
      // "second" after a number is the unit ("30 second video").
      const int o = after_number && t.text == "second" ? 0 : ordinal_word(t.text);
      if (o != 0) {
        t.ordinal = o;
        // "second last", "second to last", "second from last".
        if (o == 2 && i + 1 < ts.size()) {
          std::size_t skip = 0;
          if (is_word(ts[i + 1], "last")) skip = 1;
          if (i + 2 < ts.size() && (is_word(ts[i + 1], "to") || is_word(ts[i + 1], "from")) &&
              is_word(ts[i + 2], "last"))
            skip = 2;
          if (skip) {
            t.ordinal = -2;
            t.end = ts[i + skip].end;
            i += skip;
          }
        }
      }
      // 第三 / 倒数第二: the number after 第 is the position.
      if (t.text == "第" && i + 1 < ts.size() && ts[i + 1].kind == agent_token_kind::number) {
        agent_token n = ts[i + 1];
        const bool from_end =
            out.size() >= 2 && is_word(out[out.size() - 2], "倒") && is_word(out.back(), "数");
        n.ordinal = static_cast<int>(n.value) * (from_end ? -1 : 1);
        n.begin = from_end ? out[out.size() - 2].begin : t.begin;
        if (from_end) out.resize(out.size() - 2);
        if (n.ordinal == 0) n.ordinal = 1;
        out.push_back(std::move(n));
        ++i;
        continue;
      }
      // 最后一张 / 最后一个: "last", but 最后 alone stays a word ("to the end").
      if (t.text == "最" && i + 1 < ts.size() && is_word(ts[i + 1], "后") && i + 2 < ts.size()) {
        const auto& next = ts[i + 2];
        const bool one = next.kind == agent_token_kind::number && next.value == 1;
        const bool classifier = next.text == "张" || next.text == "个" || next.text == "段" ||
                                next.text == "幅" || next.text == "条";
        if (one || classifier) {
          agent_token last = merged(ts, i, i + (one ? 3 : 2));
          last.ordinal = -1;
          out.push_back(std::move(last));
          i += one ? 2 : 1;
          continue;
        }
      }
    }
    out.push_back(std::move(t));
  }
  ts = std::move(out);
}

}  // namespace

double chinese_number(std::string_view run) {
  double total = 0;
  double section = 0;
  int digit = -1;
  bool any = false;
  std::size_t i = 0;
  for (; i < run.size();) {
    const auto cp = next_cp(run, i);
    const auto ch = run.substr(i, cp.length);
    i += cp.length;
    if (ch == "点") break;
    if (const int d = cjk_digit(ch); d >= 0) {
      digit = d;
      any = true;
    } else if (const int m = cjk_multiplier(ch); m > 0) {
      section += (digit < 0 ? 1 : digit) * m;
      digit = -1;
      any = true;
    } else {
      return -1;
    }
  }
  if (!any) return -1;
  total = section + (digit < 0 ? 0 : digit);
  double scale = 0.1;
  while (i < run.size()) {
    const auto cp = next_cp(run, i);
    const int d = cjk_digit(run.substr(i, cp.length));
    if (d < 0) return -1;
    total += d * scale;
    scale /= 10;
    i += cp.length;
  }
  return total;
}

namespace agent_detail {

void mark_numbers(std::vector<agent_token>& tokens) {
  tokens = merge_chinese_numbers(tokens);
  mark_number_words(tokens);
  mark_ordinals(tokens);
}

}  // namespace agent_detail

}  // namespace reel::core
