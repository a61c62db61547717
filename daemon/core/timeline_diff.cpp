#include "core/timeline_diff.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

namespace reel::core {
namespace {

// A track with content, its segments in time order (the order a person numbers them in).
struct track_entry {
  track_view view;
  track_role role;
  std::vector<segment_view> sgs;
};

std::vector<track_entry> visible_tracks(const draft& d) {
  std::vector<track_entry> out;
  for (const auto& t : d.tracks()) {
    auto sgs = t.segments();
    if (sgs.empty()) continue;  // an emptied track is, to a viewer, a removed one
    std::stable_sort(sgs.begin(), sgs.end(), [](const segment_view& a, const segment_view& b) {
      return a.start_ms() < b.start_ms();
    });
    out.push_back({t, role_of(t), std::move(sgs)});
  }
  return out;
}

bool is_text(const track_entry& t) {
  return t.view.kind() == track_kind::text;
}

std::string capitalize(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string quoted(const std::string& s) {
  return "\"" + shorten(s) + "\"";
}

std::string item_noun(track_role role, const segment_view& sg, const media_catalog& catalog) {
  switch (role) {
    case track_role::video:
      return is_photo(sg, catalog) ? "photo" : "clip";
    case track_role::title:
      return "title";
    case track_role::text:
      return "text";
    case track_role::captions:
      return "caption";
    case track_role::other:
      return "item";
    default:
      return "clip";
  }
}

std::string plural_noun(const track_entry& t, const media_catalog& catalog) {
  if (t.role == track_role::other) return "items";
  if (is_text(t)) return "lines";
  const bool photos = t.role == track_role::video &&
                      std::all_of(t.sgs.begin(), t.sgs.end(),
                                  [&](const segment_view& s) { return is_photo(s, catalog); });
  return photos ? "photos" : "clips";
}

std::string track_noun(const track_entry& t) {
  if (t.role != track_role::other) return std::string(role_noun(t.role));
  const auto l = t.view.label();
  return l && !l->empty() ? shorten(*l) + " track" : "track";
}

std::string transition_words(const transition_spec& tr, bool with_length) {
  std::string s(to_string(tr.type));
  if (with_length && tr.type != transition_kind::none)
    s += " " + format_seconds(tr.duration_ms) + "s";
  return s;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? " and " : ", ") + words[i];
  return out;
}

// Indexes into `seq` of a longest strictly increasing subsequence: the segments that kept
// their order; the others are the ones a person moved.
std::vector<bool> kept_in_order(const std::vector<std::size_t>& seq) {
  const auto n = seq.size();
  std::vector<std::size_t> len(n, 1);
  std::vector<std::size_t> prev(n, n);
  std::size_t best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (seq[j] < seq[i] && len[j] + 1 > len[i]) {
        len[i] = len[j] + 1;
        prev[i] = j;
      }
    if (len[i] > len[best]) best = i;
  }
  std::vector<bool> kept(n, false);
  for (std::size_t i = n ? best : n; i < n; i = prev[i]) kept[i] = true;
  return kept;
}

class differ {
 public:
  explicit differ(const media_catalog& catalog) : catalog_(catalog) {}

  void track_added(const track_entry& a) {
    if (a.sgs.size() == 1)
      add(change_kind::added,
          "Added " + track_noun(a) + " " + describe_segment(a.sgs[0], a.role, catalog_, true));
    else
      add(change_kind::added,
          "Added " + track_noun(a) + ": " + describe_track(a.view, a.role, catalog_, true));
  }

  void track_removed(const track_entry& b) {
    add(change_kind::removed, "Removed the " + track_noun(b));
  }

  void track_changed(const track_entry& b, const track_entry& a);

  void draft_level(const draft& before, const draft& after) {
    const auto db = format_seconds(before.duration_ms());
    const auto da = format_seconds(after.duration_ms());
    if (db != da) add(change_kind::duration, "Duration " + db + "s → " + da + "s");
    const auto ab = before.aspect();
    const auto aa = after.aspect();
    if (aa && ab && *aa != *ab) add(change_kind::aspect, "Aspect " + *ab + " → " + *aa);
    if (aa && !ab) add(change_kind::aspect, "Aspect set to " + *aa);
    const auto wb = before.width(), hb = before.height(), wa = after.width(), ha = after.height();
    if (aa == ab && wb && hb && wa && ha && (*wb != *wa || *hb != *ha))
      add(change_kind::size, "Size " + std::to_string(*wb) + "x" + std::to_string(*hb) + " → " +
                                 std::to_string(*wa) + "x" + std::to_string(*ha));
  }

  std::vector<timeline_change> take() { return std::move(out_); }

 private:
  void add(change_kind kind, std::string text) { out_.push_back({kind, std::move(text)}); }

  // Lists `items`, or one counted line when there are more than three.
  void flush(change_kind kind, const std::vector<std::string>& items, const std::string& many) {
    if (items.size() > 3) {
      add(kind, many);
      return;
    }
    for (const auto& i : items) add(kind, i);
  }

  const media_catalog& catalog_;
  std::vector<timeline_change> out_;
};

void differ::track_changed(const track_entry& b, const track_entry& a) {
  const auto nb = b.sgs.size();
  const auto na = a.sgs.size();
  std::vector<std::optional<std::size_t>> match(na);  // after index → before index
  std::vector<bool> used(nb, false);
  // Pairs each unpaired after-segment with the first unpaired before-segment `same` accepts.
  const auto pair_if = [&](const std::function<bool(std::size_t, std::size_t)>& same) {
    for (std::size_t ai = 0; ai < na; ++ai)
      for (std::size_t bi = 0; bi < nb && !match[ai]; ++bi)
        if (!used[bi] && same(bi, ai)) {
          match[ai] = bi;
          used[bi] = true;
        }
  };
  pair_if([&](std::size_t bi, std::size_t ai) {
    const auto id = b.sgs[bi].id();
    return id && id == a.sgs[ai].id();
  });
  // Media identify a picture or a sound; the words identify a line of text.
  const bool text = is_text(b);
  const auto key = [text](const segment_view& s) { return text ? s.text() : s.source(); };
  pair_if([&](std::size_t bi, std::size_t ai) {
    const auto k = key(b.sgs[bi]);
    return k && k == key(a.sgs[ai]);
  });
  pair_if([](std::size_t bi, std::size_t ai) { return bi == ai; });

  const bool single = nb == 1 && na == 1;
  const auto ref = [&](std::size_t bi) {
    return single ? std::string(role_noun(b.role))
                  : item_noun(b.role, b.sgs[bi], catalog_) + " " + std::to_string(bi + 1);
  };
  const auto plural_b = plural_noun(b, catalog_);
  std::vector<std::string> removed, added, content, moved, retimed, volume, style, effects;
  std::vector<std::pair<transition_spec, transition_spec>> trs;
  std::vector<std::string> tr_items;

  for (std::size_t bi = 0; bi < nb; ++bi)
    if (!used[bi]) {
      const auto& sg = b.sgs[bi];
      const auto name = text && sg.text() ? sg.text() : segment_name(sg, catalog_);
      removed.push_back("Removed " + ref(bi) + (name ? " (" + quoted(*name) + ")" : ""));
    }
  for (std::size_t ai = 0; ai < na; ++ai)
    if (!match[ai])
      added.push_back("Added " + item_noun(a.role, a.sgs[ai], catalog_) + " " +
                      describe_segment(a.sgs[ai], a.role, catalog_, true));

  std::vector<std::size_t> order;  // before indexes in after order
  std::vector<std::size_t> order_ai;
  for (std::size_t ai = 0; ai < na; ++ai) {
    if (!match[ai]) continue;
    const auto bi = *match[ai];
    const auto& x = b.sgs[bi];
    const auto& y = a.sgs[ai];
    const auto r = capitalize(ref(bi));
    order.push_back(bi);
    order_ai.push_back(ai);

    if (text && x.text() != y.text())
      content.push_back(
          r + (y.text() && !y.text()->empty() ? " changed to " + quoted(*y.text()) : " cleared"));
    if (!text && x.source() != y.source()) {
      const auto name = segment_name(y, catalog_);
      const auto what = name ? quoted(*name) : "another " + item_noun(a.role, y, catalog_);
      content.push_back(r + (b.role == track_role::music ? " changed to " : " replaced with ") +
                        what);
    }
    const bool dur = format_seconds(x.duration_ms()) != format_seconds(y.duration_ms());
    const bool start = format_seconds(x.start_ms()) != format_seconds(y.start_ms());
    // On a video track a start that moved with the clips before it is no news.
    if (b.role == track_role::video && dur)
      retimed.push_back(r + " now " + format_seconds(y.duration_ms()) + "s (was " +
                        format_seconds(x.duration_ms()) + "s)");
    else if (b.role != track_role::video && (dur || start))
      retimed.push_back(r + " now " + format_range(y.start_ms(), y.end_ms()) + " (was " +
                        format_range(x.start_ms(), x.end_ms()) + ")");
    const auto vx = x.volume().value_or(1.0);
    const auto vy = y.volume().value_or(1.0);
    if (!text && format_volume(vx) != format_volume(vy))
      volume.push_back(r + " volume " + format_volume(vx) + " → " + format_volume(vy));
    const auto tx = x.transition().value_or(transition_spec{});
    const auto ty = y.transition().value_or(transition_spec{});
    if (tx != ty) {
      trs.emplace_back(tx, ty);
      tr_items.push_back(r + " transition " + transition_words(tx, tx.type == ty.type) + " → " +
                         transition_words(ty, tx.type == ty.type));
    }
    if (text) {
      const auto sx = x.style();
      const auto sy = y.style();
      if (sx.pos != sy.pos && sy.pos) {
        constexpr const char* where[] = {"the top", "the middle", "the bottom"};
        style.push_back(r + " moved to " + where[static_cast<std::size_t>(*sy.pos)]);
      }
      std::vector<std::string> what;
      if (sx.font != sy.font) what.emplace_back("font");
      if (sx.size != sy.size) what.emplace_back("size");
      if (sx.color != sy.color) what.emplace_back("color");
      if (sx.bg != sy.bg) what.emplace_back("background");
      if (!what.empty()) style.push_back(r + " style changed (" + join_words(what) + ")");
    }
    std::vector<std::string> fx;
    const auto still = motion_preset("none");
    if (x.fit().value_or(fit_mode::cover) != y.fit().value_or(fit_mode::cover))
      fx.emplace_back("fit");
    if (x.motion().value_or(*still) != y.motion().value_or(*still)) fx.emplace_back("motion");
    if (x.trim_in_ms() != y.trim_in_ms() || x.trim_out_ms() != y.trim_out_ms())
      fx.emplace_back("trim");
    if (x.fade_in_ms().value_or(0) != y.fade_in_ms().value_or(0)) fx.emplace_back("fade in");
    if (x.fade_out_ms().value_or(0) != y.fade_out_ms().value_or(0)) fx.emplace_back("fade out");
    if (!fx.empty()) effects.push_back(r + " " + join_words(fx) + " changed");
  }

  // Order is news on a video track only: elsewhere a new position is a new time (retimed).
  if (b.role == track_role::video && nb > 1 && na > 1) {
    const auto kept = kept_in_order(order);
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (kept[i]) continue;
      const auto ai = order_ai[i];
      const auto where = ai == 0        ? std::string("to the start")
                         : ai + 1 == na ? std::string("to the end")
                                        : "to position " + std::to_string(ai + 1);
      moved.push_back("Moved " + ref(order[i]) + " " + where);
    }
  }

  const auto n = [](const std::vector<std::string>& v) { return std::to_string(v.size()); };
  flush(change_kind::removed, removed, "Removed " + n(removed) + " " + plural_b);
  flush(change_kind::added, added, "Added " + n(added) + " " + plural_noun(a, catalog_));
  flush(text ? change_kind::text : change_kind::source, content,
        n(content) + " " + plural_b + " changed");
  flush(change_kind::moved, moved, "Reordered the " + plural_b);
  flush(change_kind::retimed, retimed, n(retimed) + " " + plural_b + " retimed");
  flush(change_kind::volume, volume, "Volume changed on " + n(volume) + " " + plural_b);
  if (trs.size() >= 2) {
    const auto to = trs.front().second.type;
    const bool same_to =
        std::all_of(trs.begin(), trs.end(), [&](const auto& p) { return p.second.type == to; });
    const bool from_none = std::all_of(trs.begin(), trs.end(), [](const auto& p) {
      return p.first.type == transition_kind::none;
    });
    std::string s = !same_to                      ? n(tr_items) + " transitions changed"
                    : to == transition_kind::none ? "Removed the transitions"
                    : from_none ? "Added " + std::string(to_string(to)) + " transitions"
                                : "Transitions changed to " + std::string(to_string(to));
    add(change_kind::transition, std::move(s));
  } else {
    flush(change_kind::transition, tr_items, {});
  }
  flush(change_kind::style, style, "Text style changed on " + n(style) + " lines");
  flush(change_kind::effects, effects, "Effects changed on " + n(effects) + " " + plural_b);
}

std::string join_sentence(const std::vector<timeline_change>& changes) {
  if (changes.empty()) return "No visible change";
  std::string out;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto t = changes[i].text;
    // "Removed" → "removed" mid-sentence, but "BGM" stays.
    if (i > 0 && t.size() > 1 && t[0] >= 'A' && t[0] <= 'Z' && t[1] >= 'a' && t[1] <= 'z')
      t[0] = static_cast<char>(t[0] - 'A' + 'a');
    out += (i ? "; " : "") + t;
  }
  return out + ".";
}

}  // namespace

std::string_view to_string(change_kind kind) noexcept {
  constexpr std::string_view names[] = {"added",    "removed", "moved",      "retimed", "text",
                                        "volume",   "source",  "transition", "style",   "effects",
                                        "duration", "aspect",  "size"};
  return names[static_cast<std::size_t>(kind)];
}

timeline_diff diff_timelines(const draft& before, const draft& after,
                             const media_catalog& catalog) {
  const auto bs = visible_tracks(before);
  const auto as = visible_tracks(after);
  std::vector<std::optional<std::size_t>> match(as.size());
  std::vector<bool> used(bs.size(), false);
  const auto pair_if =
      [&](const std::function<bool(const track_entry&, const track_entry&)>& same) {
        for (std::size_t ai = 0; ai < as.size(); ++ai)
          for (std::size_t bi = 0; bi < bs.size() && !match[ai]; ++bi)
            if (!used[bi] && same(bs[bi], as[ai])) {
              match[ai] = bi;
              used[bi] = true;
            }
      };
  pair_if([](const track_entry& x, const track_entry& y) {
    const auto i = x.view.id();
    return i && i == y.view.id();
  });
  pair_if([](const track_entry& x, const track_entry& y) {
    return x.view.kind() == y.view.kind() && x.role == y.role;
  });
  pair_if(
      [](const track_entry& x, const track_entry& y) { return x.view.kind() == y.view.kind(); });

  differ d(catalog);
  for (std::size_t ai = 0; ai < as.size(); ++ai) {
    if (match[ai])
      d.track_changed(bs[*match[ai]], as[ai]);
    else
      d.track_added(as[ai]);
  }
  for (std::size_t bi = 0; bi < bs.size(); ++bi)
    if (!used[bi]) d.track_removed(bs[bi]);
  d.draft_level(before, after);

  timeline_diff out;
  out.changes = d.take();
  out.sentence = join_sentence(out.changes);
  return out;
}

}  // namespace reel::core
