#pragma once
// The local agent's prompt grammar: a prompt in English, German or Chinese becomes an
// agent_request. Several edits in one prompt are all read ("make it vertical and 15 seconds
// with a wipe transition"). Pure; never throws on any input.
#include "core/agent_lexer.hpp"
#include "core/agent_request.hpp"

#include <string>
#include <string_view>

namespace reel::core {

// "zh" when CJK characters outnumber Latin words (quotes not counted), "de" when German marker
// words outnumber English ones, "en" when English ones win; with no sign either way, `hint`
// when it is "en", "de" or "zh", else "en".
std::string detect_language(const agent_lexed& lexed, std::string_view hint = {});

// Reads everything the prompt asks for (its first 4096 bytes); language from detect_language.
agent_request parse_request(std::string_view prompt, std::string_view language_hint = {});

}  // namespace reel::core
