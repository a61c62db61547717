#include "core/agent_event.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

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

}  // namespace

std::vector<agent_item> decode_agent_event(std::string_view payload) {
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
