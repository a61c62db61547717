#include "core/ws_protocol.hpp"

#include <array>
#include <cstdio>

namespace reel::core {
namespace {

constexpr std::array<std::pair<std::string_view, ws_op>, 10> ops{{
    {"auth", ws_op::auth},
    {"subscribe", ws_op::subscribe},
    {"unsubscribe", ws_op::unsubscribe},
    {"ping", ws_op::ping},
    {"publish", ws_op::publish},
    {"send", ws_op::send},
    {"state", ws_op::state},
    {"render", ws_op::render},
    {"cancel", ws_op::cancel},
    {"credits", ws_op::credits},
}};

error bad(std::string message) {
  return make_error(errc::bad_request, std::move(message));
}

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c);
}

// A session id (proto SessionTopic): [A-Za-z0-9_-]{1,64}.
bool session_id_ok(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '_' && c != '-') return false;
  return true;
}

// An app topic's name (proto AppTopic): [A-Za-z0-9][A-Za-z0-9._-]{0,63}.
bool app_name_ok(std::string_view s) {
  if (s.empty() || s.size() > 64 || !is_alnum(s.front())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

// An event name (proto EventNamePattern): [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*, at most 64.
bool event_name_ok(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  bool segment_start = true;
  for (char c : s) {
    if (segment_start) {
      if (!is_lower(c)) return false;
      segment_start = false;
    } else if (c == '.') {
      segment_start = true;
    } else if (!is_lower(c) && !is_digit(c) && c != '_') {
      return false;
    }
  }
  return !segment_start;
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

}  // namespace

result<ws_request> parse_ws_request(std::string_view text, nlohmann::json& id_out) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad("the message is not valid JSON");
  if (!j.is_object()) return bad("the message must be a JSON object");
  ws_request r;
  if (auto it = j.find("id"); it != j.end()) {
    if (!it->is_number_integer() && !it->is_string())
      return bad("\"id\" must be an integer or a string");
    r.id = *it;
    id_out = *it;
  }
  auto op_it = j.find("op");
  if (op_it == j.end() || !op_it->is_string()) return bad("the message needs an \"op\"");
  const auto op_name = op_it->get<std::string>();
  bool known = false;
  for (const auto& [name, op] : ops) {
    if (name == op_name) {
      r.op = op;
      known = true;
    }
  }
  if (!known) return bad("unknown op \"" + op_name + "\"");
  if (r.op != ws_op::auth && r.id.is_null()) return bad("op \"" + op_name + "\" needs an \"id\"");

  auto string_field = [&](const char* name, std::string& out, bool required) -> bool {
    auto it = j.find(name);
    if (it == j.end()) return !required;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  switch (r.op) {
    case ws_op::auth:
      if (!string_field("key", r.key, true)) return bad("auth needs a string \"key\"");
      break;
    case ws_op::subscribe:
    case ws_op::unsubscribe:
    case ws_op::publish:
      if (!string_field("topic", r.topic, true) || !valid_topic(r.topic))
        return bad(
            "\"topic\" must be session:<id> (id: 1-64 of A-Z a-z 0-9 _ -), renders, status, * or "
            "app:<name> (name: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)");
      if (auto it = j.find("since"); it != j.end() && r.op == ws_op::subscribe) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
          return bad("\"since\" must be an integer >= 0");
        r.since = it->get<std::int64_t>();
      }
      if (r.op == ws_op::publish) {
        if (!string_field("event", r.event, true) || !event_name_ok(r.event))
          return bad(
              "publish needs an \"event\" name of at most 64 characters: dot-separated parts of "
              "a-z 0-9 _, each starting with a letter (e.g. cursor.moved)");
        if (auto it = j.find("data"); it != j.end()) {
          if (!it->is_object()) return bad("publish \"data\" must be a JSON object");
          r.data = *it;
        }
      }
      break;
    default:
      break;
  }
  r.body = std::move(j);
  return r;
}

bool valid_topic(std::string_view topic) noexcept {
  if (topic == "renders" || topic == "status" || topic == "*") return true;
  constexpr std::string_view session = "session:", app = "app:";
  if (topic.starts_with(session)) return session_id_ok(topic.substr(session.size()));
  if (topic.starts_with(app)) return app_name_ok(topic.substr(app.size()));
  return false;
}

bool publishable_topic(std::string_view topic) noexcept {
  return topic.substr(0, 4) == "app:" && valid_topic(topic);
}

std::string ws_hello(std::string_view server) {
  return nlohmann::json{{"type", "hello"}, {"version", 1}, {"server", server}}.dump();
}

std::string ws_result_ok(const nlohmann::json& id, const nlohmann::json& data) {
  nlohmann::json j{{"type", "result"}, {"id", id}, {"ok", true}};
  if (!data.is_null()) j["data"] = data;
  return j.dump();
}

std::string ws_result_error(const nlohmann::json& id, const error& e) {
  return nlohmann::json{
      {"type", "result"}, {"id", id}, {"ok", false}, {"error", to_json(e)["error"]}}
      .dump();
}

std::string ws_event_frame(const event_record& e) {
  // Written by hand around the stored data text so the payload is never parsed again.
  std::string out;
  out.reserve(e.data.size() + e.topic.size() + e.name.size() + 96);
  out += R"({"type":"event","topic":)";
  out += nlohmann::json(e.topic).dump();
  out += R"(,"seq":)";
  out += std::to_string(e.seq);
  out += R"(,"event":)";
  out += nlohmann::json(e.name).dump();
  out += R"(,"data":)";
  out += e.data.empty() ? "null" : e.data;
  out += R"(,"ts":")";
  out += rfc3339_ms(e.ts_ms);
  out += "\"}";
  return out;
}

std::string rfc3339_ms(std::int64_t unix_ms) {
  std::int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  auto ms = static_cast<int>(unix_ms - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  auto rem = static_cast<int>(secs - days * 86400);
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d, rem / 3600,
                (rem / 60) % 60, rem % 60, ms);
  return buf;
}

}  // namespace reel::core
