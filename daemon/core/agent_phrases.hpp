#pragma once
// The local agent's vocabulary: one row per idea, its phrases in English, German and Chinese
// (tokenized like prompts: "fade out" is two words, "淡出" two characters) and, for German
// compounds, stems found inside a word ("musik" in "Hintergrundmusik").
#include "core/text_norm.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class agent_word {
  undo,
  create_verb,
  make_verb,
  create_noun,
  into,
  pronoun,
  source_noun,
  vertical,
  square,
  landscape,
  hd_word,
  fps_unit,
  resolution_p,
  resolution_k,
  tr_fade,
  tr_slide,
  tr_wipe,
  tr_none,
  tr_word,
  music_noun,
  add_verb,
  remove_verb,
  change_verb,
  volume_word,
  louder,
  quieter,
  mute,
  fade_out,
  fade_in,
  fade_word,
  out_word,
  in_word,
  title_noun,
  text_noun,
  captions_noun,
  bigger,
  smaller,
  motion_noun,
  photo_noun,
  clip_noun,
  item_noun,
  move_verb,
  swap_verb,
  to_start,
  to_end,
  before_word,
  after_word,
  position_word,
  all_quant,
  for_marker,
  at_marker,
  from_marker,
  until_marker,
  pos_top,
  pos_center,
  pos_bottom,
  at_start,
  at_end,
  in_middle,
  unit_s,
  unit_min,
  unit_ms,
  half,
  one_article,
  percent_word,
  and_word,
  greeting,
  help_word,
  title_lead,
  text_trailer,
  english_marker,
  german_marker,
  fade_black,
  count_  // not a word: the number of rows
};

// The compiled phrases of `w`.
std::span<const phrase> phrases_of(agent_word w);
// Stems of `w` matched inside a word (German compounds); empty for most words.
std::span<const std::string_view> stems_of(agent_word w);

// Colour words ("red", "rot", "红色") to the colour written into a text style; empty if none.
std::string_view color_of(std::string_view word);

}  // namespace reel::core
