#pragma once
// Timing for the local agent's drafts: equal (or weighted) shares of a length, pictures placed
// one after another with crossfades, music looped or cut to the length, texts kept inside it,
// gentle Ken Burns moves, and which track is which. Pure functions over draft values.
#include "core/draft.hpp"
#include "core/timeline_summary.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace reel::core {

// The tracks the agent edits, as indexes into draft::tracks(); nullopt when absent.
struct agent_tracks {
  std::optional<std::size_t> video;     // the first video track
  std::optional<std::size_t> music;     // an audio track holding music (role_of), else the first
  std::optional<std::size_t> title;     // a text track that is a title
  std::optional<std::size_t> captions;  // a text track of captions
  std::optional<std::size_t> text;      // the overlay track (labelled "Text")
};
agent_tracks find_agent_tracks(const draft& d);

// The i-th still's Ken Burns move: zoom in, zoom out, pan left, pan right, over and over; never
// beyond 1.1x.
motion_spec gentle_motion(std::size_t i);

// One picture's share of a length: `weight` its share, `cap` the most it can last (a clip's own
// length), `locked` a length that must not change.
struct share_slot {
  double weight = 1;
  std::optional<std::int64_t> cap;
  bool locked = false;
  std::int64_t locked_ms = 0;
};
// Lengths summing to `budget` in proportion to the weights, none above its cap (the rest goes
// to the others); the sum is less than `budget` only when every slot is capped or locked.
std::vector<std::int64_t> share_lengths(const std::vector<share_slot>& slots, std::int64_t budget);

// The longest crossfade that fits between pictures of these lengths (at most half the shorter).
std::int64_t fitting_transition(const std::vector<std::int64_t>& lengths, std::int64_t wanted);

// Lengths for pictures that together, overlapping by the transition between each two, last
// `length_ms`; the transition is shortened until it fits (at most half the shorter picture).
// Returns the lengths and the transition used.
std::pair<std::vector<std::int64_t>, std::int64_t> share_with_transitions(
    const std::vector<share_slot>& slots, std::int64_t length_ms, std::int64_t transition_ms);

// Writes `lengths` to the video track's segments in order and places each one `tr.duration_ms`
// before the previous one ends (its transition `tr`; none on the first). Clips whose trim is
// known get `to` = `ti` + length. Returns where the last one ends.
std::int64_t stack_pictures(track_ref track, const std::vector<std::int64_t>& lengths,
                            const transition_spec& tr, const media_catalog& catalog);

// The transition the video track uses now (the first one found after the first segment).
transition_spec current_transition(const track_view& track);

// Music segments covering [0, length_ms): one cut to length, or the source repeated when its
// own length (`source_ms`) is shorter; volume on each, fade in on the first, fade out on the
// last. Ids from `id_prefix` ("a1", "a2", ...).
std::vector<nlohmann::json> music_segments(const std::string& src, const std::string& name,
                                           std::optional<std::int64_t> source_ms,
                                           std::int64_t length_ms, double volume,
                                           std::optional<std::int64_t> fade_in_ms,
                                           std::optional<std::int64_t> fade_out_ms);

// After the length changed from `old_ms` to `new_ms`: music refilled to the new length,
// captions and overlays stretched with it, the title kept inside it; `d` set to `new_ms`.
// `source_ms` gives a media id's own length when known.
void fit_other_tracks(
    draft& d, std::int64_t old_ms, std::int64_t new_ms,
    const std::function<std::optional<std::int64_t>(const std::string&)>& source_ms);

// A segment id not used in `d`: prefix plus the next number ("v7").
std::string next_segment_id(const draft& d, const std::string& prefix);

// A display name from a file name: extension dropped, '_' and '-' read as spaces.
std::string display_name(const std::string& file_name);

}  // namespace reel::core
