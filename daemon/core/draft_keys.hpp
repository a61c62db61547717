#pragma once
// Internal to the draft files (draft.cpp, draft_segment.cpp, draft_validate.cpp): the key
// aliases each accessor reads, and the lenient JSON readers and writers behind them.
#include "core/draft.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core::draft_keys {

using nlohmann::json;

using nlohmann::json;

// A key, or a key inside an object-valued key ("m.src" is {"m","src"}).
struct alias {
  std::string_view outer;
  std::string_view inner = {};
};
using aliases = std::span<const alias>;

inline constexpr alias start_keys[] = {{"st"}, {"start"}, {"s"}};
inline constexpr alias duration_keys[] = {{"d"}, {"duration"}, {"dur"}};
inline constexpr alias source_keys[] = {{"src"}, {"m", "src"}, {"url"}, {"m", "url"}};
inline constexpr alias text_keys[] = {{"text"}, {"txt"}, {"m", "text"}};
inline constexpr alias label_keys[] = {{"n"}, {"name"}, {"m", "name"}};
inline constexpr alias volume_keys[] = {{"v"}, {"vol"}, {"volume"}, {"m", "volume"}};
inline constexpr alias segments_keys[] = {{"sg"}, {"segments"}};
inline constexpr alias tracks_keys[] = {{"t"}, {"tracks"}};
inline constexpr alias width_keys[] = {{"w"}, {"width"}};
inline constexpr alias height_keys[] = {{"h"}, {"height"}};
inline constexpr alias aspect_keys[] = {{"aspect"}, {"ratio"}};
inline constexpr alias title_keys[] = {{"title"}, {"name"}};

// Null counts as absent: a cloud that writes "src": null has no source.
inline const json* lookup(const json& obj, alias a) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(a.outer);
  if (it == obj.end() || it->is_null()) return nullptr;
  if (a.inner.empty()) return &*it;
  if (!it->is_object()) return nullptr;
  const auto in = it->find(a.inner);
  return in == it->end() || in->is_null() ? nullptr : &*in;
}

inline const json* first_of(const json& obj, aliases keys) {
  for (const auto& a : keys)
    if (const auto* v = lookup(obj, a)) return v;
  return nullptr;
}

// Where a write goes: the alias already in use, so reads and the object's own shape agree.
inline json& slot(json& obj, aliases keys) {
  for (const auto& a : keys) {
    if (lookup(obj, a)) {
      auto& outer = obj[std::string(a.outer)];
      return a.inner.empty() ? outer : outer[std::string(a.inner)];
    }
  }
  return obj[std::string(keys.front().outer)];
}

inline std::optional<double> as_number(const json* v) {
  if (!v) return std::nullopt;
  if (v->is_number()) return v->get<double>();
  if (!v->is_string()) return std::nullopt;
  const auto& s = v->get_ref<const std::string&>();
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

inline std::optional<std::int64_t> as_ms(const json* v) {
  const auto d = as_number(v);
  if (!d) return std::nullopt;
  return std::llround(std::clamp(*d, -1e15, 1e15));
}

inline std::optional<std::string> as_text(const json* v) {
  if (!v) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_integer()) return v->dump();
  return std::nullopt;
}

inline const json* find_key(const json& obj, std::string_view key) {
  return lookup(obj, alias{key});
}

// Indexes of the object elements of the array under `keys`: the ones the views expose.
inline std::vector<std::size_t> object_indexes(const json& owner, aliases keys) {
  std::vector<std::size_t> out;
  const auto* arr = first_of(owner, keys);
  if (!arr || !arr->is_array()) return out;
  for (std::size_t i = 0; i < arr->size(); ++i)
    if ((*arr)[i].is_object()) out.push_back(i);
  return out;
}

inline json& array_slot(json& owner, aliases keys) {
  auto& arr = slot(owner, keys);
  if (!arr.is_array()) arr = json::array();
  return arr;
}

struct preset_row {
  std::string_view name;
  frame_point from;
  frame_point to;
};
inline constexpr std::array<preset_row, 7> presets{{
    {"none", {0.5, 0.5, 1.0}, {0.5, 0.5, 1.0}},
    {"zoom_in", {0.5, 0.5, 1.0}, {0.5, 0.5, 1.2}},
    {"zoom_out", {0.5, 0.5, 1.2}, {0.5, 0.5, 1.0}},
    {"pan_left", {0.6, 0.5, 1.2}, {0.4, 0.5, 1.2}},
    {"pan_right", {0.4, 0.5, 1.2}, {0.6, 0.5, 1.2}},
    {"pan_up", {0.5, 0.6, 1.2}, {0.5, 0.4, 1.2}},
    {"pan_down", {0.5, 0.4, 1.2}, {0.5, 0.6, 1.2}},
}};

inline constexpr std::array<std::string_view, 4> transition_names{"none", "fade", "slide", "wipe"};
inline constexpr std::array<std::string_view, 2> fit_names{"cover", "contain"};
inline constexpr std::array<std::string_view, 3> position_names{"top", "center", "bottom"};
inline constexpr std::int64_t default_transition_ms = 500;

template <class E, std::size_t N>
std::optional<E> enum_of(const json* v, const std::array<std::string_view, N>& names) {
  if (!v || !v->is_string()) return std::nullopt;
  const auto& s = v->get_ref<const std::string&>();
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

inline std::optional<frame_point> point_of(const json* v) {
  if (!v || !v->is_object()) return std::nullopt;
  frame_point p;
  if (auto x = as_number(find_key(*v, "x"))) p.x = *x;
  if (auto y = as_number(find_key(*v, "y"))) p.y = *y;
  if (auto z = as_number(find_key(*v, "z"))) p.z = *z;
  return p;
}

inline json point_json(const frame_point& p) {
  return json{{"x", p.x}, {"y", p.y}, {"z", p.z}};
}

inline void set_or_erase(json& obj, const char* key, std::optional<std::int64_t> v) {
  if (v)
    obj[key] = *v;
  else
    obj.erase(key);
}

}  // namespace reel::core::draft_keys
