#pragma once
// The simulated agent's editing brain: a chat message edits a draft (short keys t/tt/sg/d/m),
// and unknown keys in the draft are left exactly as they were.
#include "fake_nemo/media_sniff.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::fake_nemo {

// An uploaded media file the agent may put on the timeline.
struct media_ref {
  std::string id;
  std::string name;
  media_kind kind = media_kind::video;
  std::int64_t duration_ms = 0;
};

// What a message did: `operations` are the tool-call arguments the turn streams.
struct edit_outcome {
  bool changed = false;
  std::string reply;  // the agent's text for the turn (uses GUI phrases on purpose)
  nlohmann::json operations = nlohmann::json::array();
};

// The draft a new session starts with; it carries unknown keys ("x_future", "x_track") so
// clients can prove they keep them.
nlohmann::json initial_draft(std::string_view task_name);

// Applies what `message` asks to `draft`:
//   "add a title 'X'" (text track, tt 7, 0-3 s; replaces an existing title's text),
//   "remove the title", "add background music ['Name'] [N%]" (audio track, tt 1),
//   "remove the music", "N seconds" (length), "generate/create/make/turn ... video" (video track
//   from `media`, or a generated scene without media). Several clauses may apply at once.
edit_outcome apply_message(nlohmann::json& draft, std::string_view message,
                           const std::vector<media_ref>& media);

// "Timeline (3 tracks): 1. Video: city (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "X" (0-3s)".
std::string summarize(const nlohmann::json& draft);

}  // namespace reel::fake_nemo
