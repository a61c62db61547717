#include "service/turn_service.hpp"

#include "core/intent_router.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cmath>
#include <limits>

namespace reel::service {
namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};
constexpr std::size_t max_message_bytes = 20'000;
constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();
// At most one chat.text delta per this interval while text keeps coming: what arrives meanwhile
// waits (no longer than this) and goes out as one. Text after a quiet interval goes at once.
constexpr auto text_interval = std::chrono::microseconds(1000);

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now().time_since_epoch())
      .count();
}

clock::time_point at_ms(std::int64_t ms) {
  return clock::time_point(std::chrono::milliseconds(ms));
}

std::string topic_of(const std::string& session_id) {
  return "session:" + session_id;
}

double seconds_since(std::int64_t start_ms) {
  return std::round(static_cast<double>(steady_ms() - start_ms) / 100.0) / 10.0;
}

std::string describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

// One chat turn: the machine, its timer (also the driver's wake-up), and the switch that stops
// the backend's stream.
struct turn_service::chat_run : std::enable_shared_from_this<chat_run> {
  chat_run(asio::any_io_executor ex, std::string id, store::session_row r, std::string msg,
           core::turn_limits limits, std::shared_ptr<bool> live)
      : turn(std::move(id)),
        row(std::move(r)),
        text(std::move(msg)),
        machine(turn, text, limits),
        timer(ex),
        text_timer(ex),
        alive(std::move(live)) {}

  std::string turn;
  store::session_row row;
  std::string text;
  core::turn_machine machine;
  asio::steady_timer timer;
  asio::cancellation_signal stop;
  std::optional<std::int64_t> timer_at;  // what the machine asked for
  std::int64_t armed_at = never;         // what the driver waits for now
  bool fetch_wanted = false;
  bool backend_running = false;
  std::optional<core::agent_item> joined;  // partial text of this batch of items (see on_item)
  bool join_posted = false;
  std::string pending_text;       // chat.text pieces not published yet (see apply)
  asio::steady_timer text_timer;  // publishes pending_text when it has waited long enough
  bool flush_armed = false;
  clock::time_point text_sent{};  // when the last chat.text delta went out
  std::shared_ptr<bool> alive;
};

namespace {

// The backend's item callback: a plain callable (not a coroutine) that keeps the turn alive.
struct item_sink {
  turn_service* self;
  std::shared_ptr<turn_service::chat_run> t;
  void (turn_service::*fn)(turn_service::chat_run&, const core::agent_item&);
  void operator()(const core::agent_item& it) const {
    if (*t->alive) (self->*fn)(*t, it);
  }
};

}  // namespace

turn_service::turn_service(asio::any_io_executor ex, session_service& sessions, hub& events,
                           core::metrics& metrics,
                           std::function<std::string(std::string_view)> new_id, options opts)
    : ex_(std::move(ex)),
      sessions_(sessions),
      hub_(events),
      metrics_(metrics),
      new_id_(std::move(new_id)),
      opts_(std::move(opts)),
      alive_(std::make_shared<bool>(true)) {
  metrics_.describe("reel_chat_turns_total", "counter",
                    "Turns of user messages by route and outcome (done, error).");
  metrics_.describe("reel_chat_turns_active", "gauge", "Turns running now.");
}

turn_service::~turn_service() {
  *alive_ = false;
  for (auto& [_, t] : running_) {
    t->timer.cancel();
    t->text_timer.cancel();
    if (t->backend_running) t->stop.emit(asio::cancellation_type::terminal);
  }
}

std::optional<std::string> turn_service::running(const std::string& session_id) const {
  auto it = running_.find(session_id);
  if (it == running_.end()) return std::nullopt;
  return it->second->turn;
}

core::result<turn_service::accepted> turn_service::send(const std::string& session_id,
                                                        std::string text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return core::make_error(core::errc::bad_request, "the message is empty");
  if (text.size() > max_message_bytes)
    return core::make_error(core::errc::bad_request, "the message is longer than " +
                                                         std::to_string(max_message_bytes) +
                                                         " bytes; send long scripts as a file");
  auto row = sessions_.find(session_id);
  if (!row) return core::make_error(core::errc::not_found, "no session " + session_id);
  const auto route = core::route_message(text);
  // Exporting a draft the agent is still editing would render half an edit.
  if (route == core::intent::chat || route == core::intent::export_video) {
    if (auto busy = running(session_id)) {
      return core::make_error(core::errc::conflict,
                              "turn " + *busy + " is still running in session " + session_id +
                                  "; the message was not queued: send it again after chat.done "
                                  "or chat.error");
    }
  }
  if (route == core::intent::chat) return start_chat(*row, std::move(text));
  return start_direct(*row, route, std::move(text));
}

void turn_service::publish(const std::string& session_id, const std::string& name,
                           nlohmann::json data) {
  hub_.publish(topic_of(session_id), name, data);
}

void turn_service::finished(const std::string& outcome) {
  --active_;
  metrics_.gauge("reel_chat_turns_active") = static_cast<double>(active_);
  metrics_.counter("reel_chat_turns_total", {{"outcome", outcome}}) += 1;
}

// ---- chat turns

core::result<turn_service::accepted> turn_service::start_chat(const store::session_row& row,
                                                              std::string text) {
  if (!sessions_.backend_of(row))
    return core::make_error(core::errc::internal,
                            "the session's backend \"" + row.backend + "\" is not available");
  auto t =
      std::make_shared<chat_run>(ex_, new_id_("t_"), row, std::move(text), opts_.limits, alive_);
  running_[row.id] = t;
  ++active_;
  metrics_.gauge("reel_chat_turns_active") = static_cast<double>(active_);
  asio::co_spawn(ex_, drive_chat(this, t), [this, t](std::exception_ptr e) {
    // A failing driver must still end the turn for its clients, or they would wait forever.
    if (!e || !*t->alive) return;
    spdlog::error("chat turn {} failed: {}", t->turn, describe(e));
    if (!t->machine.done()) {
      publish(
          t->row.id, "chat.error",
          {{"turn", t->turn},
           {"error", core::to_json(core::make_error(
                         core::errc::internal, "internal error; see the daemon's log"))["error"]}});
      if (t->backend_running) t->stop.emit(asio::cancellation_type::terminal);
    }
    if (auto it = running_.find(t->row.id); it != running_.end() && it->second == t)
      running_.erase(it);
    finished("error");
  });
  return accepted{"chat", t->turn};
}

asio::awaitable<void> turn_service::drive_chat(turn_service* self, std::shared_ptr<chat_run> t) {
  // Start on a later turn of the loop, so the caller's answer (the 202, the ws result) goes out
  // before chat.started.
  co_await asio::post(self->ex_, asio::use_awaitable);
  if (!*t->alive) co_return;
  auto& m = t->machine;
  const std::string session_id = t->row.id;
  self->apply(*t, m.started(steady_ms()));

  // The timeline before the turn, to tell what changed. A session the cloud lost is replaced
  // here, before the message is sent.
  auto before = co_await self->sessions_.state(session_id);
  if (!*t->alive) co_return;
  if (before) {
    m.baseline(before->contains("draft") ? (*before)["draft"] : nlohmann::json());
  } else {
    spdlog::warn("turn {}: the state before the turn could not be read: {}", t->turn,
                 before.error().message);
  }
  if (auto fresh = self->sessions_.find(session_id)) t->row = *fresh;

  t->backend_running = true;
  asio::co_spawn(self->ex_, run_backend_chat(self, t),
                 asio::bind_cancellation_slot(t->stop.slot(), [self, t](std::exception_ptr e) {
                   // Stopped on our request (limit, stall) or failed: the turn decides.
                   if (!e || !*t->alive) return;
                   t->backend_running = false;
                   self->on_backend_done(
                       *t, core::make_error(core::errc::cancelled,
                                            "The agent's stream was stopped: " + describe(e)));
                 }));

  while (!m.done()) {
    if (t->fetch_wanted) {
      t->fetch_wanted = false;
      auto st = co_await self->sessions_.state(session_id);
      if (!*t->alive) co_return;
      self->apply(*t, m.state_fetched(std::move(st), steady_ms()));
      continue;
    }
    t->armed_at = t->timer_at.value_or(never);
    t->timer.expires_at(t->timer_at ? at_ms(*t->timer_at) : clock::time_point::max());
    co_await t->timer.async_wait(use_tuple);
    if (!*t->alive) co_return;
    t->armed_at = never;
    const auto now = steady_ms();
    if (t->timer_at && now >= *t->timer_at) self->apply(*t, m.timer(now));
  }

  self->finished(m.failure() ? "error" : "done");
}

asio::awaitable<void> turn_service::run_backend_chat(turn_service* self,
                                                     std::shared_ptr<chat_run> t) {
  backend* b = self->sessions_.backend_of(t->row);
  if (!b) {
    t->backend_running = false;
    self->on_backend_done(
        *t, core::make_error(core::errc::internal, "the session's backend is not available"));
    co_return;
  }
  item_sink sink{self, t, &turn_service::on_item};
  auto r = co_await b->chat(t->row, t->text, sink);
  if (!*t->alive) co_return;
  // The cloud refused the message because it lost the session: nothing was done, so the one
  // retry the contract asks for cannot do anything twice.
  if (!r && r.error().code == core::errc::session_lost && t->machine.may_retry()) {
    auto fresh = co_await self->sessions_.replace_lost(t->row);
    if (!*t->alive) co_return;
    if (fresh) {
      t->row = *fresh;
      t->machine.restart_stream();
      r = co_await b->chat(t->row, t->text, sink);
      if (!*t->alive) co_return;
    } else {
      r = fresh.error();
    }
  }
  t->backend_running = false;
  // The last text goes out before the end of the turn is worked out (the final translation of
  // the whole text, the store): the subscribers' writers, woken by this publish, start writing
  // two turns of the loop later (ws_session::writer yields once after its wake-up).
  self->take_joined(*t);
  self->flush_text(*t);
  for (int i = 0; i < 2; ++i) {
    co_await asio::post(self->ex_, asio::use_awaitable);
    if (!*t->alive) co_return;
  }
  self->on_backend_done(*t, std::move(r));
}

void turn_service::on_item(chat_run& t, const core::agent_item& it) {
  if (t.machine.done()) return;
  // The backend hands over the items of one read of the stream one after the other, within one
  // turn of the loop. Pieces of partial text in a row (same author) are joined and go to the
  // turn once, on the next turn of the loop or before the next other item: a fast stream then
  // costs one sentence cut, one GUI translation and one chat.text per read instead of per
  // piece. The joined text is the pieces one after the other, all the turn does with them.
  if (it.kind == core::agent_item_kind::text && it.partial) {
    if (t.joined && t.joined->author == it.author) {
      t.joined->text += it.text;
      return;
    }
    take_joined(t);
    t.joined = it;
    if (!t.join_posted) {
      t.join_posted = true;
      asio::post(ex_, [this, run = t.shared_from_this()] {
        run->join_posted = false;
        if (*run->alive) take_joined(*run);
      });
    }
    return;
  }
  take_joined(t);
  if (t.machine.done()) return;
  apply(t, t.machine.item(it, steady_ms()));
}

void turn_service::take_joined(chat_run& t) {
  if (!t.joined) return;
  core::agent_item item = std::move(*t.joined);
  t.joined.reset();
  if (t.machine.done()) return;
  apply(t, t.machine.item(item, steady_ms()));
}

void turn_service::on_backend_done(chat_run& t, core::result<void> r) {
  // The text that waits to be joined goes out now: the end of the turn (the final translation of
  // the whole text) must not hold it back.
  take_joined(t);
  flush_text(t);
  const auto now = steady_ms();
  if (r)
    apply(t, t.machine.stream_end(now));
  else
    apply(t, t.machine.stream_error(r.error(), now));
}

void turn_service::apply(chat_run& t, core::turn_actions a) {
  for (auto& e : a.events) {
    // Pieces of text that arrive close together go out as one chat.text: every client then gets
    // one frame instead of hundreds, which is what keeps a fast stream's latency low with many
    // subscribers. Text goes at once when no delta went out for a text_interval, else it waits
    // for the interval to pass, joined with what comes meanwhile (a paced stream is not held;
    // a burst is cut into one frame per interval). Any other event flushes the text first, so
    // the order never changes.
    if (e.name == "chat.text" && !e.data.value("final", true)) {
      t.pending_text += e.data["text"].get<std::string>();
      if (!t.flush_armed) {
        const auto due = t.text_sent + text_interval;
        if (clock::now() >= due)
          flush_text(t);
        else
          arm_text_flush(t, due);
      }
      continue;
    }
    flush_text(t);
    publish(t.row.id, e.name, std::move(e.data));
  }
  if (a.stop_stream && t.backend_running) t.stop.emit(asio::cancellation_type::terminal);
  t.timer_at = a.timer_at;
  if (a.fetch_state) t.fetch_wanted = true;
  // Wake the driver only when it must act sooner than it planned; a later deadline is found
  // when the timer fires early (most items move the deadline later).
  if (a.fetch_state || a.done || (t.timer_at && *t.timer_at < t.armed_at)) t.timer.cancel();
  // Once chat.done or chat.error is out, the session takes the next message.
  if (a.done) {
    if (auto it = running_.find(t.row.id); it != running_.end() && it->second.get() == &t)
      running_.erase(it);
  }
}

void turn_service::arm_text_flush(chat_run& t, clock::time_point due) {
  t.flush_armed = true;
  t.text_timer.expires_at(due);
  t.text_timer.async_wait([this, run = t.shared_from_this()](boost::system::error_code ec) {
    // Cancelled: another event flushed the text first (and may have armed the timer again).
    if (ec || !*run->alive) return;
    run->flush_armed = false;
    flush_text(*run);
  });
}

void turn_service::flush_text(chat_run& t) {
  if (t.pending_text.empty()) return;
  publish(t.row.id, "chat.text",
          {{"turn", t.turn}, {"text", std::move(t.pending_text)}, {"final", false}});
  t.pending_text.clear();
  t.text_sent = clock::now();
  if (t.flush_armed) {
    t.flush_armed = false;
    t.text_timer.cancel();
  }
}

// ---- direct answers

core::result<turn_service::accepted> turn_service::start_direct(const store::session_row& row,
                                                                core::intent route,
                                                                std::string text) {
  std::string turn = new_id_("t_");
  ++active_;
  metrics_.gauge("reel_chat_turns_active") = static_cast<double>(active_);
  const std::string session_id = row.id;
  asio::co_spawn(ex_, answer_direct(this, alive_, row, route, turn, std::move(text)),
                 [this, session_id, turn, alive = alive_](std::exception_ptr e) {
                   if (!e || !*alive) return;
                   spdlog::error("turn {} failed: {}", turn, describe(e));
                   publish(session_id, "chat.error",
                           {{"turn", turn},
                            {"error", core::to_json(core::make_error(
                                          core::errc::internal,
                                          "internal error; see the daemon's log"))["error"]}});
                   finished("error");
                 });
  return accepted{std::string(core::to_string(route)), std::move(turn)};
}

asio::awaitable<void> turn_service::answer_direct(turn_service* self, std::shared_ptr<bool> alive,
                                                  store::session_row row, core::intent route,
                                                  std::string turn, std::string text) {
  co_await asio::post(self->ex_, asio::use_awaitable);
  if (!*alive) co_return;
  const auto started = steady_ms();
  const std::string route_name(core::to_string(route));
  self->publish(row.id, "chat.started", {{"turn", turn}, {"route", route_name}, {"text", text}});
  std::optional<core::error> failure;
  std::string answer;
  nlohmann::json extra = nlohmann::json::object();

  if (route == core::intent::credits) {
    auto c = co_await self->sessions_.credits(row.backend);
    if (!*alive) co_return;
    if (c && !c->metered) {
      answer = "Rendering on this machine is free: no credits are needed.";
      extra["credits"] = credits_json(*c);
    } else if (c) {
      answer = "You have " + std::to_string(c->available) + " credits available (" +
               std::to_string(c->frozen) + " frozen, " + std::to_string(c->total) + " in all).";
      extra["credits"] = credits_json(*c);
    } else {
      failure = c.error();
    }
  } else if (route == core::intent::state) {
    auto st = co_await self->sessions_.state(row.id);
    if (!*alive) co_return;
    if (st) {
      answer = st->value("summary", std::string("The timeline could not be read."));
      extra["summary"] = answer;
      extra["media"] = st->contains("media") ? (*st)["media"].size() : 0;
    } else {
      failure = st.error();
    }
  } else if (route == core::intent::upload) {
    answer = "Send the files themselves: `reel add FILE...`, or POST /v1/sessions/" + row.id +
             "/media with multipart field \"files\", or JSON {\"paths\":[...]} or "
             "{\"urls\":[...]}.";
  } else if (!self->opts_.start_export) {
    failure = core::make_error(core::errc::bad_request,
                               "Exporting by message is not available in this daemon yet.");
    failure->hint = "Use POST /v1/sessions/" + row.id + "/renders (reel export).";
  } else {
    auto job = co_await self->opts_.start_export(row.id);
    if (!*alive) co_return;
    if (job) {
      const auto id = job->value("id", std::string());
      answer = "Export started (job " + id +
               "); its progress comes as render events, and `reel job " + id + "` shows it.";
      extra["job"] = *job;
    } else {
      failure = job.error();
    }
  }

  if (!answer.empty()) {
    nlohmann::json data{
        {"turn", turn}, {"text", answer}, {"final", true}, {"actions", nlohmann::json::array()}};
    data.update(extra);
    self->publish(row.id, "chat.text", std::move(data));
  }
  nlohmann::json end{{"turn", turn}, {"route", route_name}, {"elapsed_s", seconds_since(started)}};
  if (failure) {
    end["error"] = core::to_json(*failure)["error"];
    self->publish(row.id, "chat.error", std::move(end));
  } else {
    end.update(extra);
    self->publish(row.id, "chat.done", std::move(end));
  }
  self->finished(failure ? "error" : "done");
}

}  // namespace reel::service
