// segment_view and segment_ref (declared in draft.hpp).
#include "core/draft.hpp"
#include "core/draft_keys.hpp"

namespace reel::core {

using namespace draft_keys;

// ---- segment_view

std::optional<std::string> segment_view::id() const {
  return as_text(find_key(*j_, "id"));
}
std::int64_t segment_view::start_ms() const {
  return as_ms(first_of(*j_, start_keys)).value_or(0);
}
std::int64_t segment_view::duration_ms() const {
  return as_ms(first_of(*j_, duration_keys)).value_or(0);
}
std::optional<std::string> segment_view::source() const {
  return as_text(first_of(*j_, source_keys));
}
std::optional<std::string> segment_view::text() const {
  return as_text(first_of(*j_, text_keys));
}
std::optional<std::string> segment_view::label() const {
  return as_text(first_of(*j_, label_keys));
}
std::optional<double> segment_view::volume() const {
  const auto v = as_number(first_of(*j_, volume_keys));
  if (!v) return std::nullopt;
  return *v > 1.0 ? *v / 100.0 : *v;
}
std::optional<std::int64_t> segment_view::trim_in_ms() const {
  return as_ms(find_key(*j_, "ti"));
}
std::optional<std::int64_t> segment_view::trim_out_ms() const {
  return as_ms(find_key(*j_, "to"));
}
std::optional<fit_mode> segment_view::fit() const {
  return enum_of<fit_mode>(find_key(*j_, "fit"), fit_names);
}

std::optional<motion_spec> segment_view::motion() const {
  const auto* mo = find_key(*j_, "mo");
  if (!mo) return std::nullopt;
  if (mo->is_string()) return motion_preset(mo->get<std::string>());
  const auto from = point_of(mo->is_object() ? find_key(*mo, "from") : nullptr);
  const auto to = point_of(mo->is_object() ? find_key(*mo, "to") : nullptr);
  if (!from || !to) return std::nullopt;
  return motion_spec{{}, *from, *to};
}

std::optional<transition_spec> segment_view::transition() const {
  const auto* tr = find_key(*j_, "tr");
  if (!tr) return std::nullopt;
  const auto* type = tr->is_object() ? find_key(*tr, "type") : tr;
  const auto kind = enum_of<transition_kind>(type, transition_names);
  if (!kind) return std::nullopt;
  const auto fallback = *kind == transition_kind::none ? 0 : default_transition_ms;
  const auto d = tr->is_object() ? as_ms(find_key(*tr, "d")) : std::nullopt;
  return transition_spec{*kind, d.value_or(fallback)};
}

text_style segment_view::style() const {
  text_style s;
  s.font = as_text(find_key(*j_, "font"));
  s.size = as_number(find_key(*j_, "size"));
  s.color = as_text(find_key(*j_, "color"));
  s.pos = enum_of<text_position>(find_key(*j_, "pos"), position_names);
  if (const auto* bg = find_key(*j_, "bg"); bg && bg->is_string()) s.bg = bg->get<std::string>();
  return s;
}

std::optional<std::int64_t> segment_view::fade_in_ms() const {
  return as_ms(find_key(*j_, "fi"));
}
std::optional<std::int64_t> segment_view::fade_out_ms() const {
  return as_ms(find_key(*j_, "fo"));
}

// ---- segment_ref

segment_ref& segment_ref::set_start_ms(std::int64_t ms) {
  slot(*m_, start_keys) = ms;
  return *this;
}
segment_ref& segment_ref::set_duration_ms(std::int64_t ms) {
  slot(*m_, duration_keys) = ms;
  return *this;
}
segment_ref& segment_ref::set_source(std::string src) {
  slot(*m_, source_keys) = std::move(src);
  return *this;
}
segment_ref& segment_ref::set_text(std::string text) {
  slot(*m_, text_keys) = std::move(text);
  return *this;
}
segment_ref& segment_ref::set_label(std::string label) {
  slot(*m_, label_keys) = std::move(label);
  return *this;
}

segment_ref& segment_ref::set_volume(double fraction) {
  auto& v = slot(*m_, volume_keys);
  const auto old = as_number(&v);
  // Percent only where the draft already spoke percent, and only above 1 (1 would read as 100%).
  // Rounded to 0.01 so 0.555 is written 55.5, not 55.50000000000001.
  const double percent = std::round(fraction * 10000.0) / 100.0;
  if (old && *old > 1.0 && percent > 1.0) {
    if (std::abs(percent - std::round(percent)) < 1e-9)
      v = static_cast<std::int64_t>(std::llround(percent));
    else
      v = percent;
  } else {
    v = fraction;
  }
  return *this;
}

segment_ref& segment_ref::set_trim(std::optional<std::int64_t> in_ms,
                                   std::optional<std::int64_t> out_ms) {
  set_or_erase(*m_, "ti", in_ms);
  set_or_erase(*m_, "to", out_ms);
  return *this;
}

segment_ref& segment_ref::set_fit(fit_mode fit) {
  (*m_)["fit"] = std::string(fit_names[static_cast<std::size_t>(fit)]);
  return *this;
}

segment_ref& segment_ref::set_motion(const motion_spec& motion) {
  auto& mo = (*m_)["mo"];
  if (!motion.preset.empty()) {
    mo = motion.preset;
    return *this;
  }
  if (!mo.is_object()) mo = json::object();
  mo["from"] = point_json(motion.from);
  mo["to"] = point_json(motion.to);
  return *this;
}

segment_ref& segment_ref::set_transition(const transition_spec& tr) {
  auto& t = (*m_)["tr"];
  if (!t.is_object()) t = json::object();
  t["type"] = std::string(to_string(tr.type));
  t["d"] = tr.duration_ms;
  return *this;
}

segment_ref& segment_ref::set_style(const text_style& style) {
  auto& j = *m_;
  if (style.font) j["font"] = *style.font;
  if (style.size) j["size"] = *style.size;
  if (style.color) j["color"] = *style.color;
  if (style.pos) j["pos"] = std::string(position_names[static_cast<std::size_t>(*style.pos)]);
  if (style.bg) j["bg"] = *style.bg;
  return *this;
}

segment_ref& segment_ref::set_fades(std::optional<std::int64_t> in_ms,
                                    std::optional<std::int64_t> out_ms) {
  set_or_erase(*m_, "fi", in_ms);
  set_or_erase(*m_, "fo", out_ms);
  return *this;
}

segment_ref& segment_ref::set(const std::string& key, json value) {
  (*m_)[key] = std::move(value);
  return *this;
}

}  // namespace reel::core
