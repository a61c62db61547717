// The clause helpers and the number-bearing recognizers of the agent's parser: durations,
// percentages and item references ("the third photo").
#include "core/agent_clause.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core::agent_detail {

namespace {

// A quote never matches a phrase: its text is the user's, not a command.
constexpr std::string_view quote_marker = "\x01";

bool is_cjk_token(const agent_token& t) {
  return !t.text.empty() && static_cast<unsigned char>(t.text[0]) >= 0xE0;
}

}  // namespace

clause::clause(const agent_lexed& lx, std::vector<agent_token> tokens)
    : lx_(&lx), t_(std::move(tokens)), used_(t_.size(), 0) {
  words_.reserve(t_.size());
  for (const auto& t : t_)
    words_.push_back(t.kind == agent_token_kind::quote ? std::string(quote_marker) : t.text);
}

void clause::take(std::size_t at, std::size_t len) {
  for (std::size_t i = at; i < at + len && i < used_.size(); ++i) used_[i] = 1;
}

hit clause::at(std::size_t i, agent_word w) const {
  if (i >= t_.size() || used_[i]) return {};
  hit best;
  for (const auto& p : phrases_of(w)) {
    if (p.size() <= best.len || i + p.size() > t_.size()) continue;
    bool ok = true;
    for (std::size_t k = 0; k < p.size() && ok; ++k) ok = !used_[i + k] && words_[i + k] == p[k];
    if (ok) best = {i, p.size()};
  }
  if (best) return best;
  // Stems: inside one Latin word, for German compounds ("Hintergrundmusik").
  const auto& t = t_[i];
  if (t.kind != agent_token_kind::word || is_cjk_token(t)) return {};
  for (const auto stem : stems_of(w))
    if (t.text.find(stem) != std::string::npos) return {i, 1};
  return {};
}

hit clause::ending(std::size_t i, agent_word w) const {
  for (std::size_t b = i; b-- > 0 && i - b <= 4;)
    if (auto h = at(b, w); h && h.end() == i) return h;
  return {};
}

hit clause::find(agent_word w, std::size_t from) const {
  for (std::size_t i = from; i < t_.size(); ++i)
    if (auto h = at(i, w)) return h;
  return {};
}

std::vector<hit> clause::find_all(agent_word w) const {
  std::vector<hit> out;
  for (std::size_t i = 0; i < t_.size();) {
    if (auto h = at(i, w)) {
      out.push_back(h);
      i = h.end();
    } else {
      ++i;
    }
  }
  return out;
}

bool clause::number_at(std::size_t i) const {
  return i < t_.size() && !used_[i] && t_[i].kind == agent_token_kind::number;
}

std::string clause::raw(std::size_t from, std::size_t to) const {
  if (from >= to || to > t_.size()) return {};
  const auto b = t_[from].begin;
  const auto e = t_[to - 1].end;
  std::string s = lx_->text.substr(b, e - b);
  const auto first = s.find_first_not_of(" \t:=-");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t:=-");
  return s.substr(first, last - first + 1);
}

clause clause::sub(std::size_t from, std::size_t to) const {
  to = std::min(to, t_.size());
  from = std::min(from, to);
  clause c(*lx_, std::vector<agent_token>(t_.begin() + static_cast<std::ptrdiff_t>(from),
                                          t_.begin() + static_cast<std::ptrdiff_t>(to)));
  for (std::size_t i = from; i < to; ++i) c.used_[i - from] = used_[i];
  return c;
}

std::vector<measure> find_durations(const clause& c) {
  std::vector<measure> out;
  for (std::size_t i = 0; i < c.size();) {
    double ms = -1;
    std::size_t end = i;
    if (c.number_at(i) && !c[i].percent) {
      const double v = c[i].value;
      if (auto u = c.at(i + 1, agent_word::unit_ms)) {
        ms = v, end = u.end();
      } else if (auto s = c.at(i + 1, agent_word::unit_s)) {
        ms = v * 1000, end = s.end();
      } else if (auto m = c.at(i + 1, agent_word::unit_min)) {
        ms = v * 60000, end = m.end();
        // "一分半", "1 minute 30 seconds", "1分30秒".
        if (auto h = c.at(end, agent_word::half)) {
          ms += 30000, end = h.end();
        } else if (c.number_at(end)) {
          if (auto s2 = c.at(end + 1, agent_word::unit_s))
            ms += c[end].value * 1000, end = s2.end();
        }
      }
    } else if (auto h = c.at(i, agent_word::half)) {
      // "half a minute", "eine halbe Minute", "半分钟".
      std::size_t j = h.end();
      if (auto a = c.at(j, agent_word::one_article)) j = a.end();
      if (auto m = c.at(j, agent_word::unit_min)) ms = 30000, end = m.end();
    } else if (auto a = c.at(i, agent_word::one_article)) {
      // "a minute", "eine Minute"; "eine halbe Minute" is read from "halbe".
      if (auto m = c.at(a.end(), agent_word::unit_min)) ms = 60000, end = m.end();
    }
    if (ms >= 0 && std::isfinite(ms) && ms < 1e12) {
      out.push_back({i, end - i, ms});
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

std::vector<measure> find_percents(const clause& c) {
  std::vector<measure> out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.number_at(i)) continue;
    if (c[i].percent) {
      out.push_back({i, 1, c[i].value / 100.0});
    } else if (auto p = c.at(i + 1, agent_word::percent_word)) {
      out.push_back({i, p.end() - i, c[i].value / 100.0});
    }
  }
  return out;
}

namespace {

// The noun right after (or, for "photo 3", right before) an ordinal: 1 photo, 2 clip, 0 any.
int noun_kind_at(const clause& c, std::size_t i, std::size_t* len) {
  if (auto h = c.at(i, agent_word::photo_noun)) return *len = h.len, 1;
  if (auto h = c.at(i, agent_word::clip_noun)) return *len = h.len, 2;
  if (auto h = c.at(i, agent_word::item_noun)) return *len = h.len, 0;
  return *len = 0, -1;
}

// After "第三" come a classifier and maybe a noun ("第三张照片", "第一个片段", "第二个视频"):
// the most specific noun within two words decides.
int noun_after(const clause& c, std::size_t from, std::size_t* end) {
  int kind = -1;
  *end = from;
  std::size_t j = from;
  for (int k = 0; k < 2 && j < c.size(); ++k) {
    std::size_t len = 0;
    const int nk = noun_kind_at(c, j, &len);
    if (nk < 0) break;
    if (kind <= 0 || nk > 0) kind = std::max(kind, nk);
    j += len;
    *end = j;
  }
  return kind;
}

}  // namespace

std::vector<item_hit> find_items(const clause& c) {
  std::vector<item_hit> out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.used(i)) continue;
    const auto& t = c[i];
    if (t.ordinal != 0) {
      // "第5秒" is a moment, not an item.
      if (c.at(i + 1, agent_word::unit_s) || c.at(i + 1, agent_word::unit_min)) continue;
      item_hit h{i, 1, t.ordinal, 0, false, false};
      // "the third photo", "the 3rd clip", "第三张照片".
      std::size_t end = 0;
      const int kind = noun_after(c, i + 1, &end);
      if (kind >= 0) h.kind = kind, h.len = end - i, h.has_noun = true;
      out.push_back(h);
      i = h.end() - 1;
      continue;
    }
    if (auto q = c.at(i, agent_word::all_quant)) {
      // "each photo", "alle Bilder", "每张照片"; 每张 alone means photos.
      std::size_t end = 0;
      int kind = noun_after(c, q.end(), &end);
      bool noun = kind >= 0;
      if (!noun) {
        end = q.end();
        bool zhang = false;
        for (std::size_t k = q.at; k < q.end(); ++k) zhang = zhang || c[k].text == "张";
        kind = zhang ? 1 : -1;
        noun = zhang;
      }
      if (noun) {
        out.push_back({i, end - i, 0, kind, true, true});
        i = end - 1;
      }
      continue;
    }
    // "photo 3", "Bild 3", "clip #2", "图3".
    std::size_t len = 0;
    const int kind = noun_kind_at(c, i, &len);
    if (kind >= 0 && c.number_at(i + len) && !c[i + len].percent &&
        !c.at(i + len + 1, agent_word::unit_s) && !c.at(i + len + 1, agent_word::unit_min) &&
        c[i + len].value >= 1 && c[i + len].value < 1000 &&
        c[i + len].value == std::floor(c[i + len].value)) {
      out.push_back({i, len + 1, static_cast<int>(c[i + len].value), kind, false, true});
      i += len;
    }
  }
  return out;
}

}  // namespace reel::core::agent_detail
