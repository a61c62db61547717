#include "core/json_dump.hpp"

#include <cstdint>

namespace reel::core {
namespace {

// Bytes a JSON string cannot hold as they are: control characters, quote, backslash.
constexpr bool needs_escape(unsigned char c) noexcept {
  return c < 0x20 || c == '"' || c == '\\';
}

// The length of the valid UTF-8 sequence at s[i] (a lead byte >= 0x80), or 0 (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

bool dump_into(std::string& out, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::string:
      return append_json_string(out, j.get_ref<const std::string&>());
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : j.items()) {
        if (!first) out += ',';
        first = false;
        if (!append_json_string(out, key)) return false;
        out += ':';
        if (!dump_into(out, value)) return false;
      }
      out += '}';
      return true;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& value : j) {
        if (!first) out += ',';
        first = false;
        if (!dump_into(out, value)) return false;
      }
      out += ']';
      return true;
    }
    default:  // numbers, booleans, null, binary: short, and nlohmann's formatting is the rule
      out += j.dump();
      return true;
  }
}

}  // namespace

bool append_json_string(std::string& out, std::string_view s) {
  const std::size_t start = out.size();
  out.reserve(start + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // the first byte not copied yet
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (!needs_escape(c)) {
        ++i;
        continue;
      }
      out.append(s.data() + run, i - run);
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default: {
          static constexpr char hex[] = "0123456789abcdef";
          const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
          out.append(esc, sizeof esc);
        }
      }
      run = ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out.resize(start);
      return false;
    }
    i += n;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
  return true;
}

std::string json_dump(const nlohmann::json& j) {
  std::string out;
  if (dump_into(out, j)) return out;
  return j.dump();  // invalid UTF-8 somewhere: nlohmann's own exception
}

}  // namespace reel::core
