#include "fake_nemo/turn_script.hpp"

#include <algorithm>
#include <map>

namespace reel::fake_nemo {
namespace {

using nlohmann::json;

turn_step step(turn_step::kind k, std::string text = {}) {
  turn_step s;
  s.what = k;
  s.text = std::move(text);
  return s;
}

json envelope(adk_context& ctx, json fields) {
  fields["author"] = ctx.author;
  fields["invocationId"] = ctx.invocation_id;
  fields["id"] = "evt-" + ctx.invocation_id + "-" + std::to_string(ctx.next_event++);
  fields["timestamp"] = ctx.timestamp;
  ctx.timestamp += 0.05;
  return fields;
}

json content(json part, const char* role) {
  return json{{"parts", json::array({std::move(part)})}, {"role", role}};
}

// Splits `text` into `pieces` fragments on UTF-8 character boundaries.
std::vector<std::string> split_text(const std::string& text, int pieces) {
  std::vector<std::string> out;
  pieces = std::max(1, pieces);
  const auto step_size = std::max<std::size_t>(1, text.size() / static_cast<std::size_t>(pieces));
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = std::min(text.size(), at + step_size);
    if (static_cast<int>(out.size()) + 1 == pieces) end = text.size();
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

}  // namespace

turn_script& turn_script::say(std::string text, int pieces) {
  for (auto& piece : split_text(text, pieces)) partial(std::move(piece));
  return final_text(std::move(text));
}

turn_script& turn_script::partial(std::string text) {
  steps_.push_back(step(turn_step::kind::partial, std::move(text)));
  return *this;
}

turn_script& turn_script::final_text(std::string text) {
  steps_.push_back(step(turn_step::kind::text, std::move(text)));
  return *this;
}

turn_script& turn_script::call(std::string name, json args) {
  auto s = step(turn_step::kind::call, std::move(name));
  s.json = std::move(args);
  steps_.push_back(std::move(s));
  return *this;
}

turn_script& turn_script::respond(std::string name, json response) {
  auto s = step(turn_step::kind::response, std::move(name));
  s.json = std::move(response);
  steps_.push_back(std::move(s));
  return *this;
}

turn_script& turn_script::comment(std::string text) {
  steps_.push_back(step(turn_step::kind::comment, std::move(text)));
  return *this;
}

turn_script& turn_script::empty_data() {
  steps_.push_back(step(turn_step::kind::empty_data));
  return *this;
}

turn_script& turn_script::error(std::string code, std::string message) {
  auto s = step(turn_step::kind::error, std::move(code));
  s.message = std::move(message);
  steps_.push_back(std::move(s));
  return *this;
}

turn_script& turn_script::raw(std::string bytes) {
  steps_.push_back(step(turn_step::kind::raw, std::move(bytes)));
  return *this;
}

turn_script& turn_script::pause(std::chrono::milliseconds ms) {
  auto s = step(turn_step::kind::pause);
  s.pause = ms;
  steps_.push_back(std::move(s));
  return *this;
}

turn_script& turn_script::drop() {
  steps_.push_back(step(turn_step::kind::drop));
  return *this;
}

turn_script& turn_script::edit(std::string command) {
  edits_.push_back(std::move(command));
  return *this;
}

turn_script& turn_script::ignore_message() {
  applies_message_ = false;
  return *this;
}

turn_script turn_script::silent() {
  turn_script s;
  s.comment().empty_data();
  return s;
}

std::vector<sse_frame> to_frames(const turn_script& script, adk_context& ctx) {
  std::vector<sse_frame> out;
  std::map<std::string, std::string> call_ids;  // latest call id per tool name
  auto event = [&](json fields) {
    out.push_back(sse_frame{sse_frame::kind::event, envelope(ctx, std::move(fields)).dump(), {}});
  };
  for (const auto& s : script.steps()) {
    switch (s.what) {
      case turn_step::kind::partial:
        event({{"content", content({{"text", s.text}}, "model")}, {"partial", true}});
        break;
      case turn_step::kind::text:
        event({{"content", content({{"text", s.text}}, "model")},
               {"actions", {{"stateDelta", json::object()}, {"artifactDelta", json::object()}}}});
        break;
      case turn_step::kind::call: {
        auto id = "adk-call-" + ctx.invocation_id + "-" + std::to_string(ctx.next_call++);
        call_ids[s.text] = id;
        event({{"content",
                content({{"functionCall", {{"id", id}, {"name", s.text}, {"args", s.json}}}},
                        "model")},
               {"longRunningToolIds", json::array()}});
        break;
      }
      case turn_step::kind::response: {
        const auto it = call_ids.find(s.text);
        const auto id = it == call_ids.end() ? "adk-call-unmatched" : it->second;
        event({{"content", content({{"functionResponse",
                                     {{"id", id}, {"name", s.text}, {"response", s.json}}}},
                                   "user")}});
        break;
      }
      case turn_step::kind::error:
        event({{"errorCode", s.text}, {"errorMessage", s.message}});
        break;
      case turn_step::kind::comment:
        out.push_back(sse_frame{sse_frame::kind::comment, s.text, {}});
        break;
      case turn_step::kind::empty_data:
        out.push_back(sse_frame{sse_frame::kind::empty_data, {}, {}});
        break;
      case turn_step::kind::raw:
        out.push_back(sse_frame{sse_frame::kind::raw, s.text, {}});
        break;
      case turn_step::kind::pause:
        out.push_back(sse_frame{sse_frame::kind::pause, {}, s.pause});
        break;
      case turn_step::kind::drop:
        out.push_back(sse_frame{sse_frame::kind::drop, {}, {}});
        break;
    }
  }
  return out;
}

turn_script unscripted_turn(const std::string& reply, const json& operations, bool silent,
                            bool heartbeats) {
  turn_script s;
  if (heartbeats || silent) s.comment().empty_data();
  if (silent) return s;
  const auto pieces = split_text(reply, 3);
  if (!pieces.empty()) s.partial(pieces.front());
  if (!operations.empty()) {
    s.call("update_draft", {{"operations", operations}});
    if (heartbeats) s.comment("still working");
    s.respond("update_draft", {{"status", "ok"}, {"applied", operations.size()}});
  }
  for (std::size_t i = 1; i < pieces.size(); ++i) s.partial(pieces[i]);
  return s.final_text(reply);
}

}  // namespace reel::fake_nemo
