#pragma once
// Routes a user message to a direct action or to the agent's chat stream
// (spec/upstream-nemovideo.md "Routing a user message").
//
// The rule: a message is a direct action only when it is made of nothing but that action's
// words (a trigger such as "export" or "积分", plus words that may keep it company such as
// "please", "the video", "1080p", "how many"). Any other word ("add", "roll", "before",
// "不要") means the user asks for more than the action, so the message goes to chat, which is
// also the answer for everything unknown. Matching is case- and punctuation-insensitive, on
// whole words for Latin scripts and per character for Chinese.
#include <string_view>

namespace reel::core {

enum class intent {
  export_video,  // render the draft and hand out the file ("export", "导出", "download")
  credits,       // show the credit balance ("credits", "余额", "Guthaben")
  state,         // show the session's state and timeline ("status", "show tracks", "状态")
  upload,        // upload media ("upload", "上传", "hochladen")
  chat,          // everything else: send it to the agent
};

// The wire name of an intent: "export", "credits", "state", "upload", "chat".
std::string_view to_string(intent i) noexcept;

// Routes one user message. Never fails: unknown, empty or long messages are chat.
intent route_message(std::string_view text);

}  // namespace reel::core
