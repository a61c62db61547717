#pragma once
// The turn service in-process, over a test double backend whose chat turns are scripted: items
// with pauses, heartbeats, a hang (until stopped), and how the stream ends. Everything runs on
// one io_context that the test drives (run_until), like the daemon's event loop.
#include "core/upstream_errors.hpp"
#include "service/hub.hpp"
#include "service/session_service.hpp"
#include "service/turn_service.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace reel::chat_test {

namespace asio = boost::asio;
using nlohmann::json;
using namespace std::chrono_literals;

// One step of a scripted turn.
struct step {
  enum class kind { item, pause, hang, edit } what = kind::item;
  core::agent_item item;
  std::chrono::milliseconds ms{0};
  json draft;  // edit: the draft the state shows from now on
};

struct scripted_turn {
  std::vector<step> steps;
  core::result<void> end = core::result<void>{};  // how chat() returns after the steps

  scripted_turn& text(std::string t, bool partial = true) {
    step s;
    s.item.kind = core::agent_item_kind::text;
    s.item.text = std::move(t);
    s.item.partial = partial;
    steps.push_back(std::move(s));
    return *this;
  }
  scripted_turn& tool(std::string name) {
    step s;
    s.item.kind = core::agent_item_kind::tool_call;
    s.item.name = std::move(name);
    steps.push_back(std::move(s));
    return *this;
  }
  scripted_turn& beat() {
    step s;
    s.item.kind = core::agent_item_kind::heartbeat;
    steps.push_back(std::move(s));
    return *this;
  }
  scripted_turn& error_item(int code) {
    step s;
    s.item.kind = core::agent_item_kind::error;
    s.item.code = std::to_string(code);
    s.item.upstream_code = code;
    steps.push_back(std::move(s));
    return *this;
  }
  scripted_turn& pause(std::chrono::milliseconds ms) {
    step s;
    s.what = step::kind::pause;
    s.ms = ms;
    steps.push_back(std::move(s));
    return *this;
  }
  // Waits until the turn service stops the stream (then chat() fails: cancelled).
  scripted_turn& hang() {
    step s;
    s.what = step::kind::hang;
    steps.push_back(std::move(s));
    return *this;
  }
  scripted_turn& edit(json draft) {
    step s;
    s.what = step::kind::edit;
    s.draft = std::move(draft);
    steps.push_back(std::move(s));
    return *this;
  }
  scripted_turn& fail(core::error e) {
    end = e;
    return *this;
  }
};

// The test double: chat turns come from `turns` in order; state shows `draft`.
class scripted_backend final : public service::backend {
 public:
  std::deque<scripted_turn> turns;
  json draft = json::parse(R"({"v":1,"t":[],"d":0})");
  std::optional<core::error> state_error;
  std::optional<core::error> chat_refusal;  // the next chat fails at once with this (once)
  int chats = 0;
  int creates = 0;
  int states = 0;
  bool stopped = false;  // a hang step saw the stream stopped
  service::credit_balance balance{97, 1, 98};

  std::string_view name() const noexcept override { return "scripted"; }
  json health() const override { return {{"name", "scripted"}, {"health", "ok"}}; }
  service::async_result<service::created_session> create_session(store::session_row) override {
    ++creates;
    service::created_session c;
    c.upstream_session_id = "up-" + std::to_string(creates);
    co_return c;
  }
  service::async_result<service::media_added> add_media(store::session_row, service::media_source,
                                                        service::progress_fn) override {
    co_return service::media_added{};
  }
  service::async_result<service::credit_balance> credits() override { co_return balance; }
  service::async_result<service::backend_state> state(store::session_row) override {
    ++states;
    if (state_error) co_return *state_error;
    service::backend_state st;
    st.draft = draft;
    co_return st;
  }
  service::async_result<void> chat(store::session_row, std::string,
                                   service::item_fn on_item) override {
    ++chats;
    if (chat_refusal) {
      auto e = *chat_refusal;
      chat_refusal.reset();
      co_return e;
    }
    REQUIRE_FALSE(turns.empty());
    scripted_turn t = std::move(turns.front());
    turns.pop_front();
    auto ex = co_await asio::this_coro::executor;
    for (auto& s : t.steps) {
      if (s.what == step::kind::item) {
        on_item(s.item);
      } else if (s.what == step::kind::edit) {
        draft = s.draft;
      } else {
        asio::steady_timer timer(ex);
        timer.expires_after(s.what == step::kind::hang ? std::chrono::milliseconds(3'600'000)
                                                       : s.ms);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) {
          stopped = true;
          co_return core::make_error(core::errc::cancelled, "stopped");
        }
      }
    }
    co_return t.end;
  }
};

// A subscriber that keeps every event it is given, parsed.
struct recorder : service::hub_client {
  std::vector<json> got;
  void deliver(const core::frame& f, const std::string&) override {
    got.push_back(json::parse(*f));
  }
  std::vector<std::string> names(const std::string& turn = {}) const {
    std::vector<std::string> n;
    for (const auto& e : got)
      if (turn.empty() || e["data"].value("turn", "") == turn) n.push_back(e["event"]);
    return n;
  }
  const json* last(const std::string& name) const {
    for (auto it = got.rbegin(); it != got.rend(); ++it)
      if ((*it)["event"] == name) return &*it;
    return nullptr;
  }
  bool ended(const std::string& turn) const {
    for (const auto& e : got)
      if (e["data"].value("turn", "") == turn &&
          (e["event"] == "chat.done" || e["event"] == "chat.error"))
        return true;
    return false;
  }
  std::string streamed(const std::string& turn) const {
    std::string t;
    for (const auto& e : got)
      if (e["event"] == "chat.text" && e["data"]["turn"] == turn && !e["data"]["final"].get<bool>())
        t += e["data"]["text"].get<std::string>();
    return t;
  }
};

struct turn_fixture {
  test::temp_dir dir;
  store::database db = open();
  store::events_repo repo{db};
  core::metrics metrics;
  asio::io_context io{1};
  service::hub hub{repo, metrics, [] { return std::int64_t{1'800'000'000'000}; }, {}};
  scripted_backend backend;
  service::session_service sessions{db,
                                    hub,
                                    {{"scripted", &backend}},
                                    [] { return std::int64_t{1'800'000'000'000}; },
                                    [this](std::string_view p) { return next_id(p); },
                                    {"scripted", 1 << 20}};
  std::optional<service::turn_service> turns;
  int ids = 0;

  explicit turn_fixture(core::turn_limits limits = {}, service::turn_service::options opts = {}) {
    opts.limits = limits;
    turns.emplace(
        io.get_executor(), sessions, hub, metrics,
        [this](std::string_view p) { return next_id(p); }, std::move(opts));
  }

  std::string next_id(std::string_view prefix) {
    return std::string(prefix) + std::to_string(++ids);
  }

  store::database open() {
    auto d = store::database::open(dir.file("reel.db"), 1000);
    REQUIRE(d.has_value());
    REQUIRE(store::migrate(*d, store::builtin_migrations()).has_value());
    return std::move(*d);
  }

  // Runs the loop until `done()` or `limit` passes; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (io.stopped()) io.restart();  // it stops whenever it runs out of work
      io.run_one_for(10ms);
    }
    return true;
  }

  // A new session (through the service, as a client would make it).
  std::string new_session() {
    std::optional<core::result<store::session_row>> made;
    asio::co_spawn(io, sessions.create("scripted", "en", std::nullopt),
                   [&](std::exception_ptr e, core::result<store::session_row> r) {
                     REQUIRE_FALSE(e);
                     made = std::move(r);
                   });
    REQUIRE(run_until([&] { return made.has_value(); }));
    REQUIRE(made->has_value());
    return (*made)->id;
  }

  // Sends a message; fails the test unless accepted.
  std::string send(const std::string& session, const std::string& text,
                   const std::string& route = "chat") {
    auto r = turns->send(session, text);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
    CHECK(r->route == route);
    return r->turn;
  }
};

inline json titled_draft(const std::string& title = "Summer Sale") {
  return {
      {"v", 1},
      {"d", 3000},
      {"t",
       json::array(
           {{{"id", "trk_t"},
             {"tt", 7},
             {"sg", json::array({{{"id", "seg_t"}, {"s", 0}, {"d", 3000}, {"txt", title}}})}}})}};
}

}  // namespace reel::chat_test
