// validate_draft (declared in draft.hpp): the rules of proto/draft.schema.json that a JSON
// Schema cannot say (overlaps, trim order) plus the typed ones, with messages for a person.
#include "core/draft.hpp"
#include "core/draft_keys.hpp"

namespace reel::core {

using namespace draft_keys;

namespace {

constexpr std::size_t max_listed = 5;

class checker {
 public:
  void add(std::string where, std::string what) {
    ++count_;
    if (listed_.size() < max_listed)
      listed_.push_back(where.empty() ? std::move(what) : std::move(where) + ": " + what);
  }

  result<void> finish() const {
    if (count_ == 0) return {};
    std::string msg = "Invalid draft: ";
    for (std::size_t i = 0; i < listed_.size(); ++i) msg += (i ? "; " : "") + listed_[i];
    if (count_ > listed_.size())
      msg += "; and " + std::to_string(count_ - listed_.size()) + " more";
    return make_error(errc::bad_request, msg + ".");
  }

  // A time in ms: absent is fine; present, it must be a number and not negative.
  void time(const json& obj, aliases keys, const std::string& where, const char* what) {
    const auto* v = first_of(obj, keys);
    if (!v) return;
    const auto ms = as_ms(v);
    if (!ms)
      add(where, std::string(what) + " is not a number");
    else if (*ms < 0)
      add(where, "negative " + std::string(what) + " (" + std::to_string(*ms) + " ms)");
  }

  template <std::size_t N>
  void one_of(const json& obj, const char* key, const std::array<std::string_view, N>& names,
              const std::string& where) {
    const auto* v = find_key(obj, key);
    if (!v) return;
    if (enum_of<int>(v, names)) return;
    std::string list;
    for (const auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    add(where, std::string("`") + key + "` must be one of " + list);
  }

  void point(const json* p, const std::string& where, const char* which) {
    if (!p || !p->is_object()) {
      add(where, std::string("motion needs a `") + which + "` object {x, y, z}");
      return;
    }
    for (const char* axis : {"x", "y", "z"}) {
      const auto* v = find_key(*p, axis);
      if (!v) continue;
      const auto n = as_number(v);
      const bool ok = n && (axis[0] == 'z' ? *n > 0 : *n >= 0 && *n <= 1);
      if (!ok)
        add(where, std::string("motion ") + which + "." + axis +
                       (axis[0] == 'z' ? " must be a zoom above 0" : " must be within 0-1"));
    }
  }

  void segment(const json& sg, const std::string& where) {
    time(sg, start_keys, where, "start");
    time(sg, duration_keys, where, "duration");
    constexpr alias ti[] = {{"ti"}};
    constexpr alias to[] = {{"to"}};
    constexpr alias fi[] = {{"fi"}};
    constexpr alias fo[] = {{"fo"}};
    time(sg, ti, where, "trim in");
    time(sg, to, where, "trim out");
    time(sg, fi, where, "fade in");
    time(sg, fo, where, "fade out");
    const auto in = as_ms(find_key(sg, "ti"));
    const auto out = as_ms(find_key(sg, "to"));
    if (in && out && *in >= 0 && *out <= *in) add(where, "trim out must come after trim in");
    if (const auto* v = first_of(sg, volume_keys)) {
      const auto n = as_number(v);
      if (!n || *n < 0) add(where, "volume must be 0-1 (or a percent)");
    }
    one_of(sg, "fit", fit_names, where);
    one_of(sg, "pos", position_names, where);
    if (const auto* size = find_key(sg, "size")) {
      const auto n = as_number(size);
      if (!n || *n <= 0) add(where, "text size must be a positive number");
    }
    if (const auto* tr = find_key(sg, "tr")) transition(*tr, where);
    if (const auto* mo = find_key(sg, "mo")) motion(*mo, where);
  }

  void transition(const json& tr, const std::string& where) {
    if (tr.is_string() || tr.is_object()) {
      const auto* type = tr.is_object() ? find_key(tr, "type") : &tr;
      if (!enum_of<transition_kind>(type, transition_names))
        add(where, "transition type must be one of none, fade, slide, wipe");
      if (tr.is_object()) {
        constexpr alias d[] = {{"d"}};
        time(tr, d, where, "transition duration");
      }
      return;
    }
    add(where, "transition must be {\"type\", \"d\"} or a type name");
  }

  void motion(const json& mo, const std::string& where) {
    if (mo.is_string()) {
      if (!motion_preset(mo.get<std::string>())) {
        std::string list;
        for (const auto& p : presets) list += (list.empty() ? "" : ", ") + std::string(p.name);
        add(where, "unknown motion preset \"" + mo.get<std::string>() + "\" (one of " + list + ")");
      }
      return;
    }
    if (!mo.is_object()) {
      add(where, "motion must be a preset name or {\"from\", \"to\"}");
      return;
    }
    point(find_key(mo, "from"), where, "from");
    point(find_key(mo, "to"), where, "to");
  }

  // One picture at a time on a video track: the next segment may start early only by its own
  // transition, which is what a crossfade needs (proto/draft.schema.json, Track).
  void overlaps(const std::vector<segment_view>& sgs, const std::string& where) {
    std::vector<std::size_t> order(sgs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return sgs[a].start_ms() < sgs[b].start_ms();
    });
    for (std::size_t k = 1; k < order.size(); ++k) {
      std::size_t latest = order[0];
      for (std::size_t j = 1; j < k; ++j)
        if (sgs[order[j]].end_ms() > sgs[latest].end_ms()) latest = order[j];
      const auto& cur = sgs[order[k]];
      const auto overlap = sgs[latest].end_ms() - cur.start_ms();
      const auto tr = cur.transition();
      const auto allowed = tr ? tr->duration_ms : 0;
      if (overlap > allowed)
        add(where, "segments " + std::to_string(latest + 1) + " and " +
                       std::to_string(order[k] + 1) + " overlap by " + std::to_string(overlap) +
                       " ms (more than the transition into segment " +
                       std::to_string(order[k] + 1) + ")");
    }
  }

 private:
  std::vector<std::string> listed_;
  std::size_t count_ = 0;
};

}  // namespace

result<void> validate_draft(const json& j) {
  checker c;
  if (!j.is_object()) {
    c.add({}, "a draft must be a JSON object");
    return c.finish();
  }
  constexpr alias d[] = {{"d"}};
  c.time(j, d, {}, "duration");
  if (const auto* m = find_key(j, "m")) {
    if (!m->is_object()) {
      c.add({}, "`m` must be an object");
    } else {
      for (const auto keys : {aliases(width_keys), aliases(height_keys)}) {
        const auto* v = first_of(*m, keys);
        const auto n = as_number(v);
        if (v && (!n || *n <= 0 || *n != std::floor(*n)))
          c.add({}, std::string(keys.front().outer == "w" ? "width" : "height") +
                        " must be a positive whole number");
      }
      if (const auto* fps = find_key(*m, "fps")) {
        const auto n = as_number(fps);
        if (!n || *n <= 0 || *n > 240) c.add({}, "fps must be within 1-240");
      }
    }
  }
  const auto* tracks = first_of(j, tracks_keys);
  if (!tracks) return c.finish();
  if (!tracks->is_array()) {
    c.add({}, "tracks (`t`) must be an array");
    return c.finish();
  }
  for (std::size_t ti = 0; ti < tracks->size(); ++ti) {
    const auto& t = (*tracks)[ti];
    const auto where = "track " + std::to_string(ti + 1);
    if (!t.is_object()) {
      c.add(where, "not an object");
      continue;
    }
    const auto* sg = first_of(t, segments_keys);
    if (!sg) continue;
    if (!sg->is_array()) {
      c.add(where, "segments (`sg`) must be an array");
      continue;
    }
    const track_view view(t);
    const bool video = view.kind() == track_kind::video;
    for (std::size_t si = 0; si < sg->size(); ++si) {
      const auto seg_where = where + ", segment " + std::to_string(si + 1);
      if (!(*sg)[si].is_object())
        c.add(seg_where, "not an object");
      else
        c.segment((*sg)[si], seg_where);
    }
    if (video) c.overlaps(view.segments(), where);
  }
  return c.finish();
}

}  // namespace reel::core
