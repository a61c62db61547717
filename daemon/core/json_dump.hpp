#pragma once
// JSON serialization for the event path: the same bytes as nlohmann's compact dump() (UTF-8
// kept, strict about invalid UTF-8), several times faster on long strings. nlohmann checks
// UTF-8 one byte at a time through a state machine and writes through a virtual output; a
// chat turn's text (hundreds of KB published, stored and replayed) spent more time there
// than in its whole decode. Pure.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace reel::core {

// Appends `s` as a JSON string (quotes included), escaped as nlohmann escapes it. False, with
// `out` unchanged, when `s` is not valid UTF-8.
bool append_json_string(std::string& out, std::string_view s);

// j.dump(): the same text, or the same exception (type_error 316 on invalid UTF-8).
std::string json_dump(const nlohmann::json& j);

}  // namespace reel::core
