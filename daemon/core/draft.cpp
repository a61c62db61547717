#include "core/draft.hpp"
#include "core/draft_keys.hpp"

#include <numeric>
#include <stdexcept>

namespace reel::core {

using namespace draft_keys;

track_kind track_kind_of(int tt) noexcept {
  switch (tt) {
    case tt_video:
      return track_kind::video;
    case tt_audio:
      return track_kind::audio;
    case tt_text:
      return track_kind::text;
    default:
      return track_kind::other;
  }
}

int tt_of(track_kind kind) noexcept {
  switch (kind) {
    case track_kind::video:
      return tt_video;
    case track_kind::audio:
      return tt_audio;
    case track_kind::text:
      return tt_text;
    case track_kind::other:
      break;
  }
  return -1;
}

std::optional<motion_spec> motion_preset(std::string_view name) {
  for (const auto& p : presets)
    if (p.name == name) return motion_spec{std::string(name), p.from, p.to};
  return std::nullopt;
}

std::string_view to_string(transition_kind kind) noexcept {
  return transition_names[static_cast<std::size_t>(kind)];
}

// ---- track_view / track_ref

std::optional<std::string> track_view::id() const {
  return as_text(find_key(*j_, "id"));
}

std::optional<int> track_view::tt() const {
  const auto v = as_number(find_key(*j_, "tt"));
  if (!v || *v != std::floor(*v) || std::abs(*v) > 1e6) return std::nullopt;
  return static_cast<int>(*v);
}

track_kind track_view::kind() const {
  if (const auto t = tt()) return track_kind_of(*t);
  if (const auto* type = find_key(*j_, "type"); type && type->is_string()) {
    const auto& s = type->get_ref<const std::string&>();
    if (s == "video") return track_kind::video;
    if (s == "audio") return track_kind::audio;
    if (s == "text") return track_kind::text;
  }
  return track_kind::other;
}

std::optional<std::string> track_view::label() const {
  return as_text(first_of(*j_, label_keys));
}

std::size_t track_view::segment_count() const {
  return object_indexes(*j_, segments_keys).size();
}

std::vector<segment_view> track_view::segments() const {
  std::vector<segment_view> out;
  const auto* arr = first_of(*j_, segments_keys);
  for (const auto i : object_indexes(*j_, segments_keys)) out.emplace_back((*arr)[i]);
  return out;
}

std::int64_t track_view::start_ms() const {
  const auto sgs = segments();
  if (sgs.empty()) return 0;
  std::int64_t first = sgs.front().start_ms();
  for (const auto& s : sgs) first = std::min(first, s.start_ms());
  return first;
}

std::int64_t track_view::end_ms() const {
  std::int64_t last = 0;
  for (const auto& s : segments()) last = std::max(last, s.end_ms());
  return last;
}

segment_ref track_ref::add_segment(json segment) {
  auto& arr = array_slot(*m_, segments_keys);
  arr.push_back(std::move(segment));
  return segment_ref(arr.back());
}

segment_ref track_ref::segment_at(std::size_t i) {
  const auto idx = object_indexes(*m_, segments_keys);
  if (i >= idx.size()) throw std::out_of_range("segment index");
  return segment_ref(slot(*m_, segments_keys)[idx[i]]);
}

bool track_ref::remove_segment(std::size_t i) {
  const auto idx = object_indexes(*m_, segments_keys);
  if (i >= idx.size()) return false;
  slot(*m_, segments_keys).erase(idx[i]);
  return true;
}

bool track_ref::move_segment(std::size_t i, std::size_t to) {
  const auto idx = object_indexes(*m_, segments_keys);
  if (i >= idx.size() || to >= idx.size()) return false;
  auto& arr = slot(*m_, segments_keys);
  auto moved = std::move(arr[idx[i]]);
  arr.erase(idx[i]);
  // Moving forward, the target object shifted down by one, and the moved one goes after it:
  // both cases land on the target's old array index.
  arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(idx[to]), std::move(moved));
  return true;
}

track_ref& track_ref::set_label(std::string label) {
  slot(*m_, label_keys) = std::move(label);
  return *this;
}

// ---- draft

result<draft> draft::from_json(json j) {
  if (!j.is_object()) return make_error(errc::bad_request, "A draft must be a JSON object.");
  if (const auto* t = first_of(j, tracks_keys); t && !t->is_array())
    return make_error(errc::bad_request, "A draft's tracks (`t`) must be an array.");
  return draft(std::move(j));
}

draft draft::make_empty(int width, int height, int fps) {
  return draft(json{
      {"v", 1},
      {"t", json::array()},
      {"d", 0},
      {"m", {{"w", width}, {"h", height}, {"fps", fps}, {"aspect", aspect_of(width, height)}}}});
}

std::size_t draft::track_count() const {
  return object_indexes(j_, tracks_keys).size();
}

std::vector<track_view> draft::tracks() const {
  std::vector<track_view> out;
  const auto* arr = first_of(j_, tracks_keys);
  for (const auto i : object_indexes(j_, tracks_keys)) out.emplace_back((*arr)[i]);
  return out;
}

track_view draft::track(std::size_t i) const {
  return tracks().at(i);
}

track_ref draft::track_at(std::size_t i) {
  const auto idx = object_indexes(j_, tracks_keys);
  if (i >= idx.size()) throw std::out_of_range("track index");
  return track_ref(slot(j_, tracks_keys)[idx[i]]);
}

std::vector<std::size_t> draft::find_tracks(track_kind kind) const {
  std::vector<std::size_t> out;
  const auto all = tracks();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].kind() == kind) out.push_back(i);
  return out;
}

track_ref draft::add_track(int tt, std::string label) {
  json t{{"tt", tt}};
  if (!label.empty()) t["n"] = std::move(label);
  t["sg"] = json::array();
  auto& arr = array_slot(j_, tracks_keys);
  arr.push_back(std::move(t));
  return track_ref(arr.back());
}

track_ref draft::add_track(track_kind kind, std::string label) {
  return add_track(tt_of(kind), std::move(label));
}

bool draft::remove_track(std::size_t i) {
  const auto idx = object_indexes(j_, tracks_keys);
  if (i >= idx.size()) return false;
  slot(j_, tracks_keys).erase(idx[i]);
  return true;
}

std::int64_t draft::content_end_ms() const {
  std::int64_t end = 0;
  for (const auto& t : tracks()) end = std::max(end, t.end_ms());
  return end;
}

std::int64_t draft::duration_ms() const {
  return std::max(as_ms(find_key(j_, "d")).value_or(0), content_end_ms());
}

void draft::set_duration_ms(std::int64_t ms) {
  j_["d"] = ms;
}

std::optional<int> draft::width() const {
  const auto* m = find_key(j_, "m");
  const auto v = m ? as_ms(first_of(*m, width_keys)) : std::nullopt;
  return v ? std::optional<int>(static_cast<int>(std::clamp<std::int64_t>(*v, -1, 1 << 20)))
           : std::nullopt;
}

std::optional<int> draft::height() const {
  const auto* m = find_key(j_, "m");
  const auto v = m ? as_ms(first_of(*m, height_keys)) : std::nullopt;
  return v ? std::optional<int>(static_cast<int>(std::clamp<std::int64_t>(*v, -1, 1 << 20)))
           : std::nullopt;
}

std::optional<double> draft::fps() const {
  const auto* m = find_key(j_, "m");
  return m ? as_number(find_key(*m, "fps")) : std::nullopt;
}

std::optional<std::string> draft::aspect() const {
  if (const auto* m = find_key(j_, "m"))
    if (auto a = as_text(first_of(*m, aspect_keys)); a && !a->empty()) return a;
  const auto w = width();
  const auto h = height();
  if (!w || !h) return std::nullopt;
  auto a = aspect_of(*w, *h);
  return a.empty() ? std::nullopt : std::optional<std::string>(std::move(a));
}

std::optional<std::string> draft::title() const {
  const auto* m = find_key(j_, "m");
  return m ? as_text(first_of(*m, title_keys)) : std::nullopt;
}

void draft::set_size(int width, int height) {
  auto& m = j_["m"];
  if (!m.is_object()) m = json::object();
  slot(m, width_keys) = width;
  slot(m, height_keys) = height;
  slot(m, aspect_keys) = aspect_of(width, height);
}

void draft::set_fps(double fps) {
  auto& m = j_["m"];
  if (!m.is_object()) m = json::object();
  if (fps == std::floor(fps))
    m["fps"] = static_cast<std::int64_t>(fps);
  else
    m["fps"] = fps;
}

void draft::set_title(std::string title) {
  auto& m = j_["m"];
  if (!m.is_object()) m = json::object();
  slot(m, title_keys) = std::move(title);
}

std::string aspect_of(int width, int height) {
  if (width <= 0 || height <= 0) return {};
  const int g = std::gcd(width, height);
  return std::to_string(width / g) + ":" + std::to_string(height / g);
}

}  // namespace reel::core
