#include "cli/turn_view.hpp"

#include <cmath>

namespace reel::cli {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// "45 s", "2 min", "2 min 30 s".
std::string duration_text(double seconds) {
  const auto s = static_cast<long>(std::lround(seconds));
  if (s < 60) return std::to_string(s) + " s";
  const auto m = s / 60, r = s % 60;
  return std::to_string(m) + " min" + (r ? " " + std::to_string(r) + " s" : "");
}

}  // namespace

turn_view::turn_view(std::ostream& out, std::ostream& err, std::string turn)
    : out_(out), err_(err), turn_(std::move(turn)) {}

bool turn_view::feed(const nlohmann::json& event) {
  if (ended_ || !event.is_object() || event.value("type", "") != "event") return ended_;
  const auto& data = event.contains("data") ? event["data"] : nlohmann::json();
  const std::string name = event.value("event", "");
  const std::string turn = str(data, "turn");
  if (turn.empty()) return false;
  if (turn_.empty() && name == "chat.started") turn_ = turn;
  if (turn != turn_) return false;

  if (name == "chat.started") {
    route_ = str(data, "route");
  } else if (name == "chat.text") {
    if (data.value("final", false))
      final_text(str(data, "text"));
    else
      text_piece(str(data, "text"));
  } else if (name == "chat.tool") {
    side_line("· " + str(data, "name"));
  } else if (name == "chat.working") {
    const double s = data.contains("elapsed_s") && data["elapsed_s"].is_number()
                         ? data["elapsed_s"].get<double>()
                         : 0.0;
    side_line("… still working (" + duration_text(s) + ")");
  } else if (name == "timeline.changed") {
    change_sentence_ = str(data, "sentence");
    if (auto s = str(data, "summary"); !s.empty()) summary_ = s;
  } else if (name == "chat.done" || name == "chat.error") {
    if (auto s = str(data, "summary"); !s.empty()) summary_ = s;
    if (name == "chat.error") error_ = data.value("error", nlohmann::json::object());
    if (line_open_) {
      out_ << '\n';
      line_open_ = false;
    }
    out_ << std::flush;
    ended_ = true;
  }
  return ended_;
}

void turn_view::text_piece(const std::string& text) {
  if (text.empty()) return;
  out_ << text << std::flush;
  streamed_ += text;
  line_open_ = text.back() != '\n';
}

void turn_view::final_text(const std::string& text) {
  final_ = text;
  // The final text replaces what was streamed; a terminal cannot take text back, so only the
  // part not shown yet is written, or the whole text again when a translation or the agent's
  // final event changed it (core::turn_text streams what the final text will say otherwise).
  if (text == streamed_) return;
  if (text.starts_with(streamed_)) {
    text_piece(text.substr(streamed_.size()));
    return;
  }
  if (line_open_) out_ << '\n';
  line_open_ = false;
  text_piece(text);
}

void turn_view::side_line(const std::string& line) {
  out_ << std::flush;
  err_ << (line_open_ ? "\n  " : "  ") << line << '\n' << std::flush;
  line_open_ = false;
}

void turn_view::finish(const std::optional<std::string>& summary) {
  if (line_open_) out_ << '\n';
  line_open_ = false;
  if (!change_sentence_.empty() && final_ != change_sentence_)
    out_ << "Changed: " << change_sentence_ << '\n';
  if (summary)
    out_ << *summary << '\n';
  else if (summary_)
    out_ << *summary_ << '\n';
  out_ << std::flush;
}

}  // namespace reel::cli
