#pragma once
// Rewrites the agent's web-editor talk for people who use Reel through its API
// (spec/upstream-nemovideo.md "GUI translation"):
//   "click the Export button" / "点击导出"   -> offer to export           (action export)
//   "drag ... here to upload" / "拖拽上传"   -> offer to take the files   (action upload)
//   "drag/drop" / "拖拽" / "per Drag & Drop" -> describe the edit in words
//   "preview in timeline" / "在时间线中预览" -> offer the track summary   (action show_summary)
//   "open the ... panel" / "打开"            -> offer the session state   (action state)
//   any other "click X" / "点击X"            -> "say X and I will do it"
// The sentence (or, after an informative first clause, the rest of the sentence) that gives the
// GUI instruction is replaced in the sentence's language (English, German or Chinese); every
// other sentence is kept byte for byte. A bare "导出" only adds the export action. Sentences
// holding a URL are left alone: their link is real.
#include <string>
#include <string_view>
#include <vector>

namespace reel::core {

enum class gui_action {
  export_video,  // run or offer the export
  upload,        // take files from the user
  show_summary,  // show the timeline summary
  state,         // query and show the session state
};

struct gui_translation {
  std::string text;                 // the rewritten text
  std::vector<gui_action> actions;  // suggested actions, each once, in order of appearance
};

// The wire name of an action: "export", "upload", "show_summary", "state".
std::string_view to_string(gui_action a) noexcept;

// Translates one complete agent message. Never fails; text without GUI talk comes back equal.
// Meant for whole messages: a phrase split across streamed deltas is not seen.
gui_translation translate_gui_text(std::string_view text);

// False when `text` holds none of the words GUI talk needs (one pass over it, no copy): then
// translate_gui_text(text) gives it back unchanged with no action. True says only "maybe". Text
// made of pieces that each answer false, joined where a word cannot run on from one piece into
// the next (after or before a blank or punctuation), answers false too.
bool may_hold_gui_talk(std::string_view text);

// translate_gui_text without its shortcuts (every sentence through the phrase tables), for tests:
// both give the same answer for every text.
gui_translation translate_gui_text_reference(std::string_view text);

}  // namespace reel::core
