// Titles, text overlays and captions: what they say (quoted, or the words after "title"), when
// they show ("for 3 seconds", "at the end", "from 5 to 8 seconds") and how they look.
#include "core/agent_clause.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core::agent_detail {

namespace {

std::vector<std::size_t> unused_quotes(const clause& c) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (!c.used(i) && c[i].kind == agent_token_kind::quote) out.push_back(i);
  return out;
}

bool starts_measure(const std::vector<measure>& ms, std::size_t i) {
  return std::any_of(ms.begin(), ms.end(), [&](const measure& m) { return m.at == i; });
}

// Where unquoted text after "title" stops: at words already read as timing or placement, at a
// duration, or at "for"/"at"/"from" leading to one ("Summer Sale for 3 seconds"), so that "Thanks
// for watching" stays whole.
bool text_stop(const clause& c, std::size_t i, const std::vector<measure>& ms) {
  if (c.used(i) || starts_measure(ms, i) || c.at(i, agent_word::text_trailer)) return true;
  for (const auto w : {agent_word::for_marker, agent_word::at_marker, agent_word::from_marker}) {
    const auto h = c.at(i, w);
    if (!h) continue;
    for (std::size_t k = h.end(); k < c.size() && k <= h.end() + 2; ++k)
      if (c.used(k) || c.number_at(k) || starts_measure(ms, k)) return true;
  }
  return false;
}

// The words after the noun ("add a title Summer Sale for 3 seconds" gives "Summer Sale").
std::string unquoted_text(clause& c, std::size_t from, const std::vector<measure>& ms) {
  std::size_t b = from;
  while (b < c.size() && c.used(b)) ++b;  // "add a title at the end: Thanks for watching"
  while (b < c.size()) {
    const auto lead = c.at(b, agent_word::title_lead);
    if (!lead) break;
    b = lead.end();
  }
  std::size_t e = b;
  while (e < c.size() && !text_stop(c, e, ms)) ++e;
  // German and Chinese close with a verb particle: "Titel Sommer hinzufügen".
  while (e > b && (c.at(e - 1, agent_word::add_verb).len == 1 ||
                   c.at(e - 1, agent_word::text_trailer).len == 1))
    --e;
  if (e <= b) return {};
  auto text = c.raw(b, e);
  c.take(b, e - b);
  return text;
}

std::optional<std::string> color_in(const clause& c, std::size_t* at) {
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.used(i)) continue;
    if (auto col = color_of(c[i].text); !col.empty()) return *at = i, std::string(col);
    if (i + 1 < c.size()) {
      if (auto col = color_of(c[i].text + c[i + 1].text); !col.empty())
        return *at = i, std::string(col);
    }
  }
  return std::nullopt;
}

// When and where: timing words, positions, colours and sizes; durations tied to the text.
void read_timing(clause& c, text_request& t, bool own_durations) {
  for (const auto& [w, pos] : {std::pair{agent_word::pos_top, text_position::top},
                               std::pair{agent_word::pos_bottom, text_position::bottom},
                               std::pair{agent_word::pos_center, text_position::center}}) {
    if (auto h = c.find(w)) {
      t.pos = pos;
      c.take(h);
    }
  }
  std::size_t at = 0;
  if (auto col = color_in(c, &at)) {
    t.color = *col;
    c.take(at);
  }
  if (auto b = c.find(agent_word::bigger)) t.size_factor = 1.25, c.take(b);
  if (auto s = c.find(agent_word::smaller)) t.size_factor = 0.8, c.take(s);
  if (auto h = c.find(agent_word::at_start)) t.when = text_when::start, c.take(h);
  if (auto h = c.find(agent_word::at_end)) t.when = text_when::end, c.take(h);
  if (auto h = c.find(agent_word::in_middle)) t.when = text_when::middle, c.take(h);

  auto ms = find_durations(c);
  // "from 5 to 8 seconds", "von 5 bis 8 Sekunden", "从5秒到8秒".
  for (auto f = c.find(agent_word::from_marker); f; f = c.find(agent_word::from_marker, f.end())) {
    const std::size_t n = f.end();
    if (!c.number_at(n)) continue;
    std::size_t after = n + 1;
    const measure* start = nullptr;
    for (const auto& m : ms)
      if (m.at == n) start = &m, after = m.end();
    const auto until = c.at(after, agent_word::until_marker);
    if (!until) continue;
    for (const auto& m : ms) {
      if (m.at != until.end()) continue;
      const double unit = c[m.at].value > 0 ? m.value / c[m.at].value : 1000.0;
      t.start_ms = std::llround(start ? start->value : c[n].value * unit);
      t.end_ms = std::llround(m.value);
      t.when = text_when::at;
      c.take(f.at, m.end() - f.at);
      break;
    }
  }
  ms = find_durations(c);
  for (const auto& m : ms) {
    // "for 3 seconds", "3 Sekunden lang", "显示3秒"; "at 5 seconds", "nach 5 Sekunden", "在第5秒".
    const bool for_before = c.ending(m.at, agent_word::for_marker) ||
                            (m.at >= 1 && c.ending(m.at - 1, agent_word::for_marker) &&
                             !c.at(m.at - 1, agent_word::at_marker));
    const bool for_after = static_cast<bool>(c.at(m.end(), agent_word::for_marker));
    const bool at_before = c.ending(m.at, agent_word::at_marker) ||
                           c.ending(m.at, agent_word::after_word) ||
                           (m.at >= 1 && c.ending(m.at - 1, agent_word::at_marker));
    if (at_before && !for_before) {
      t.start_ms = std::llround(m.value);
      t.when = text_when::at;
    } else if (for_before || for_after || (own_durations && m.value <= 10000)) {
      t.duration_ms = std::llround(m.value);
    } else {
      continue;
    }
    c.take(m.at, m.len);
    if (for_after) c.take(m.end());
  }
}

}  // namespace

void parse_texts(clause& c, parse_state& st) {
  auto& r = st.r;
  auto quotes = unused_quotes(c);
  // "change 'Summer Sale' to 'Winter Sale'".
  if (quotes.size() >= 2 && c.has(agent_word::change_verb)) {
    r.replace_text = std::pair{c[quotes[0]].text, c[quotes[1]].text};
    c.take(quotes[0]);
    c.take(quotes[1]);
    c.take(c.find(agent_word::change_verb));
    return;
  }
  const auto remove = c.find(agent_word::remove_verb);
  if (auto h = c.find(agent_word::captions_noun)) {
    r.captions = remove ? add_remove::remove : add_remove::add;
    c.take(h);
    if (remove) c.take(remove);
    st.last = subject::none;
    return;
  }
  const auto title = c.find(agent_word::title_noun);
  const auto text = c.find(agent_word::text_noun);
  if (!title && !text && quotes.empty()) return;
  // "aus meinem Text", "from my text": the script a new video is made from, not an overlay.
  if (!title && quotes.empty() && (st.create_clause || r.create)) return;
  // "add a caption" without words of its own means captions from the script.
  if (!title && text && quotes.empty() && c[text.at].text == "caption") {
    r.captions = remove ? add_remove::remove : add_remove::add;
    c.take(text);
    return;
  }
  bool is_title = static_cast<bool>(title);
  if (!title && !text) {
    // A quote on its own: what the clause before spoke of, else a title for a new video.
    is_title =
        st.last == subject::title || (st.last != subject::text && (st.create_clause || r.create) &&
                                      r.title == title_action::none);
  }
  const auto noun = title ? title : text;
  if (noun) c.take(noun);
  if (remove && quotes.empty()) {
    c.take(remove);
    if (is_title)
      r.title = title_action::remove;
    else
      r.remove_texts = true;
    st.last = is_title ? subject::title : subject::text;
    return;
  }
  text_request t;
  // A video being made keeps its own length: "a 30-second video titled 'X'".
  const bool own_durations = !st.create_clause && !c.has(agent_word::create_noun);
  read_timing(c, t, own_durations);
  if (!quotes.empty()) {
    t.text = c[quotes.front()].text;
    c.take(quotes.front());
  } else if (noun && !t.color && !t.size_factor) {
    t.text = unquoted_text(c, noun.end(), find_durations(c));
  }
  const bool style_only =
      t.text.empty() && (t.color || t.size_factor || t.pos) && !c.has(agent_word::add_verb);
  st.last = is_title ? subject::title : subject::text;
  if (is_title) {
    const auto change = c.find(agent_word::change_verb);
    if (style_only)
      r.title = title_action::style;
    else if (change && !t.text.empty())
      r.title = title_action::change;
    else
      r.title = title_action::add;
    if (change) c.take(change);
    r.title_spec = std::move(t);
    return;
  }
  if (t.text.empty() && !style_only) {
    // "add text" with nothing to say: a title from the script is the useful reading.
    if (r.title == title_action::none) r.title = title_action::add, r.title_spec = std::move(t);
    return;
  }
  r.texts.push_back(std::move(t));
}

}  // namespace reel::core::agent_detail
