#include "core/agent_layout.hpp"

#include "core/text_norm.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core {

using nlohmann::json;

namespace {

bool labelled(const track_view& t, std::string_view word) {
  const auto label = t.label();
  if (!label) return false;
  const auto words = tokenize(*label);
  return words.size() == 1 && words[0] == word;
}

// Music is looped, not stretched; a very short source is played once rather than repeated
// hundreds of times.
constexpr std::int64_t max_loops = 100;

}  // namespace

agent_tracks find_agent_tracks(const draft& d) {
  agent_tracks out;
  std::optional<std::size_t> first_audio;
  const auto tracks = d.tracks();
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const auto& t = tracks[i];
    switch (t.kind()) {
      case track_kind::video:
        if (!out.video) out.video = i;
        break;
      case track_kind::audio: {
        const auto role = role_of(t);
        if (!out.music && role == track_role::music) out.music = i;
        if (!first_audio && role != track_role::voice_over) first_audio = i;
        break;
      }
      case track_kind::text: {
        if (labelled(t, "text")) {
          if (!out.text) out.text = i;
          break;
        }
        const auto role = role_of(t);
        if (role == track_role::captions && !out.captions)
          out.captions = i;
        else if (role == track_role::title && !out.title)
          out.title = i;
        else if (role == track_role::text && !out.text)
          out.text = i;
        break;
      }
      case track_kind::other:
        break;
    }
  }
  if (!out.music) out.music = first_audio;
  return out;
}

motion_spec gentle_motion(std::size_t i) {
  switch (i % 4) {
    case 0:
      return {{}, {0.5, 0.5, 1.0}, {0.5, 0.5, 1.1}};
    case 1:
      return {{}, {0.5, 0.5, 1.1}, {0.5, 0.5, 1.0}};
    case 2:
      return {{}, {0.54, 0.5, 1.1}, {0.46, 0.5, 1.1}};
    default:
      return {{}, {0.46, 0.5, 1.1}, {0.54, 0.5, 1.1}};
  }
}

std::vector<std::int64_t> share_lengths(const std::vector<share_slot>& slots, std::int64_t budget) {
  const std::size_t n = slots.size();
  std::vector<std::int64_t> out(n, 0);
  std::vector<char> fixed(n, 0);
  std::vector<double> exact(n, 0);
  double remaining = static_cast<double>(budget);
  for (std::size_t i = 0; i < n; ++i) {
    if (!slots[i].locked) continue;
    out[i] = slots[i].locked_ms;
    fixed[i] = 1;
    remaining -= static_cast<double>(slots[i].locked_ms);
  }
  // Water filling: a slot that would pass its cap is held at the cap and the rest shared again.
  for (std::size_t round = 0; round <= n; ++round) {
    double weights = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!fixed[i]) weights += std::max(slots[i].weight, 1e-9);
    if (weights <= 0) break;
    const double per = std::max(remaining, 0.0) / weights;
    bool capped = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (fixed[i] || !slots[i].cap) continue;
      if (std::max(slots[i].weight, 1e-9) * per > static_cast<double>(*slots[i].cap)) {
        out[i] = *slots[i].cap;
        fixed[i] = 1;
        remaining -= static_cast<double>(*slots[i].cap);
        capped = true;
      }
    }
    if (capped) continue;
    for (std::size_t i = 0; i < n; ++i)
      if (!fixed[i]) exact[i] = std::max(slots[i].weight, 1e-9) * per;
    break;
  }
  // Whole milliseconds that still add up: floors, then the leftover one by one.
  std::int64_t floors = 0;
  std::vector<std::size_t> free;
  for (std::size_t i = 0; i < n; ++i) {
    if (fixed[i]) continue;
    out[i] = static_cast<std::int64_t>(std::floor(exact[i]));
    floors += out[i];
    free.push_back(i);
  }
  auto left = std::llround(std::max(remaining, 0.0)) - floors;
  for (std::size_t k = 0; left > 0 && !free.empty(); ++k, --left) ++out[free[k % free.size()]];
  for (auto& v : out) v = std::max<std::int64_t>(v, 1);
  return out;
}

std::int64_t fitting_transition(const std::vector<std::int64_t>& lengths, std::int64_t wanted) {
  if (lengths.size() < 2) return std::max<std::int64_t>(wanted, 0);
  const auto shortest = *std::min_element(lengths.begin(), lengths.end());
  return std::clamp<std::int64_t>(wanted, 0, shortest / 2);
}

std::pair<std::vector<std::int64_t>, std::int64_t> share_with_transitions(
    const std::vector<share_slot>& slots, std::int64_t length_ms, std::int64_t transition_ms) {
  const auto n = static_cast<std::int64_t>(slots.size());
  auto tr = std::max<std::int64_t>(transition_ms, 0);
  std::vector<std::int64_t> lengths;
  // A shorter transition makes shorter pictures, which may need a shorter transition again:
  // the rounds converge quickly (each at least halves the excess).
  for (int round = 0; round < 40; ++round) {
    lengths = share_lengths(slots, length_ms + std::max<std::int64_t>(n - 1, 0) * tr);
    const auto fitting = fitting_transition(lengths, tr);
    if (fitting == tr) return {lengths, tr};
    tr = fitting;
  }
  return {lengths, fitting_transition(lengths, tr)};
}

std::int64_t stack_pictures(track_ref track, const std::vector<std::int64_t>& lengths,
                            const transition_spec& tr, const media_catalog& catalog) {
  const std::size_t n = std::min(lengths.size(), track.segment_count());
  std::int64_t end = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto sg = track.segment_at(i);
    const auto overlap = i == 0 || tr.type == transition_kind::none ? 0 : tr.duration_ms;
    const auto start = std::max<std::int64_t>(0, end - overlap);
    sg.set_start_ms(start).set_duration_ms(lengths[i]);
    if (i == 0)
      sg.raw().erase("tr");
    else
      sg.set_transition(tr.type == transition_kind::none ? transition_spec{} : tr);
    if (!is_photo(sg, catalog)) {
      const auto src = sg.source();
      const auto it = src ? catalog.find(*src) : catalog.end();
      const bool known_clip = it != catalog.end() && it->second.kind == media_kind::video;
      if (known_clip || sg.trim_in_ms() || sg.trim_out_ms()) {
        const auto in = std::max<std::int64_t>(sg.trim_in_ms().value_or(0), 0);
        sg.set_trim(in, in + lengths[i]);
      }
    }
    end = start + lengths[i];
  }
  return end;
}

transition_spec current_transition(const track_view& track) {
  const auto sgs = track.segments();
  for (std::size_t i = 1; i < sgs.size(); ++i)
    if (auto tr = sgs[i].transition()) return *tr;
  return {};
}

std::vector<json> music_segments(const std::string& src, const std::string& name,
                                 std::optional<std::int64_t> source_ms, std::int64_t length_ms,
                                 double volume, std::optional<std::int64_t> fade_in_ms,
                                 std::optional<std::int64_t> fade_out_ms) {
  std::vector<json> out;
  const bool loop =
      source_ms && *source_ms > 0 && *source_ms < length_ms && length_ms / *source_ms < max_loops;
  const std::int64_t piece = loop ? *source_ms : length_ms;
  for (std::int64_t pos = 0; pos < length_ms || out.empty();) {
    const auto d = std::max<std::int64_t>(1, std::min(piece, length_ms - pos));
    json j = json::object();
    segment_ref sg(j);
    sg.set("id", "a" + std::to_string(out.size() + 1)).set_source(src);
    if (!name.empty()) sg.set_label(name);
    sg.set_start_ms(pos).set_duration_ms(d).set_volume(volume);
    if (source_ms) sg.set_trim(0, d);
    out.push_back(std::move(j));
    pos += d;
  }
  if (fade_in_ms && *fade_in_ms > 0)
    out.front()["fi"] = std::min(*fade_in_ms, segment_view(out.front()).duration_ms());
  if (fade_out_ms && *fade_out_ms > 0)
    out.back()["fo"] = std::min(*fade_out_ms, segment_view(out.back()).duration_ms());
  return out;
}

void fit_other_tracks(
    draft& d, std::int64_t old_ms, std::int64_t new_ms,
    const std::function<std::optional<std::int64_t>(const std::string&)>& source_ms) {
  const auto ids = find_agent_tracks(d);
  const double scale = old_ms > 0 ? static_cast<double>(new_ms) / static_cast<double>(old_ms) : 1.0;
  const auto count = d.track_count();
  for (std::size_t i = 0; i < count; ++i) {
    if (i == ids.video) continue;
    auto t = d.track_at(i);
    const auto sgs = t.segments();
    if (sgs.empty()) continue;
    if (i == ids.music && sgs.front().source()) {
      const auto first = sgs.front();
      const auto src = *first.source();
      auto fresh = music_segments(src, first.label().value_or(""), source_ms(src), new_ms,
                                  first.volume().value_or(1.0), first.fade_in_ms(),
                                  sgs.back().fade_out_ms());
      while (t.segment_count() > 0) t.remove_segment(t.segment_count() - 1);
      for (auto& j : fresh) t.add_segment(std::move(j));
      continue;
    }
    const bool stretch = (i == ids.captions || i == ids.text) && old_ms > 0;
    for (std::size_t k = t.segment_count(); k-- > 0;) {
      auto sg = t.segment_at(k);
      auto st = sg.start_ms();
      auto len = sg.duration_ms();
      if (stretch) {
        st = std::llround(static_cast<double>(st) * scale);
        len = std::max<std::int64_t>(1, std::llround(static_cast<double>(len) * scale));
      }
      if (st >= new_ms) {
        t.remove_segment(k);
        continue;
      }
      sg.set_start_ms(st).set_duration_ms(std::min(len, new_ms - st));
    }
  }
  d.set_duration_ms(new_ms);
}

std::string next_segment_id(const draft& d, const std::string& prefix) {
  long long top = 0;
  for (const auto& t : d.tracks()) {
    for (const auto& sg : t.segments()) {
      const auto id = sg.id();
      if (!id || !id->starts_with(prefix) || id->size() == prefix.size() ||
          id->size() > prefix.size() + 9)
        continue;
      const auto digits = id->substr(prefix.size());
      if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
      top = std::max(top, std::stoll(digits));
    }
  }
  return prefix + std::to_string(top + 1);
}

std::string display_name(const std::string& file_name) {
  std::string name = file_name;
  if (const auto slash = name.find_last_of("/\\"); slash != std::string::npos)
    name = name.substr(slash + 1);
  if (const auto dot = name.rfind('.');
      dot != std::string::npos && dot > 0 && name.size() - dot <= 5)
    name.erase(dot);
  std::replace(name.begin(), name.end(), '_', ' ');
  const auto b = name.find_first_not_of(' ');
  if (b == std::string::npos) return file_name;
  return name.substr(b, name.find_last_not_of(' ') - b + 1);
}

}  // namespace reel::core
