#include "core/json_dump.hpp"

#include "core/text_norm.hpp"

#include <cstdint>

namespace reel::core {
namespace {

// Bytes a JSON string cannot hold as they are: control characters, quote, backslash.
constexpr bool needs_escape(unsigned char c) noexcept {
  return c < 0x20 || c == '"' || c == '\\';
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
    const std::size_t n = utf8_sequence_length(s, i);
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
