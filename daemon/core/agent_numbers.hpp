#pragma once
// Internal to the agent's lexer: numbers and positions among one sentence's tokens.
#include "core/agent_lexer.hpp"

#include <vector>

namespace reel::core::agent_detail {

// Merges Chinese numerals into numbers ("三十" 30, "百分之三十" 30%), values English and German
// number words ("twenty five" 25, "fünfundzwanzig" 25, "anderthalb" 1.5), and marks ordinals
// ("3rd", "third", "dritte", "第三", "倒数第二", "最后一张", "second to last").
void mark_numbers(std::vector<agent_token>& tokens);

}  // namespace reel::core::agent_detail
