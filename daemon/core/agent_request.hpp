#pragma once
// What a prompt asks the local agent for, as plain values: parse_request fills it (no draft
// needed), the editors apply it. Every field is optional: an unset field is "not asked".
#include "core/draft.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

// Which pictures an item reference counts among.
enum class item_kind { any, photo, clip };

// "the third photo": kind photo, index 3. Negative indexes count from the end (-1 the last);
// 0 means every item of the kind ("each photo").
struct item_ref {
  item_kind kind = item_kind::any;
  int index = 0;
  bool operator==(const item_ref&) const = default;
};

enum class move_target { start, end, position, before, after };

// "move the third photo to the start"; `position` 1-based (or from the end) for position;
// `anchor` for before/after.
struct move_request {
  item_ref item;
  move_target target = move_target::start;
  int position = 0;
  item_ref anchor;
};

struct swap_request {
  item_ref a;
  item_ref b;
};

// "make the first clip 4 seconds"; item.index 0: every item of that kind.
struct trim_request {
  item_ref item;
  std::int64_t duration_ms = 0;
};

// When a text shows, as said: at the start, the end, the middle, or at/from a time.
enum class text_when { unset, start, end, middle, at };

// A title or text overlay. Empty `text`: none given (a title then comes from the script).
struct text_request {
  std::string text;
  text_when when = text_when::unset;
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  std::optional<std::int64_t> duration_ms;
  std::optional<text_position> pos;
  std::optional<std::string> color;
  std::optional<double> size_factor;  // "bigger" 1.25, "smaller" 0.8
};

enum class add_remove { none, add, remove };
enum class title_action { none, add, change, remove, style };

struct agent_request {
  std::string language = "en";  // "en", "de" or "zh"
  bool undo = false;
  bool create = false;          // the prompt asks for a new video from the media
  bool greeting = false;        // "hi", "hallo", "你好" and nothing else understood
  bool help = false;            // "what can you do", "help"
  bool mentions_video = false;  // nothing understood, but "video" was said: make one if none

  std::optional<std::int64_t> duration_ms;
  std::int64_t duration_delta_ms = 0;         // "5 seconds longer" (+) / "shorter" (-)
  double duration_scale = 1;                  // "a bit shorter" 0.8, "longer" 1.25
  std::optional<std::pair<int, int>> aspect;  // reduced w:h
  std::optional<std::pair<int, int>> size;    // exact pixels ("1080x1920")
  std::optional<int> short_side;              // 720 for "720p", 2160 for "4k"
  std::optional<double> fps;

  std::optional<transition_kind> transition;
  std::optional<std::int64_t> transition_ms;

  add_remove music = add_remove::none;
  std::optional<double> music_volume;  // a fraction
  double music_volume_step = 0;        // louder (+) or quieter (-), as a fraction
  std::optional<std::int64_t> music_fade_out_ms;
  std::optional<std::int64_t> music_fade_in_ms;
  std::optional<std::int64_t> video_fade_out_ms;  // "fade to black at the end"

  title_action title = title_action::none;
  text_request title_spec;
  // "change 'Summer Sale' to 'Winter Sale'": any text reading `from` becomes `to`.
  std::optional<std::pair<std::string, std::string>> replace_text;
  std::vector<text_request> texts;
  bool remove_texts = false;  // "remove the text": every overlay (not the title or captions)
  add_remove captions = add_remove::none;
  add_remove motion = add_remove::none;  // Ken Burns on or off

  std::vector<move_request> moves;
  std::vector<swap_request> swaps;
  std::vector<trim_request> trims;
  std::vector<item_ref> removes;  // "delete the third photo"

  // True when anything besides the language was understood.
  bool understood() const;
};

}  // namespace reel::core
