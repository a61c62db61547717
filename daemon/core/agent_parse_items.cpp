// Pictures named by position: "swap the first and the last photo", "move the third photo to the
// start", "make the first clip 4 seconds", "每张照片3秒".
#include "core/agent_clause.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core::agent_detail {

namespace {

// "the second one": a generic noun takes the kind the clause before spoke of.
item_ref ref_of(const item_hit& h, int inherited_kind) {
  const int kind = (h.has_noun || h.all) && h.kind > 0 ? h.kind : inherited_kind;
  return {static_cast<item_kind>(kind), h.index};
}

}  // namespace

void parse_swaps(clause& c, parse_state& st) {
  const auto verb = c.find(agent_word::swap_verb);
  if (!verb) return;
  std::vector<item_hit> items;
  for (const auto& h : find_items(c))
    if (!h.all) items.push_back(h);
  // "swap photos 1 and 3": the second is a bare number.
  if (items.size() == 1 && items[0].has_noun && items[0].index > 0) {
    for (std::size_t k = items[0].end(); k < c.size(); ++k) {
      if (!c.number_at(k) || c[k].percent || c[k].value < 1 || c[k].value >= 1000 ||
          c[k].value != std::floor(c[k].value) || c.at(k + 1, agent_word::unit_s))
        continue;
      items.push_back({k, 1, static_cast<int>(c[k].value), items[0].kind, false, false});
      break;
    }
  }
  if (items.size() < 2) return;
  // "swap the first and the third photo": the noun of one names both.
  int kind = 0;
  for (const auto& h : items)
    if (h.has_noun && h.kind > 0) kind = h.kind;
  st.r.swaps.push_back({ref_of(items[0], kind), ref_of(items[1], kind)});
  c.take(verb);
  c.take(items[0].at, items[0].len);
  c.take(items[1].at, items[1].len);
  st.last = subject::items;
  st.last_item_kind = kind;
}

// The target of a move, read after the moved item: start, end, a position, or next to another.
bool move_target_of(clause& c, const std::vector<item_hit>& items, std::size_t from, int kind,
                    move_request& mv) {
  for (std::size_t j = from; j < c.size(); ++j) {
    for (const auto& it : items) {
      if (it.at != j || it.all) continue;
      // Chinese puts before/after behind the anchor: 移到第一张后面.
      if (auto a = c.at(it.end(), agent_word::after_word)) {
        mv.target = move_target::after, mv.anchor = ref_of(it, kind);
        c.take(it.at, a.end() - it.at);
        return true;
      }
      if (auto b = c.at(it.end(), agent_word::before_word)) {
        mv.target = move_target::before, mv.anchor = ref_of(it, kind);
        c.take(it.at, b.end() - it.at);
        return true;
      }
      // "to the second position", "first", "到第二个位置".
      mv.target = move_target::position, mv.position = it.index;
      c.take(it.at, it.len);
      if (auto p = c.at(it.end(), agent_word::position_word)) c.take(p);
      return true;
    }
    if (auto s = c.at(j, agent_word::to_start)) {
      mv.target = move_target::start;
      c.take(s);
      return true;
    }
    if (auto e = c.at(j, agent_word::to_end)) {
      mv.target = move_target::end;
      c.take(e);
      return true;
    }
    // "to position 2", "an Position 2".
    if (auto p = c.at(j, agent_word::position_word); p && c.number_at(p.end())) {
      mv.target = move_target::position, mv.position = static_cast<int>(c[p.end()].value);
      c.take(p.at, p.len + 1);
      return true;
    }
    for (const auto w : {agent_word::before_word, agent_word::after_word}) {
      const auto h = c.at(j, w);
      if (!h) continue;
      for (const auto& it : items) {
        if (it.at < h.end() || it.at > h.end() + 1 || it.all) continue;
        mv.target = w == agent_word::before_word ? move_target::before : move_target::after;
        mv.anchor = ref_of(it, kind);
        c.take(h.at, it.end() - h.at);
        return true;
      }
    }
  }
  return false;
}

void parse_moves_and_trims(clause& c, parse_state& st) {
  auto& r = st.r;
  const auto items = find_items(c);
  if (items.empty()) {
    // "... and put it at the start": the picture the clause before named.
    move_request mv;
    const auto verb = c.find(agent_word::move_verb);
    if (!st.last_item || !verb || !c.has(agent_word::pronoun) ||
        !move_target_of(c, {}, verb.end(), st.last_item_kind, mv))
      return;
    mv.item = *st.last_item;
    r.moves.push_back(mv);
    c.take(verb);
    return;
  }
  const auto& first = items.front();
  const int kind = first.has_noun && first.kind > 0 ? first.kind : st.last_item_kind;
  const auto verb = c.find(agent_word::move_verb);
  const auto durations = find_durations(c);
  // "delete the third photo", "entferne das erste Foto", "删除第二张照片".
  if (const auto rm = c.find(agent_word::remove_verb);
      rm && durations.empty() && (first.has_noun || first.all)) {
    for (const auto& it : items) {
      if (!it.has_noun && !it.all) continue;
      r.removes.push_back(ref_of(it, kind));
      c.take(it.at, it.len);
    }
    c.take(rm);
    st.last = subject::items;
    st.last_item_kind = kind;
    return;
  }
  if (!first.all && (verb || durations.empty())) {
    move_request mv;
    mv.item = ref_of(first, kind);
    std::vector<item_hit> rest(items.begin() + 1, items.end());
    const std::size_t from = std::max(first.end(), verb && verb.at > first.at ? verb.end() : 0);
    if (move_target_of(c, rest, from, kind, mv)) {
      r.moves.push_back(mv);
      st.last_item = mv.item;
      c.take(first.at, first.len);
      if (verb) c.take(verb);
      st.last = subject::items;
      st.last_item_kind = kind;
      return;
    }
  }
  // A trim needs to know what it trims: a noun, or one from the clause before.
  if (durations.empty() || (!first.has_noun && st.last != subject::items)) return;
  const auto& m = durations.front();
  r.trims.push_back({ref_of(first, kind), std::llround(m.value)});
  if (!first.all) st.last_item = r.trims.back().item;
  c.take(first.at, first.len);
  c.take(m.at, m.len);
  st.last = subject::items;
  st.last_item_kind = kind;
}

}  // namespace reel::core::agent_detail
