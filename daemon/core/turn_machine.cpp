#include "core/turn_machine.hpp"

#include "core/draft.hpp"
#include "core/timeline_diff.hpp"
#include "core/upstream_errors.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core {
namespace {

// Said on every turn that ends early: the user must know the message is not repeated behind
// their back, and where to look for what happened.
constexpr std::string_view not_resent =
    " The message was not sent again, so nothing is done twice; the timeline shows what the "
    "agent did.";

error default_item_error(const agent_item& it) {
  if (it.upstream_code) return map_upstream_code(*it.upstream_code);
  // The upstream's own words are not echoed (they might carry anything); the code is kept.
  auto e = make_error(errc::upstream_error, "The agent reported an error and stopped.");
  if (!it.code.empty()) e.hint = "upstream error code " + it.code.substr(0, 32);
  return e;
}

// Failures that mean "the stream did not finish", as opposed to a refusal with its own meaning.
bool broke_off(errc c) {
  return c == errc::upstream_unavailable || c == errc::upstream_error || c == errc::timeout ||
         c == errc::cancelled || c == errc::internal;
}

std::string minutes(std::int64_t ms) {
  const auto m = ms / 60'000;
  if (m >= 1 && ms % 60'000 == 0) return std::to_string(m) + (m == 1 ? " minute" : " minutes");
  return std::to_string((ms + 999) / 1000) + " seconds";
}

draft draft_or_empty(const nlohmann::json& j) {
  if (j.is_object()) {
    if (auto d = draft::from_json(j)) return *d;
  }
  return *draft::from_json(nlohmann::json::object());
}

}  // namespace

turn_machine::turn_machine(std::string turn_id, std::string text, turn_limits limits,
                           item_error_mapper map_error)
    : turn_(std::move(turn_id)),
      text_(std::move(text)),
      limits_(limits),
      map_error_(map_error ? std::move(map_error) : item_error_mapper(default_item_error)) {}

nlohmann::json turn_machine::base(nlohmann::json extra) const {
  nlohmann::json d{{"turn", turn_}};
  d.update(extra);
  return d;
}

void turn_machine::emit(turn_actions& a, std::string name, nlohmann::json extra) {
  a.events.push_back({std::move(name), base(std::move(extra))});
}

void turn_machine::emit_text(turn_actions& a, const std::string& delta) {
  if (delta.empty()) return;
  emit(a, "chat.text", {{"text", delta}, {"final", false}});
  last_output_at_ = now_;
}

double turn_machine::elapsed_s(std::int64_t now) const {
  return std::round(static_cast<double>(now - started_at_) / 100.0) / 10.0;
}

std::optional<std::int64_t> turn_machine::next_timer() const {
  if (phase_ != phase::streaming) return std::nullopt;
  return std::min({last_output_at_ + limits_.working_interval_ms,
                   last_progress_at_ + limits_.stall_ms, started_at_ + limits_.limit_ms});
}

turn_actions turn_machine::started(std::int64_t now) {
  turn_actions a;
  if (phase_ != phase::created) return a;
  phase_ = phase::streaming;
  now_ = started_at_ = last_output_at_ = last_progress_at_ = now;
  emit(a, "chat.started", {{"route", "chat"}, {"text", text_}});
  a.timer_at = next_timer();
  return a;
}

void turn_machine::baseline(std::optional<nlohmann::json> draft) {
  before_ = std::move(draft);
  have_baseline_ = before_.has_value();
}

turn_actions turn_machine::item(const agent_item& it, std::int64_t now) {
  if (it.kind == agent_item_kind::heartbeat) return heartbeat(now);
  turn_actions a;
  if (phase_ != phase::streaming) return a;
  now_ = now;
  if (it.kind != agent_item_kind::malformed) last_progress_at_ = now;
  emit_text(a, said_.push(it));
  switch (it.kind) {
    case agent_item_kind::text:
      progressed_ = true;
      break;
    case agent_item_kind::tool_call:
      progressed_ = called_tools_ = true;
      emit(a, "chat.tool", {{"name", it.name}});
      last_output_at_ = now;
      break;
    case agent_item_kind::error:
      if (!item_error_) item_error_ = map_error_(it);
      break;
    default:
      break;
  }
  a.timer_at = next_timer();
  return a;
}

turn_actions turn_machine::heartbeat(std::int64_t now) {
  turn_actions a;
  if (phase_ != phase::streaming) return a;
  now_ = now;  // alive, but not progress: the stall clock keeps running
  a.timer_at = next_timer();
  return a;
}

turn_actions turn_machine::stream_end(std::int64_t now) {
  turn_actions a;
  if (phase_ != phase::streaming) return a;
  now_ = now;
  finish_stream(a, item_error_, false);
  return a;
}

turn_actions turn_machine::stream_error(error e, std::int64_t now) {
  turn_actions a;
  if (phase_ != phase::streaming) return a;
  now_ = now;
  // An error event in the stream says what went wrong; the backend's failure that follows it is
  // often only "the stream ended". Keep the event's error unless the backend says the same code
  // (it may know more, such as the registration link).
  if (item_error_ && item_error_->code != e.code) e = *item_error_;
  if (broke_off(e.code)) e.message += not_resent;
  finish_stream(a, std::move(e), false);
  return a;
}

turn_actions turn_machine::timer(std::int64_t now) {
  turn_actions a;
  if (phase_ != phase::streaming) return a;
  now_ = now;
  if (now >= started_at_ + limits_.limit_ms) {
    auto e = make_error(errc::timeout, "The turn reached its limit of " +
                                           minutes(limits_.limit_ms) + " and was stopped.");
    e.message += not_resent;
    finish_stream(a, std::move(e), true);
    return a;
  }
  if (now >= last_progress_at_ + limits_.stall_ms) {
    auto e =
        make_error(errc::timeout, "The agent sent nothing but keep-alives for " +
                                      minutes(limits_.stall_ms) + ", so the turn was given up.");
    e.message += not_resent;
    finish_stream(a, std::move(e), true);
    return a;
  }
  if (now >= last_output_at_ + limits_.working_interval_ms) {
    emit(a, "chat.working", {{"elapsed_s", elapsed_s(now)}, {"message", "still working"}});
    last_output_at_ = now;
  }
  a.timer_at = next_timer();
  return a;
}

void turn_machine::finish_stream(turn_actions& a, std::optional<error> e, bool stop) {
  emit_text(a, said_.flush());
  failure_ = std::move(e);
  a.stop_stream = stop;
  auto offers = said_.final_translation().actions;
  const bool offers_timeline = std::any_of(offers.begin(), offers.end(), [](gui_action x) {
    return x == gui_action::show_summary || x == gui_action::state;
  });
  if (said_.empty() || called_tools_ || failure_ || offers_timeline) {
    phase_ = phase::fetching;
    a.fetch_state = true;
    return;
  }
  conclude(a, nullptr);
}

turn_actions turn_machine::state_fetched(result<nlohmann::json> state, std::int64_t now) {
  turn_actions a;
  if (phase_ != phase::fetching) return a;
  now_ = now;
  conclude(a, &state);
  return a;
}

void turn_machine::conclude(turn_actions& a, const result<nlohmann::json>* state) {
  std::optional<timeline_diff> diff;
  std::optional<std::string> summary;
  if (state && *state) {
    const auto& s = **state;
    if (s.contains("summary") && s["summary"].is_string())
      summary = s["summary"].get<std::string>();
    if (have_baseline_) {
      const nlohmann::json none;
      diff = diff_timelines(draft_or_empty(*before_), draft_or_empty(s.value("draft", none)));
    }
  }
  const bool changed = diff && !diff->empty();
  if (changed) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : diff->changes)
      changes.push_back({{"kind", to_string(c.kind)}, {"text", c.text}});
    emit(a, "timeline.changed",
         {{"summary", summary ? nlohmann::json(*summary) : nlohmann::json(nullptr)},
          {"changes", std::move(changes)},
          {"sentence", diff->sentence}});
  }

  if (!said_.empty()) {
    auto tr = said_.final_translation();
    nlohmann::json actions = nlohmann::json::array();
    for (auto x : tr.actions) actions.push_back(to_string(x));
    emit(a, "chat.text", {{"text", tr.text}, {"final", true}, {"actions", std::move(actions)}});
  } else {
    // A silent turn: the change is the answer.
    std::string text;
    if (changed) {
      text = diff->sentence;
    } else if (!failure_) {
      if (state && !*state)
        text = "The agent finished without a reply, and the timeline could not be read: " +
               state->error().message;
      else if (diff)
        text = "The agent finished without a reply, and the timeline did not change.";
      else
        text = "The agent finished without a reply. " + summary.value_or("");
    }
    if (!text.empty())
      emit(a, "chat.text",
           {{"text", text},
            {"final", true},
            {"actions", nlohmann::json::array()},
            {"generated", true}});
  }

  nlohmann::json end{{"elapsed_s", elapsed_s(now_)}, {"changed", changed}};
  if (summary) end["summary"] = *summary;
  if (failure_) {
    end["error"] = to_json(*failure_)["error"];
    emit(a, "chat.error", std::move(end));
  } else {
    emit(a, "chat.done", std::move(end));
  }
  phase_ = phase::done;
  a.done = true;
}

bool turn_machine::may_retry() const noexcept {
  return phase_ == phase::streaming && !progressed_;
}

void turn_machine::restart_stream() {
  item_error_.reset();
  // The replacement session starts with an empty timeline.
  before_ = nlohmann::json(nullptr);
  have_baseline_ = true;
}

}  // namespace reel::core
