// Edits to an existing draft: format, order, trims, transitions, length, music, motion. Each
// keeps the timeline consistent: pictures stay one after another, and when the length changes
// the music, captions and texts follow it (agent_layout.hpp).
#include "core/agent_edit.hpp"

#include "core/agent_layout.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace reel::core {

namespace {

constexpr std::int64_t min_length_ms = 1000;
constexpr std::int64_t max_length_ms = 600000;
constexpr std::int64_t min_picture_ms = 100;
constexpr std::int64_t default_transition_ms = 500;
constexpr double default_music_volume = 0.35;
constexpr std::int64_t default_fade_out_ms = 2000;

bool is_clip(const segment_view& sg, const media_catalog& catalog) {
  return !is_photo(sg, catalog);
}

// The longest a picture can last: a clip's own length after its in point; none for stills and
// for clips whose length is unknown.
std::optional<std::int64_t> cap_of(const segment_view& sg, const edit_context& ctx) {
  if (!is_clip(sg, ctx.catalog())) return std::nullopt;
  const auto src = sg.source();
  const auto own = src ? ctx.source_ms(*src) : std::nullopt;
  if (!own) return std::nullopt;
  return std::max<std::int64_t>(*own - std::max<std::int64_t>(sg.trim_in_ms().value_or(0), 0),
                                min_picture_ms);
}

// The pictures as the prompt saw them. Every reference in one prompt means the order before
// any of its edits ("move the first photo to the end and the last photo to the start"), so
// each picture carries its first position in a key of its own while the edits run.
constexpr const char* position_key = "_agent_pos";

class pictures {
 public:
  pictures(draft& d, const media_catalog& catalog) {
    const auto ids = find_agent_tracks(d);
    if (!ids.video) return;
    auto track = d.track_at(*ids.video);
    for (std::size_t i = 0; i < track.segment_count(); ++i) {
      auto sg = track.segment_at(i);
      sg.set(position_key, i);
      photo_.push_back(is_photo(sg, catalog));
    }
  }

  static void forget(draft& d) {
    const auto ids = find_agent_tracks(d);
    if (!ids.video) return;
    auto track = d.track_at(*ids.video);
    for (std::size_t i = 0; i < track.segment_count(); ++i)
      track.segment_at(i).raw().erase(position_key);
  }

  // Where the pictures `ref` names are now; empty when there is no such picture (or it was
  // removed). `of_kind`: how many of that kind there were.
  std::vector<std::size_t> resolve(const track_view& now, const item_ref& ref, int* of_kind) const {
    std::vector<std::size_t> pool;
    for (std::size_t i = 0; i < photo_.size(); ++i)
      if (ref.kind == item_kind::any || (ref.kind == item_kind::photo) == photo_[i])
        pool.push_back(i);
    *of_kind = static_cast<int>(pool.size());
    if (ref.index != 0) {
      const auto n = static_cast<int>(pool.size());
      const int k = ref.index > 0 ? ref.index - 1 : n + ref.index;
      if (k < 0 || k >= n) return {};
      pool = {pool[static_cast<std::size_t>(k)]};
    }
    std::vector<std::size_t> out;
    const auto sgs = now.segments();
    for (const auto original : pool)
      for (std::size_t i = 0; i < sgs.size(); ++i)
        if (const auto it = sgs[i].raw().find(position_key);
            it != sgs[i].raw().end() && *it == original)
          out.push_back(i);
    return out;
  }

 private:
  std::vector<bool> photo_;
};

std::vector<std::int64_t> lengths_of(const track_view& track) {
  std::vector<std::int64_t> out;
  for (const auto& sg : track.segments())
    out.push_back(std::max<std::int64_t>(sg.duration_ms(), min_picture_ms));
  return out;
}

// Places the pictures again with their lengths as they are; returns where they end. `before`:
// the transition read before a reorder (the first picture, which has none, may have moved).
std::int64_t restack(draft& d, const edit_context& ctx,
                     std::optional<transition_spec> before = std::nullopt) {
  const auto ids = find_agent_tracks(d);
  if (!ids.video) return d.duration_ms();
  auto track = d.track_at(*ids.video);
  const auto lengths = lengths_of(track);
  auto tr = before.value_or(current_transition(track));
  tr.duration_ms = fitting_transition(lengths, tr.duration_ms);
  return stack_pictures(track, lengths, tr, ctx.catalog());
}

// Shares `length` among the pictures in proportion to their lengths now (locked ones kept),
// with transition `tr`; returns where they end, less than `length` when clips run out.
std::int64_t refit(draft& d, std::int64_t length, const std::vector<char>& locked,
                   transition_spec tr, const edit_context& ctx) {
  const auto ids = find_agent_tracks(d);
  if (!ids.video || d.track(*ids.video).segment_count() == 0) return length;
  auto track = d.track_at(*ids.video);
  const auto sgs = track.segments();
  std::vector<share_slot> slots;
  for (std::size_t i = 0; i < sgs.size(); ++i) {
    share_slot s{static_cast<double>(std::max<std::int64_t>(sgs[i].duration_ms(), min_picture_ms)),
                 cap_of(sgs[i], ctx)};
    if (i < locked.size() && locked[i]) s.locked = true, s.locked_ms = sgs[i].duration_ms();
    slots.push_back(s);
  }
  if (tr.type == transition_kind::none) tr.duration_ms = 0;
  const auto [lengths, overlap] = share_with_transitions(slots, length, tr.duration_ms);
  tr.duration_ms = overlap;
  return stack_pictures(track, lengths, tr, ctx.catalog());
}

void edit_format(draft& d, const agent_request& r, edit_context& ctx) {
  if (r.size || r.aspect || r.short_side) {
    const int cw = d.width().value_or(1920);
    const int ch = d.height().value_or(1080);
    const int g = std::gcd(std::max(cw, 1), std::max(ch, 1));
    const auto aspect = r.aspect.value_or(std::pair{std::max(cw, 1) / g, std::max(ch, 1) / g});
    const auto [w, h] =
        r.size ? *r.size
               : size_for(aspect, r.short_side.value_or(std::clamp(std::min(cw, ch), 2, 4320)));
    d.set_size(w, h);
    ctx.did("set_aspect", {.kind = note_kind::aspect, .w = w, .h = h, .text = aspect_of(w, h)});
  }
  if (r.fps) {
    d.set_fps(*r.fps);
    ctx.did("set_fps", {.kind = note_kind::fps, .n = static_cast<int>(std::lround(*r.fps))});
  }
}

void edit_order(draft& d, const agent_request& r, const pictures& seen, edit_context& ctx) {
  if (r.swaps.empty() && r.moves.empty()) return;
  const auto ids = find_agent_tracks(d);
  if (!ids.video) {
    ctx.say({.kind = note_kind::no_visuals});
    return;
  }
  const auto tr = current_transition(d.track(*ids.video));
  auto missing = [&](const item_ref& ref, int count) {
    ctx.say({.kind = note_kind::no_such_item, .n = ref.index, .n2 = count, .what = ref.kind});
  };
  bool changed = false;
  for (const auto& s : r.swaps) {
    auto track = d.track_at(*ids.video);
    int na = 0, nb = 0;
    const auto a = seen.resolve(track, s.a, &na);
    const auto b = seen.resolve(track, s.b, &nb);
    if (a.size() != 1 || s.a.index == 0) {
      missing(s.a, na);
      continue;
    }
    if (b.size() != 1 || s.b.index == 0) {
      missing(s.b, nb);
      continue;
    }
    if (a[0] != b[0]) std::swap(track.segment_at(a[0]).raw(), track.segment_at(b[0]).raw());
    changed = true;
    ctx.did("swap_segments", {.kind = note_kind::swapped,
                              .n = s.a.index,
                              .n2 = s.b.index,
                              .what = s.a.kind,
                              .what2 = s.b.kind});
  }
  for (const auto& m : r.moves) {
    auto track = d.track_at(*ids.video);
    int count = 0;
    const auto from = seen.resolve(track, m.item, &count);
    if (from.size() != 1 || m.item.index == 0) {
      missing(m.item, count);
      continue;
    }
    const auto n = static_cast<int>(track.segment_count());
    int to = 0;
    switch (m.target) {
      case move_target::start:
        to = 0;
        break;
      case move_target::end:
        to = n - 1;
        break;
      case move_target::position:
        to = m.position > 0 ? m.position - 1 : n + m.position;
        break;
      case move_target::before:
      case move_target::after: {
        int anchors = 0;
        const auto a = seen.resolve(track, m.anchor, &anchors);
        if (a.size() != 1 || m.anchor.index == 0) {
          missing(m.anchor, anchors);
          continue;
        }
        const int ai = static_cast<int>(a[0]);
        const int fi = static_cast<int>(from[0]);
        to = m.target == move_target::before ? (fi < ai ? ai - 1 : ai) : (fi < ai ? ai : ai + 1);
        break;
      }
    }
    to = std::clamp(to, 0, std::max(n - 1, 0));
    track.move_segment(from[0], static_cast<std::size_t>(to));
    changed = true;
    agent_note note{.kind = note_kind::moved, .n = m.item.index, .n2 = to + 1, .what = m.item.kind};
    note.target = to == 0       ? move_target::start
                  : to == n - 1 ? move_target::end
                                : move_target::position;
    ctx.did("move_segment", std::move(note));
  }
  if (changed) restack(d, ctx, tr);
}

// Removes the pictures named; one always stays, since a video without pictures is not what
// "delete the photo" means.
void edit_removes(draft& d, const agent_request& r, const pictures& seen, edit_context& ctx) {
  if (r.removes.empty()) return;
  const auto ids = find_agent_tracks(d);
  if (!ids.video || d.track(*ids.video).segment_count() == 0) {
    ctx.say({.kind = note_kind::no_visuals});
    return;
  }
  const auto old = d.duration_ms();
  const auto tr = current_transition(d.track(*ids.video));
  auto track = d.track_at(*ids.video);
  std::vector<std::size_t> gone;
  std::vector<agent_note> done;
  for (const auto& ref : r.removes) {
    int count = 0;
    const auto picked = seen.resolve(track, ref, &count);
    if (picked.empty()) {
      ctx.say({.kind = note_kind::no_such_item, .n = ref.index, .n2 = count, .what = ref.kind});
      continue;
    }
    gone.insert(gone.end(), picked.begin(), picked.end());
    done.push_back({.kind = note_kind::removed, .n = ref.index, .what = ref.kind});
  }
  std::sort(gone.begin(), gone.end());
  gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
  if (gone.empty()) return;
  if (gone.size() >= track.segment_count()) {
    gone.pop_back();
    ctx.say({.kind = note_kind::keep_one});
  }
  for (auto it = gone.rbegin(); it != gone.rend(); ++it) track.remove_segment(*it);
  if (gone.empty()) return;
  for (auto& n : done) ctx.did("remove_segment", std::move(n));
  const auto end = restack(d, ctx, tr);
  fit_other_tracks(d, old, end, [&](const std::string& id) { return ctx.source_ms(id); });
}

void edit_video_fade(draft& d, const agent_request& r, edit_context& ctx) {
  if (!r.video_fade_out_ms) return;
  const auto ids = find_agent_tracks(d);
  if (!ids.video || d.track(*ids.video).segment_count() == 0) {
    ctx.say({.kind = note_kind::no_visuals});
    return;
  }
  auto track = d.track_at(*ids.video);
  auto last = track.segment_at(track.segment_count() - 1);
  const auto ms = std::clamp<std::int64_t>(*r.video_fade_out_ms, 0, last.duration_ms());
  last.set_fades(last.fade_in_ms(), ms);
  ctx.did("set_video_fade", {.kind = note_kind::video_fade, .ms = ms});
}

// Trims pictures to the lengths asked; marks them locked so a new length in the same prompt
// leaves them as asked. True when anything changed.
bool edit_trims(draft& d, const agent_request& r, const pictures& seen, edit_context& ctx,
                std::vector<char>& locked) {
  if (r.trims.empty()) return false;
  const auto ids = find_agent_tracks(d);
  if (!ids.video) {
    ctx.say({.kind = note_kind::no_visuals});
    return false;
  }
  const auto old = d.duration_ms();
  bool changed = false;
  for (const auto& t : r.trims) {
    auto track = d.track_at(*ids.video);
    locked.resize(track.segment_count(), 0);
    int count = 0;
    const auto picked = seen.resolve(track, t.item, &count);
    if (picked.empty()) {
      ctx.say(
          {.kind = note_kind::no_such_item, .n = t.item.index, .n2 = count, .what = t.item.kind});
      continue;
    }
    const auto wanted = std::clamp<std::int64_t>(t.duration_ms, min_picture_ms, max_length_ms);
    std::optional<std::int64_t> capped;
    for (const auto i : picked) {
      auto sg = track.segment_at(i);
      const auto cap = cap_of(sg, ctx);
      const auto len = cap ? std::min(wanted, *cap) : wanted;
      if (cap && wanted > *cap) capped = *cap;
      sg.set_duration_ms(len);
      locked[i] = 1;
    }
    changed = true;
    // One picture too short for the length asked plays in full, and the reply says so instead.
    agent_note note{
        .kind = note_kind::trimmed, .ms = wanted, .n = t.item.index, .what = t.item.kind};
    if (capped && picked.size() == 1) note.kind = note_kind::trim_capped, note.ms = *capped;
    ctx.did("trim_segment", std::move(note));
  }
  if (!changed) return false;
  // The video is as long as its pictures now, unless the prompt also says how long it is.
  const auto end = restack(d, ctx);
  if (!r.duration_ms && r.duration_delta_ms == 0)
    fit_other_tracks(d, old, end, [&](const std::string& id) { return ctx.source_ms(id); });
  return true;
}

void edit_transition(draft& d, const agent_request& r, edit_context& ctx,
                     const std::vector<char>& locked) {
  if (!r.transition && !r.transition_ms) return;
  const auto ids = find_agent_tracks(d);
  if (!ids.video || d.track(*ids.video).segment_count() == 0) {
    ctx.say({.kind = note_kind::no_visuals});
    return;
  }
  const auto now = current_transition(d.track(*ids.video));
  transition_spec tr;
  tr.type =
      r.transition.value_or(now.type == transition_kind::none ? transition_kind::fade : now.type);
  const auto keep_ms = now.type != transition_kind::none && now.duration_ms > 0
                           ? now.duration_ms
                           : default_transition_ms;
  tr.duration_ms = tr.type == transition_kind::none
                       ? 0
                       : std::clamp<std::int64_t>(r.transition_ms.value_or(keep_ms), 0, 5000);
  const auto old = d.duration_ms();
  const auto video_end = d.track(*ids.video).end_ms();
  const auto end = refit(d, video_end, locked, tr, ctx);
  if (end != video_end && old == video_end)
    fit_other_tracks(d, old, end, [&](const std::string& id) { return ctx.source_ms(id); });
  const auto placed = current_transition(d.track(*ids.video));
  ctx.did("set_transition", {.kind = note_kind::transition,
                             .ms = placed.duration_ms,
                             .text = std::string(to_string(tr.type))});
}

void edit_length(draft& d, const agent_request& r, edit_context& ctx,
                 const std::vector<char>& locked) {
  if (!r.duration_ms && r.duration_delta_ms == 0 && r.duration_scale == 1) return;
  const auto old = d.duration_ms();
  auto source_ms = [&](const std::string& id) { return ctx.source_ms(id); };
  // "a bit shorter" lands on a tenth of a second.
  const auto scaled = std::llround(static_cast<double>(old) * r.duration_scale / 100.0) * 100;
  const auto asked = r.duration_ms.value_or(scaled) + r.duration_delta_ms;
  const auto length = std::clamp(asked, min_length_ms, max_length_ms);
  if (length != asked) ctx.say({.kind = note_kind::duration_clamped, .ms = length});
  const auto ids = find_agent_tracks(d);
  std::int64_t end = length;
  if (ids.video && d.track(*ids.video).segment_count() > 0)
    end = refit(d, length, locked, current_transition(d.track(*ids.video)), ctx);
  fit_other_tracks(d, old, end, source_ms);
  if (end < length)
    ctx.did("set_duration", {.kind = note_kind::duration_limited, .ms = end});
  else
    ctx.did("set_duration", {.kind = note_kind::duration, .ms = end});
}

void edit_music(draft& d, const agent_request& r, edit_context& ctx) {
  auto ids = find_agent_tracks(d);
  if (r.music == add_remove::remove) {
    if (!ids.music) {
      ctx.say({.kind = note_kind::no_music});
      return;
    }
    d.remove_track(*ids.music);
    ctx.did("remove_music", {.kind = note_kind::music_removed});
    return;
  }
  const bool fades = r.music_fade_in_ms || r.music_fade_out_ms;
  const bool level = r.music_volume || r.music_volume_step != 0;
  if (r.music != add_remove::add && !fades && !level) return;
  if (!ids.music) {
    const auto* audio = ctx.first(media_kind::audio);
    if (!audio) {
      ctx.say({.kind = note_kind::no_music_media});
      return;
    }
    const double volume =
        std::clamp(r.music_volume.value_or(default_music_volume) + r.music_volume_step, 0.0, 1.0);
    auto track = d.add_track(tt_audio, "Music");
    const auto name = display_name(audio->name);
    for (auto& j : music_segments(
             audio->id, name, audio->duration_ms, std::max<std::int64_t>(d.duration_ms(), 1000),
             volume, r.music_fade_in_ms, r.music_fade_out_ms.value_or(default_fade_out_ms)))
      track.add_segment(std::move(j));
    if (d.duration_ms() < 1000) d.set_duration_ms(1000);
    ctx.did("add_music", {.kind = note_kind::music_added, .fraction = volume, .text = name});
    return;
  }
  auto track = d.track_at(*ids.music);
  const auto sgs = track.segments();
  if (sgs.empty()) return;
  const auto name =
      sgs.front().label().value_or(display_name(sgs.front().source().value_or("music")));
  if (r.music == add_remove::add && !fades && !level)
    ctx.say({.kind = note_kind::music_exists, .text = name});
  if (level) {
    const double now = sgs.front().volume().value_or(1.0);
    const double volume = std::clamp(r.music_volume.value_or(now) + r.music_volume_step, 0.0, 1.0);
    for (std::size_t i = 0; i < track.segment_count(); ++i) track.segment_at(i).set_volume(volume);
    ctx.did("set_music_volume", {.kind = note_kind::music_volume, .fraction = volume});
  }
  if (r.music_fade_out_ms) {
    auto last = track.segment_at(track.segment_count() - 1);
    const auto ms = std::clamp<std::int64_t>(*r.music_fade_out_ms, 0, last.duration_ms());
    last.set_fades(last.fade_in_ms(), ms);
    ctx.did("set_music_fade", {.kind = note_kind::music_fade_out, .ms = ms});
  }
  if (r.music_fade_in_ms) {
    auto first = track.segment_at(0);
    const auto ms = std::clamp<std::int64_t>(*r.music_fade_in_ms, 0, first.duration_ms());
    first.set_fades(ms, first.fade_out_ms());
    ctx.did("set_music_fade", {.kind = note_kind::music_fade_in, .ms = ms});
  }
}

void edit_motion(draft& d, const agent_request& r, edit_context& ctx) {
  if (r.motion == add_remove::none) return;
  const auto ids = find_agent_tracks(d);
  bool any = false;
  if (ids.video) {
    auto track = d.track_at(*ids.video);
    std::size_t still = 0;
    for (std::size_t i = 0; i < track.segment_count(); ++i) {
      auto sg = track.segment_at(i);
      if (!is_photo(sg, ctx.catalog())) continue;
      any = true;
      if (r.motion == add_remove::add)
        sg.set_motion(gentle_motion(still++));
      else
        sg.raw().erase("mo");
    }
  }
  if (!any) {
    ctx.say({.kind = note_kind::no_visuals});
    return;
  }
  ctx.did("set_motion",
          {.kind = r.motion == add_remove::add ? note_kind::motion_on : note_kind::motion_off});
}

}  // namespace

edit_context::edit_context(const std::vector<agent_media>& media)
    : media_(&media), catalog_(agent_catalog(media)) {}

const agent_media* edit_context::find(const std::string& id) const {
  for (const auto& m : *media_)
    if (m.id == id) return &m;
  return nullptr;
}

const agent_media* edit_context::first(media_kind kind) const {
  for (const auto& m : *media_)
    if (m.kind == kind) return &m;
  return nullptr;
}

const agent_media* edit_context::script() const {
  for (const auto& m : *media_)
    if (m.kind == media_kind::text && m.text.find_first_not_of(" \t\r\n") != std::string::npos)
      return &m;
  return nullptr;
}

std::optional<std::int64_t> edit_context::source_ms(const std::string& id) const {
  const auto* m = find(id);
  return m ? m->duration_ms : std::nullopt;
}

void edit_context::did(const std::string& tool, agent_note note) {
  if (std::find(tools.begin(), tools.end(), tool) == tools.end()) tools.push_back(tool);
  notes.push_back(std::move(note));
}

void edit_context::say(agent_note note) {
  notes.push_back(std::move(note));
}

void apply_edits(draft& d, const agent_request& r, edit_context& ctx) {
  edit_format(d, r, ctx);
  const pictures seen(d, ctx.catalog());
  edit_order(d, r, seen, ctx);
  edit_removes(d, r, seen, ctx);
  std::vector<char> locked;
  edit_trims(d, r, seen, ctx, locked);
  edit_transition(d, r, ctx, locked);
  edit_length(d, r, ctx, locked);
  edit_music(d, r, ctx);
  edit_video_fade(d, r, ctx);
  edit_texts(d, r, ctx);
  edit_motion(d, r, ctx);
  pictures::forget(d);
}

}  // namespace reel::core
