// Titles, text overlays and captions. Each lives on its own labelled text track ("Title",
// "Text", "Captions") so later prompts find it again, and sizes follow the frame's short side
// so a change of format keeps them readable.
#include "core/agent_edit.hpp"
#include "core/agent_layout.hpp"
#include "core/text_norm.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core {

namespace {

constexpr std::int64_t default_text_ms = 3000;
constexpr std::int64_t min_caption_ms = 1500;

double base_size(const draft& d, double share) {
  const int short_side = std::min(d.width().value_or(1920), d.height().value_or(1080));
  return std::round(std::max(short_side, 100) * share);
}

// [start, end) for a text of `spec` in a video of `length`; `fallback_start` when unsaid.
std::pair<std::int64_t, std::int64_t> placement(const text_request& spec, std::int64_t length,
                                                std::int64_t fallback_start,
                                                std::int64_t fallback_ms) {
  length = std::max<std::int64_t>(length, 1);
  std::int64_t len = spec.duration_ms.value_or(fallback_ms);
  if (spec.start_ms && spec.end_ms && *spec.end_ms > *spec.start_ms)
    len = *spec.end_ms - *spec.start_ms;
  len = std::clamp<std::int64_t>(len, 1, length);
  std::int64_t start = fallback_start;
  switch (spec.when) {
    case text_when::start:
      start = 0;
      break;
    case text_when::end:
      start = length - len;
      break;
    case text_when::middle:
      start = (length - len) / 2;
      break;
    case text_when::at:
      start = spec.start_ms.value_or(0);
      break;
    case text_when::unset:
      break;
  }
  start = std::clamp<std::int64_t>(start, 0, length - 1);
  return {start, std::min(start + len, length)};
}

void style(segment_ref sg, const text_request& spec, double size) {
  text_style st;
  st.pos = spec.pos;
  st.color = spec.color;
  if (spec.size_factor)
    st.size = std::round(segment_view(sg.raw()).style().size.value_or(size) * *spec.size_factor);
  sg.set_style(st);
}

bool same_text(const std::string& a, const std::string& b) {
  return tokenize(a) == tokenize(b);
}

void remove_track_where(draft& d, std::optional<std::size_t> agent_tracks::*which) {
  if (const auto i = find_agent_tracks(d).*which) d.remove_track(*i);
}

void replace_text(draft& d, const agent_request& r, edit_context& ctx) {
  const auto& [from, to] = *r.replace_text;
  bool found = false;
  for (std::size_t ti = 0; ti < d.track_count(); ++ti) {
    auto t = d.track_at(ti);
    if (t.kind() != track_kind::text) continue;
    for (std::size_t i = 0; i < t.segment_count(); ++i) {
      auto sg = t.segment_at(i);
      if (!sg.text() || !same_text(*sg.text(), from)) continue;
      sg.set_text(to);
      found = true;
    }
  }
  if (d.title() && same_text(*d.title(), from)) d.set_title(to);
  if (found)
    ctx.did("set_text", {.kind = note_kind::text_replaced, .text = from, .text2 = to});
  else
    ctx.say({.kind = note_kind::text_not_found, .text = from});
}

void edit_title(draft& d, const agent_request& r, edit_context& ctx) {
  const auto ids = find_agent_tracks(d);
  const auto length = d.duration_ms();
  switch (r.title) {
    case title_action::none:
      return;
    case title_action::remove:
      if (!ids.title) return ctx.say({.kind = note_kind::no_title});
      d.remove_track(*ids.title);
      return ctx.did("remove_title", {.kind = note_kind::title_removed});
    case title_action::style: {
      if (!ids.title) return ctx.say({.kind = note_kind::no_title});
      auto t = d.track_at(*ids.title);
      for (std::size_t i = 0; i < t.segment_count(); ++i)
        style(t.segment_at(i), r.title_spec, base_size(d, 0.08));
      return ctx.did("style_title", {.kind = note_kind::title_styled});
    }
    case title_action::add:
    case title_action::change: {
      std::optional<std::string> existing;
      if (ids.title && d.track(*ids.title).segment_count() > 0)
        existing = d.track(*ids.title).segments()[0].text();
      std::string text = r.title_spec.text;
      if (text.empty() && existing) text = *existing;
      if (text.empty() && ctx.script()) text = split_script(ctx.script()->text).title;
      if (text.empty()) return ctx.say({.kind = note_kind::title_needs_text});
      put_title(d, r.title_spec, text, length, true);
      const auto t = find_agent_tracks(d).title;
      const auto sg = d.track(t.value_or(0)).segments();
      if (existing && *existing != text)
        return ctx.did("set_title", {.kind = note_kind::title_changed, .text = text});
      agent_note note{.kind = note_kind::title_added, .text = text};
      if (!sg.empty()) note.ms = sg[0].start_ms(), note.n = static_cast<int>(sg[0].end_ms());
      return ctx.did(existing ? "set_title" : "add_title", std::move(note));
    }
  }
}

void add_overlay(draft& d, const text_request& spec, edit_context& ctx) {
  const auto length = d.duration_ms();
  if (spec.text.empty()) {
    const auto ids = find_agent_tracks(d);
    if (!ids.text) return ctx.say({.kind = note_kind::no_texts});
    auto t = d.track_at(*ids.text);
    for (std::size_t i = 0; i < t.segment_count(); ++i)
      style(t.segment_at(i), spec, base_size(d, 0.06));
    return ctx.did("style_text", {.kind = note_kind::texts_styled});
  }
  const auto [start, end] = placement(
      spec, length, std::max<std::int64_t>(0, (length - default_text_ms) / 2), default_text_ms);
  nlohmann::json j = nlohmann::json::object();
  segment_ref sg(j);
  sg.set("id", next_segment_id(d, "x"))
      .set_text(spec.text)
      .set_start_ms(start)
      .set_duration_ms(end - start);
  text_style st;
  st.size = base_size(d, 0.06);
  st.color = "white";
  st.pos = text_position::center;
  st.bg = "black@0.4";
  sg.set_style(st);
  style(sg, spec, *st.size);
  const auto ids = find_agent_tracks(d);
  auto track = ids.text ? d.track_at(*ids.text) : d.add_track(tt_text, "Text");
  track.add_segment(std::move(j));
  ctx.did(
      "add_text",
      {.kind = note_kind::text_added, .ms = start, .n = static_cast<int>(end), .text = spec.text});
}

void edit_captions(draft& d, const agent_request& r, edit_context& ctx) {
  if (r.captions == add_remove::none) return;
  const auto ids = find_agent_tracks(d);
  if (r.captions == add_remove::remove) {
    if (!ids.captions) return ctx.say({.kind = note_kind::no_captions});
    d.remove_track(*ids.captions);
    return ctx.did("remove_captions", {.kind = note_kind::captions_removed});
  }
  const auto* script = ctx.script();
  const auto parts = script ? split_script(script->text) : script_parts{};
  if (parts.sentences.empty()) return ctx.say({.kind = note_kind::no_script});
  remove_track_where(d, &agent_tracks::captions);
  const auto length = d.duration_ms();
  const auto title = find_agent_tracks(d).title;
  const auto title_end = title ? d.track(*title).end_ms() : 0;
  const auto from = length - title_end >= min_caption_ms ? title_end : 0;
  const int n = add_captions(d, parts, from, std::max<std::int64_t>(length, from + 1));
  ctx.did("add_captions", {.kind = note_kind::captions_added, .n = n});
}

}  // namespace

void put_title(draft& d, const text_request& spec, const std::string& text, std::int64_t length_ms,
               bool replace) {
  const auto ids = find_agent_tracks(d);
  std::int64_t fallback_start = 0;
  std::int64_t fallback_ms = default_text_ms;
  if (replace && ids.title && d.track(*ids.title).segment_count() > 0) {
    const auto old = d.track(*ids.title).segments()[0];
    fallback_start = old.start_ms();
    fallback_ms = std::max<std::int64_t>(old.duration_ms(), 1);
  }
  const auto [start, end] = placement(spec, length_ms, fallback_start, fallback_ms);
  if (!ids.title) {
    auto track = d.add_track(tt_text, "Title");
    nlohmann::json j = nlohmann::json::object();
    segment_ref sg(j);
    text_style st;
    st.size = base_size(d, 0.08);
    st.color = "white";
    st.pos = text_position::center;
    sg.set("id", next_segment_id(d, "t")).set_style(st);
    track.add_segment(std::move(j));
  }
  auto track = d.track_at(find_agent_tracks(d).title.value_or(d.track_count() - 1));
  while (track.segment_count() > 1) track.remove_segment(track.segment_count() - 1);
  auto sg = track.segment_at(0);
  sg.set_text(text).set_start_ms(start).set_duration_ms(end - start);
  style(sg, spec, base_size(d, 0.08));
  d.set_title(text);
}

int add_captions(draft& d, const script_parts& script, std::int64_t from_ms, std::int64_t to_ms) {
  const auto& sentences = script.sentences;
  if (sentences.empty() || to_ms <= from_ms) return 0;
  const auto span = to_ms - from_ms;
  // Short videos get fewer, longer captions: sentences are grouped so each stays readable.
  const auto groups = static_cast<std::size_t>(std::clamp<std::int64_t>(
      span / min_caption_ms, 1, static_cast<std::int64_t>(sentences.size())));
  std::vector<std::string> lines(groups);
  for (std::size_t k = 0; k < sentences.size(); ++k) {
    auto& line = lines[k * groups / sentences.size()];
    line += (line.empty() ? "" : " ") + sentences[k];
  }
  auto track = d.add_track(tt_text, "Captions");
  const double size = base_size(d, 0.045);
  for (std::size_t g = 0; g < groups; ++g) {
    const auto start =
        from_ms + span * static_cast<std::int64_t>(g) / static_cast<std::int64_t>(groups);
    const auto end =
        from_ms + span * static_cast<std::int64_t>(g + 1) / static_cast<std::int64_t>(groups);
    nlohmann::json j = nlohmann::json::object();
    segment_ref sg(j);
    text_style st;
    st.size = size;
    st.color = "white";
    st.pos = text_position::bottom;
    st.bg = "black@0.5";
    sg.set("id", "c" + std::to_string(g + 1))
        .set_text(lines[g])
        .set_start_ms(start)
        .set_duration_ms(std::max<std::int64_t>(end - start, 1));
    sg.set_style(st);
    track.add_segment(std::move(j));
  }
  return static_cast<int>(groups);
}

void edit_texts(draft& d, const agent_request& r, edit_context& ctx) {
  if (r.replace_text) replace_text(d, r, ctx);
  edit_title(d, r, ctx);
  if (r.remove_texts) {
    if (const auto t = find_agent_tracks(d).text) {
      d.remove_track(*t);
      ctx.did("remove_text", {.kind = note_kind::texts_removed});
    } else {
      ctx.say({.kind = note_kind::no_texts});
    }
  }
  for (const auto& t : r.texts) add_overlay(d, t, ctx);
  edit_captions(d, r, ctx);
}

}  // namespace reel::core
