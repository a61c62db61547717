#pragma once
// What changed between two drafts, in words for a person: used when a cloud turn ends without
// text (compare the state before and after) and after the local agent's edits.
//
// Only what a viewer can see or hear counts: tracks, segments and their timing, media, text,
// volume, transitions, text style, effects (fit, motion, trim, fades), the total duration,
// aspect and size. Unknown keys, ids and labels of tracks do not. Tracks are paired by id, then
// by kind and role in order; segments by id, then by media (text for text tracks), then by
// position. Items, in order: each track of `after` (added, or what changed in it), removed
// tracks, then the draft's duration, aspect and size. Four or more like changes on one track
// are counted ("5 clips retimed") instead of listed.
#include "core/draft.hpp"
#include "core/timeline_summary.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class change_kind {
  added,       // Added title "Summer Sale" (0-3s)
  removed,     // Removed the music
  moved,       // Moved photo 3 to the start
  retimed,     // Clip 1 now 4s (was 6s); Title now 2-5s (was 0-3s)
  text,        // Title changed to "X"
  volume,      // Music volume 35% → 60%
  source,      // Clip 2 replaced with "sunset"; Music changed to "Jazz"
  transition,  // Clip 2 transition none → fade; Added fade transitions
  style,       // Title moved to the bottom; Title style changed (color, size)
  effects,     // Photo 2 motion and fit changed
  duration,    // Duration 30s → 15s
  aspect,      // Aspect 16:9 → 9:16
  size,        // Size 1920x1080 → 1280x720
};

// "added", "removed", ... as in the enum.
std::string_view to_string(change_kind kind) noexcept;

struct timeline_change {
  change_kind kind = change_kind::added;
  std::string text;
  bool operator==(const timeline_change&) const = default;
};

struct timeline_diff {
  std::vector<timeline_change> changes;
  // The items joined ("Added title "X" (0-3s); removed the music."); "No visible change" when
  // there are none.
  std::string sentence;
  bool empty() const noexcept { return changes.empty(); }
};

// Compares `before` with `after`; never fails (unreadable fields read as absent).
timeline_diff diff_timelines(const draft& before, const draft& after,
                             const media_catalog& catalog = {});

}  // namespace reel::core
