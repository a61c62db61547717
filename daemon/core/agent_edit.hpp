#pragma once
// The local agent's editors: a request applied to a draft, with notes for the reply and the
// names of the edits for chat.tool events. Internal to local_agent.cpp and its tests.
#include "core/agent_reply.hpp"
#include "core/agent_request.hpp"
#include "core/draft.hpp"
#include "core/local_agent.hpp"
#include "core/timeline_summary.hpp"

#include <optional>
#include <string>
#include <vector>

namespace reel::core {

// What an edit needs besides the draft: the media, and where to say what happened.
class edit_context {
 public:
  explicit edit_context(const std::vector<agent_media>& media);

  const std::vector<agent_media>& media() const { return *media_; }
  const media_catalog& catalog() const { return catalog_; }
  // The media with this id; nullptr when none.
  const agent_media* find(const std::string& id) const;
  // The first media of `kind` in upload order; nullptr when none.
  const agent_media* first(media_kind kind) const;
  // The first script with words in it; nullptr when none.
  const agent_media* script() const;
  // A media id's own length, when probed.
  std::optional<std::int64_t> source_ms(const std::string& id) const;

  // An edit done: its tool name (once per name) and what to tell.
  void did(const std::string& tool, agent_note note);
  // Something to tell without an edit (a reason it could not be done).
  void say(agent_note note);

  std::vector<agent_note> notes;
  std::vector<std::string> tools;

 private:
  const std::vector<agent_media>* media_;
  media_catalog catalog_;
};

// Sizes: 1920x1080 for 16:9, the short side 1080 unless `short_side` says otherwise.
std::pair<int, int> size_for(std::pair<int, int> aspect, int short_side);

// A script's title (its first line's first sentence) and the sentences after it.
struct script_parts {
  std::string title;
  std::vector<std::string> sentences;
};
script_parts split_script(const std::string& text);

// A new draft from the media in upload order (agent_create.cpp). Takes from `r` what creation
// settles (length, size, transitions, music, title, captions, motion) and leaves the rest
// (moves, trims, removals, overlays, text replacements) for apply_edits. nullopt, with a note, when
// there is nothing to make a video from.
std::optional<draft> create_video(agent_request& r, edit_context& ctx);

// Applies every edit `r` asks for to `d` (agent_edit.cpp, agent_edit_text.cpp).
void apply_edits(draft& d, const agent_request& r, edit_context& ctx);

// Titles, overlays and captions, timed within the draft's length (agent_edit_text.cpp).
void edit_texts(draft& d, const agent_request& r, edit_context& ctx);
// Captions from the script over [from_ms, to_ms) on a fresh "Captions" track; the count made.
int add_captions(draft& d, const script_parts& script, std::int64_t from_ms, std::int64_t to_ms);
// The title segment: a "Title" track with one segment, replacing any title there was.
void put_title(draft& d, const text_request& spec, const std::string& text, std::int64_t length_ms,
               bool replace);

}  // namespace reel::core
