#pragma once
// The local backend's editing agent (design.md, "Two backends"): a prompt plus the session's
// media and current draft give edits to the draft and a reply in the prompt's language
// (English, German or Chinese). Rule-based and pure: the same input gives the same output, with
// no clock, randomness or I/O. The engine sends the reply as chat.text, each tool call as
// chat.tool, and the summary with timeline.changed, as it does for the cloud.
#include "core/media_type.hpp"
#include "core/timeline_summary.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace reel::core {

// One uploaded file as the agent sees it.
struct agent_media {
  std::string id;    // what segments reference in `src`
  std::string name;  // the file name as uploaded ("beach_day.jpg")
  media_kind kind = media_kind::image;
  std::optional<std::int64_t> duration_ms;  // clips and audio, when probed
  std::optional<int> width;
  std::optional<int> height;
  bool has_audio = false;
  std::string text;  // a script's contents (text media)
};

struct agent_input {
  std::string prompt;
  nlohmann::json draft;                 // the current draft; null or {} when there is none
  std::vector<agent_media> media;       // in upload order
  std::vector<nlohmann::json> history;  // earlier drafts, newest last (for "undo")
  std::string language_hint;            // the session's language, for prompts that show none
};

struct agent_output {
  std::optional<nlohmann::json> new_draft;  // nullopt: the draft is unchanged
  // "undo": new_draft is history.back(), and the caller restores that version.
  bool undo = false;
  std::string reply;                    // never empty
  std::string language;                 // "en", "de" or "zh"
  std::vector<std::string> tool_calls;  // edits applied: "create_video", "set_duration", ...
  std::string summary;                  // summarize_timeline of new_draft; empty when unchanged
};

// Runs one prompt. Never throws. new_draft, when set, passes validate_draft (an undo hands back
// history.back() as it was).
agent_output run_local_agent(const agent_input& in);

// The media as timeline_summary names them (id → name and kind).
media_catalog agent_catalog(const std::vector<agent_media>& media);

}  // namespace reel::core
