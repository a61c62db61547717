#pragma once
// What the local agent did or could not do, as notes, and the reply they make in English,
// German or Chinese: short sentences a person reads in the chat.
#include "core/agent_request.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class note_kind {
  // Done.
  created,   // photos, clips, ms, text (aspect), music/fraction, text2 (title), n (captions)
  duration,  // ms
  duration_limited,  // ms: the clips are not long enough for more
  duration_clamped,  // ms: asked for less than 1 s or more than 10 min
  aspect,            // text "9:16", w, h
  fps,               // n
  transition,        // text (transition name), ms
  music_added,       // text (name), fraction
  music_exists,      // text (name)
  music_removed,
  music_volume,    // fraction
  music_fade_out,  // ms
  music_fade_in,   // ms
  title_added,     // text, ms (start), n (end ms)
  title_changed,   // text
  title_removed,
  title_styled,
  text_added,     // text, ms (start), n (end ms)
  text_replaced,  // text (old), text2 (new)
  texts_removed,
  texts_styled,
  captions_added,  // n
  captions_removed,
  motion_on,
  motion_off,
  moved,        // what, n (index as asked), target, n2 (position)
  swapped,      // what, n, what2, n2
  trimmed,      // what, n (0: every), ms
  trim_capped,  // what, n, ms (the clip's own length)
  removed,      // what, n
  keep_one,     // a video keeps at least one picture
  video_fade,   // ms
  undone,
  // Not done, and why.
  nothing_to_undo,
  no_media,
  no_visuals,
  no_music_media,
  no_music,
  no_script,
  no_title,
  no_texts,
  no_captions,
  no_such_item,    // what, n (as asked), n2 (how many there are)
  text_not_found,  // text
  title_needs_text,
  // Conversation.
  greeting,
  help,
  unknown,
  failed,
};

struct agent_note {
  note_kind kind = note_kind::unknown;
  std::int64_t ms = 0;
  double fraction = 0;
  int n = 0;
  int n2 = 0;
  int w = 0;
  int h = 0;
  int photos = 0;
  int clips = 0;
  bool music = false;
  item_kind what = item_kind::any;
  item_kind what2 = item_kind::any;
  move_target target = move_target::start;
  std::string text;
  std::string text2;
};

// The reply for `notes` in `language` ("en", "de", "zh"; anything else reads as English): one
// sentence per note, in order. Never empty: no notes give the help text.
std::string compose_reply(const std::vector<agent_note>& notes, std::string_view language);

}  // namespace reel::core
