#include "core/agent_event.hpp"

#include "core/text_norm.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <utility>

namespace reel::core {
namespace {

using nlohmann::json;

// Every accessor checks the type first: the upstream is allowed to surprise us, and
// nlohmann's get<>() would throw on a surprise.
const json* member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// The first of `keys` that holds a string.
std::string string_of(const json& j, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (const json* v = member(j, key); v != nullptr && v->is_string()) {
      return v->get<std::string>();
    }
  }
  return {};
}

// An id or code may come as a string or a number; both are kept as text.
std::string scalar_text(const json* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_integer() || v->is_number_unsigned()) return v->dump();
  return {};
}

std::string scalar_of(const json& j, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (auto s = scalar_text(member(j, key)); !s.empty()) return s;
  }
  return {};
}

bool flag(const json& j, std::string_view key) {
  const json* v = member(j, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

std::optional<int> int_of(std::string_view s) {
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

// A tool's name may be a string or an object carrying one ({"tool": {"name": ...}}).
std::string tool_name(const json& j) {
  for (auto key : {"name", "tool", "tool_name", "toolName", "function"}) {
    const json* v = member(j, key);
    if (v == nullptr) continue;
    if (v->is_string()) return v->get<std::string>();
    if (v->is_object()) {
      if (auto s = string_of(*v, {"name"}); !s.empty()) return s;
    }
  }
  return {};
}

agent_item tool_item(agent_item_kind kind, const json& call, const std::string& author) {
  agent_item item;
  item.kind = kind;
  item.name = tool_name(call);
  item.id = scalar_of(call, {"id", "call_id", "callId", "tool_call_id", "toolCallId"});
  item.author = author;
  return item;
}

void decode_adk_parts(const json& parts, bool partial, const std::string& author,
                      std::vector<agent_item>& out) {
  if (!parts.is_array()) return;
  for (const json& part : parts) {
    if (!part.is_object() || flag(part, "thought")) continue;
    if (const json* text = member(part, "text"); text != nullptr && text->is_string()) {
      auto s = text->get<std::string>();
      if (!s.empty()) {
        agent_item item;
        item.text = std::move(s);
        item.partial = partial;
        item.author = author;
        out.push_back(std::move(item));
      }
    }
    for (auto key : {"functionCall", "function_call"}) {
      if (const json* call = member(part, key); call != nullptr && call->is_object()) {
        out.push_back(tool_item(agent_item_kind::tool_call, *call, author));
      }
    }
    for (auto key : {"functionResponse", "function_response"}) {
      if (const json* resp = member(part, key); resp != nullptr && resp->is_object()) {
        out.push_back(tool_item(agent_item_kind::tool_result, *resp, author));
      }
    }
  }
}

void decode_simple(const json& j, std::string_view type, bool partial, const std::string& author,
                   std::vector<agent_item>& out) {
  if (type == "text" || type == "message" || type == "delta" || type == "text_delta") {
    auto s = string_of(j, {"text", "content", "delta", "message"});
    if (s.empty()) return;
    agent_item item;
    item.text = std::move(s);
    item.partial = partial;
    item.author = author;
    out.push_back(std::move(item));
  } else if (type == "tool_call" || type == "function_call" || type == "tool_use") {
    out.push_back(tool_item(agent_item_kind::tool_call, j, author));
  } else if (type == "tool_result" || type == "function_response" || type == "tool_response") {
    out.push_back(tool_item(agent_item_kind::tool_result, j, author));
  } else if (type == "heartbeat" || type == "ping" || type == "keepalive") {
    out.push_back(agent_item{.kind = agent_item_kind::heartbeat});
  }
  // Other types ("done", "start", ...) carry nothing for the user.
}

// Collects "error" (string, number or object), "errorCode"/"error_code" and
// "errorMessage"/"error_message" into one item; `typed` is set for {"type":"error",...}.
std::optional<agent_item> decode_error(const json& j, bool typed) {
  std::string code;
  std::string message;
  bool present = typed;
  if (const json* e = member(j, "error")) {
    if (e->is_string()) {
      message = e->get<std::string>();
      present = true;
    } else if (e->is_object()) {
      code = scalar_of(*e, {"code", "errorCode", "error_code", "status"});
      message = string_of(*e, {"message", "errorMessage", "error_message", "detail"});
      present = true;
    } else if (e->is_number()) {
      code = scalar_text(e);
      present = true;
    } else if (e->is_boolean() && e->get<bool>()) {
      present = true;
    }
  }
  if (auto c = scalar_of(j, {"errorCode", "error_code"}); !c.empty()) {
    code = std::move(c);
    present = true;
  }
  if (auto m = string_of(j, {"errorMessage", "error_message"}); !m.empty()) {
    message = std::move(m);
    present = true;
  }
  if (typed) {
    if (code.empty()) code = scalar_of(j, {"code"});
    if (message.empty()) message = string_of(j, {"message", "text", "content"});
  }
  // An envelope-style line ({"code":2001,"message":...}) without content is an error too;
  // code 0 is the envelope's success.
  if (!present && member(j, "content") == nullptr && member(j, "type") == nullptr) {
    if (auto c = scalar_of(j, {"code"}); !c.empty() && c != "0") {
      code = std::move(c);
      message = string_of(j, {"message", "msg"});
      present = true;
    }
  }
  if (!present) return std::nullopt;
  agent_item item;
  item.kind = agent_item_kind::error;
  item.upstream_code = int_of(code);
  item.code = std::move(code);
  item.text = std::move(message);
  item.author = string_of(j, {"author"});
  return item;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  const auto first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

agent_item malformed(std::string why) {
  agent_item item;
  item.kind = agent_item_kind::malformed;
  item.text = std::move(why);
  return item;
}

// A strict reader for the one shape a streaming agent sends thousands of times a turn: an ADK
// event whose content holds text parts ({"content":{"parts":[{"text":...}],...},"partial":true,
// "author":...}, any key order, any other keys). It validates the whole payload as JSON (at
// least as strictly as nlohmann) and gives up (nullopt) on anything it does not handle the way
// decode_agent_event_dom does: then the DOM decoder decides. No JSON DOM is built.
class adk_text_reader {
 public:
  explicit adk_text_reader(std::string_view s) : s_(s) {}

  std::optional<std::vector<agent_item>> read() {
    if (!object_start()) return std::nullopt;
    bool have_author = false, have_partial = false, have_content = false;
    std::string author;
    bool partial = false;
    std::vector<std::string> texts;
    for (bool first = true;; first = false) {
      std::string_view key;
      const auto m = member(first, key);
      if (m == step::end) break;
      if (m == step::fail) return std::nullopt;
      if (key == "author") {
        if (std::exchange(have_author, true)) return std::nullopt;  // a duplicate: last wins
        if (peek() == '"') {
          if (!string(&author)) return std::nullopt;
        } else if (!value()) {
          return std::nullopt;
        }
      } else if (key == "partial") {
        if (std::exchange(have_partial, true)) return std::nullopt;
        if (literal("true")) {
          partial = true;
        } else if (!value()) {
          return std::nullopt;
        }
      } else if (key == "content") {
        if (std::exchange(have_content, true)) return std::nullopt;
        if (!content(texts)) return std::nullopt;
      } else if (key == "type" || key == "error" || key == "errorCode" || key == "error_code" ||
                 key == "errorMessage" || key == "error_message") {
        return std::nullopt;  // a typed event or an error: the DOM decoder reads those
      } else if (!value()) {
        return std::nullopt;
      }
    }
    ws();
    if (!have_content || at_ != s_.size()) return std::nullopt;
    std::vector<agent_item> out;
    out.reserve(texts.size());
    for (auto& t : texts) {
      agent_item item;
      item.text = std::move(t);
      item.partial = partial;
      item.author = author;
      out.push_back(std::move(item));
    }
    return out;
  }

 private:
  enum class step { key, end, fail };
  static constexpr int max_depth = 64;

  char peek() {
    ws();
    return at_ < s_.size() ? s_[at_] : '\0';
  }
  void ws() {
    while (at_ < s_.size() &&
           (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r'))
      ++at_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  bool literal(std::string_view word) {
    ws();
    if (s_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }
  bool object_start() { return eat('{'); }

  // The next member's key (unescaped keys only: an escaped one gives up) and the colon; `end`
  // after the closing brace.
  step member(bool first, std::string_view& key) {
    if (first) {
      if (eat('}')) return step::end;
    } else if (!eat(',')) {
      return eat('}') ? step::end : step::fail;
    }
    if (peek() != '"') return step::fail;
    const std::size_t from = ++at_;
    while (at_ < s_.size() && s_[at_] != '"') {
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c == '\\' || c < 0x20 || c >= 0x80) return step::fail;
      ++at_;
    }
    if (at_ >= s_.size()) return step::fail;
    key = s_.substr(from, at_ - from);
    ++at_;
    return eat(':') ? step::key : step::fail;
  }

  // {"parts":[...], ...}: the texts of the parts, in order.
  bool content(std::vector<std::string>& texts) {
    if (peek() != '{') return false;
    ++at_;
    bool have_parts = false;
    for (bool first = true;; first = false) {
      std::string_view key;
      const auto m = member(first, key);
      if (m == step::end) return true;
      if (m == step::fail) return false;
      if (key == "parts") {
        if (std::exchange(have_parts, true)) return false;
        if (!parts(texts)) return false;
      } else if (!value()) {
        return false;
      }
    }
  }

  bool parts(std::vector<std::string>& texts) {
    if (!eat('[')) return false;
    if (eat(']')) return true;
    do {
      if (!part(texts)) return false;
    } while (eat(','));
    return eat(']');
  }

  // {"text": "..."} with any other keys except tool calls; a thought is skipped.
  bool part(std::vector<std::string>& texts) {
    if (peek() != '{') return false;
    ++at_;
    bool have_text = false, have_thought = false, thought = false;
    std::string text;
    for (bool first = true;; first = false) {
      std::string_view key;
      const auto m = member(first, key);
      if (m == step::end) break;
      if (m == step::fail) return false;
      if (key == "text") {
        if (std::exchange(have_text, true)) return false;
        if (peek() == '"') {
          if (!string(&text)) return false;
        } else if (!value()) {
          return false;
        }
      } else if (key == "thought") {
        if (std::exchange(have_thought, true)) return false;
        if (literal("true")) {
          thought = true;
        } else if (!value()) {
          return false;
        }
      } else if (key == "functionCall" || key == "function_call" || key == "functionResponse" ||
                 key == "function_response") {
        return false;
      } else if (!value()) {
        return false;
      }
    }
    if (!thought && !text.empty()) texts.push_back(std::move(text));
    return true;
  }

  // Any JSON value, validated and skipped.
  bool value() {
    switch (peek()) {
      case '"':
        return string(nullptr);
      case '{': {
        if (++depth_ > max_depth) return false;
        ++at_;
        for (bool first = true;; first = false) {
          std::string_view key;
          const auto m = member(first, key);
          if (m == step::end) break;
          if (m == step::fail || !value()) return false;
        }
        --depth_;
        return true;
      }
      case '[':
        if (++depth_ > max_depth) return false;
        ++at_;
        if (!eat(']')) {
          do {
            if (!value()) return false;
          } while (eat(','));
          if (!eat(']')) return false;
        }
        --depth_;
        return true;
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)? and short: an exponent or a long number gives up (nlohmann
  // refuses a number that overflows a double).
  bool number() {
    const std::size_t from = at_;
    auto digit = [&] { return at_ < s_.size() && s_[at_] >= '0' && s_[at_] <= '9'; };
    if (at_ < s_.size() && s_[at_] == '-') ++at_;
    if (!digit()) return false;
    if (s_[at_] == '0') {
      ++at_;
    } else {
      while (digit()) ++at_;
    }
    if (at_ < s_.size() && s_[at_] == '.') {
      ++at_;
      if (!digit()) return false;
      while (digit()) ++at_;
    }
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) return false;
    return at_ - from <= 20;
  }

  static int hex4(std::string_view h) {
    if (h.size() < 4) return -1;
    int v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = h[static_cast<std::size_t>(k)];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return -1;
      }
    }
    return v;
  }

  // A string value, validated; unescaped into `out` when given.
  bool string(std::string* out) {
    if (peek() != '"') return false;
    ++at_;
    for (;;) {
      // The plain run up to the next quote, backslash, control or non-ASCII byte.
      std::size_t run = at_;
      while (run < s_.size()) {
        const auto c = static_cast<unsigned char>(s_[run]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      if (out) out->append(s_.substr(at_, run - at_));
      at_ = run;
      if (at_ >= s_.size()) return false;
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c == '"') {
        ++at_;
        return true;
      }
      if (c < 0x20) return false;
      if (c >= 0x80) {
        const std::size_t n = utf8_sequence_length(s_, at_);
        if (n == 0) return false;
        if (out) out->append(s_.substr(at_, n));
        at_ += n;
        continue;
      }
      // An escape.
      if (at_ + 1 >= s_.size()) return false;
      const char e = s_[at_ + 1];
      at_ += 2;
      char plain = 0;
      switch (e) {
        case '"':
          plain = '"';
          break;
        case '\\':
          plain = '\\';
          break;
        case '/':
          plain = '/';
          break;
        case 'b':
          plain = '\b';
          break;
        case 'f':
          plain = '\f';
          break;
        case 'n':
          plain = '\n';
          break;
        case 'r':
          plain = '\r';
          break;
        case 't':
          plain = '\t';
          break;
        case 'u': {
          const int hi = hex4(s_.substr(at_));
          if (hi < 0) return false;
          at_ += 4;
          char32_t cp = static_cast<char32_t>(hi);
          if (hi >= 0xDC00 && hi <= 0xDFFF) return false;  // a lone low surrogate
          if (hi >= 0xD800 && hi <= 0xDBFF) {
            if (s_.substr(at_, 2) != "\\u") return false;
            const int lo = hex4(s_.substr(at_ + 2));
            if (lo < 0xDC00 || lo > 0xDFFF) return false;
            at_ += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + static_cast<char32_t>(lo - 0xDC00);
          }
          if (out) append_utf8(cp, *out);
          continue;
        }
        default:
          return false;
      }
      if (out) out->push_back(plain);
    }
  }

  std::string_view s_;
  std::size_t at_ = 0;
  int depth_ = 0;
};

}  // namespace

std::optional<std::vector<agent_item>> decode_adk_text_fast(std::string_view payload) {
  return adk_text_reader(trim(payload)).read();
}

std::vector<agent_item> decode_agent_event(std::string_view payload) {
  payload = trim(payload);
  if (!payload.empty()) {
    if (auto fast = adk_text_reader(payload).read()) return std::move(*fast);
  }
  return decode_agent_event_dom(payload);
}

std::vector<agent_item> decode_agent_event_dom(std::string_view payload) {
  std::vector<agent_item> out;
  payload = trim(payload);
  if (payload.empty()) {
    out.push_back(agent_item{.kind = agent_item_kind::heartbeat});
    return out;
  }
  const json j = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    out.push_back(malformed("event data is not valid JSON"));
    return out;
  }
  if (!j.is_object()) {
    out.push_back(malformed("event data is not a JSON object"));
    return out;
  }
  const std::string author = string_of(j, {"author"});
  const bool partial = flag(j, "partial");
  const std::string type = string_of(j, {"type"});

  if (const json* content = member(j, "content"); content != nullptr && content->is_object()) {
    if (const json* parts = member(*content, "parts"))
      decode_adk_parts(*parts, partial, author, out);
  } else if (!type.empty()) {
    decode_simple(j, type, partial, author, out);
  } else if (auto s = string_of(j, {"text", "delta", "content"}); !s.empty()) {
    agent_item item;  // a bare {"text": ...}: lenient, it can only be text
    item.text = std::move(s);
    item.partial = partial;
    item.author = author;
    out.push_back(std::move(item));
  }
  if (auto e = decode_error(j, type == "error")) out.push_back(std::move(*e));
  return out;
}

text_update text_assembler::push(const agent_item& item) {
  text_update u;
  // Heartbeats may fall between two deltas; they must not end the run, or the final event's
  // repeated text would be shown twice.
  if (item.kind == agent_item_kind::heartbeat || item.kind == agent_item_kind::malformed) return u;
  const bool is_text = item.kind == agent_item_kind::text;
  if (is_text && item.partial) {
    pending_ += item.text;
    open_ = true;
    u.delta = item.text;
    return u;
  }
  if (!open_) {
    if (is_text) {
      u.delta = item.text;
      u.final_text = item.text;
      u.restated = true;
    }
    return u;
  }
  // A run of partials ends here, by its final event or by anything else.
  open_ = false;
  std::string shown = std::move(pending_);
  pending_.clear();
  if (!is_text || item.text.empty() || item.text == shown) {
    u.final_text = std::move(shown);
  } else if (item.text.starts_with(shown)) {
    // The final event knows more than the deltas told (a lost delta): show only the rest.
    u.delta = item.text.substr(shown.size());
    u.final_text = item.text;
  } else {
    u.final_text = item.text;
    u.restated = true;
  }
  return u;
}

std::optional<std::string> text_assembler::finish() {
  if (!open_) return std::nullopt;
  open_ = false;
  std::string shown = std::move(pending_);
  pending_.clear();
  return shown;
}

}  // namespace reel::core
