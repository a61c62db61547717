#pragma once
// User messages and the turns they start (spec/local-api.md "POST /v1/sessions/{id}/messages",
// ws op `send`; spec/upstream-nemovideo.md "Routing a user message" and "The stream").
//
// A message is routed (core::route_message): `chat` runs one turn of the session's agent, driven
// by a core::turn_machine; `export`, `credits`, `state` and `upload` are answered directly. Every
// message becomes a turn with an id whose events (chat.started ... chat.done | chat.error, and
// timeline.changed) are published on `session:<id>`, so every subscriber sees the same thing in
// the same order, and a client that joins late catches up with `since`.
//
// One chat turn at a time per session: a chat or export message while one runs is refused with
// conflict, never queued. Credits, state and upload answers do not touch the agent and are
// served beside a running turn. A message is never sent to the backend twice, except once after
// the cloud refused it because it lost the session (then nothing was done).
//
// Lives on the event loop's thread; the references passed in outlive the service.
#include "core/intent_router.hpp"
#include "core/metrics.hpp"
#include "core/turn_machine.hpp"
#include "service/hub.hpp"
#include "service/session_service.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace reel::service {

class turn_service {
 public:
  struct options {
    core::turn_limits limits;
    // Starts an export of the session's draft and returns the job (JSON with at least "id").
    // Empty: the export route answers that exporting by message is not available.
    std::function<async_result<nlohmann::json>(std::string session_id)> start_export;
  };

  // What a message became: its route ("chat", "export", ...) and the turn that answers it.
  struct accepted {
    std::string route;
    std::string turn;
  };

  // `new_id(prefix)` makes turn ids. Nothing runs until send().
  turn_service(boost::asio::any_io_executor ex, session_service& sessions, hub& events,
               core::metrics& metrics, std::function<std::string(std::string_view)> new_id,
               options opts);
  ~turn_service();
  turn_service(const turn_service&) = delete;
  turn_service& operator=(const turn_service&) = delete;

  // Routes `text` and starts its turn; returns at once (the turn runs on the event loop). Fails
  // with bad_request (empty or over 20,000 bytes), not_found (no such session), conflict (a
  // chat turn of this session is running; the message is dropped, not queued).
  core::result<accepted> send(const std::string& session_id, std::string text);

  // The id of the session's running chat turn, if any.
  std::optional<std::string> running(const std::string& session_id) const;
  // Turns of any route still running.
  std::size_t active() const noexcept { return active_; }

  struct chat_run;

 private:
  core::result<accepted> start_chat(const store::session_row& row, std::string text);
  core::result<accepted> start_direct(const store::session_row& row, core::intent route,
                                      std::string text);

  static boost::asio::awaitable<void> drive_chat(turn_service* self, std::shared_ptr<chat_run> t);
  static boost::asio::awaitable<void> run_backend_chat(turn_service* self,
                                                       std::shared_ptr<chat_run> t);
  static boost::asio::awaitable<void> answer_direct(turn_service* self, std::shared_ptr<bool> alive,
                                                    store::session_row row, core::intent route,
                                                    std::string turn, std::string text);
  void apply(chat_run& t, core::turn_actions a);
  void flush_text(chat_run& t);
  // Publishes the pending text at `due` (a steady_clock time), unless something flushes it first.
  void arm_text_flush(chat_run& t, std::chrono::steady_clock::time_point due);
  void on_item(chat_run& t, const core::agent_item& it);
  void take_joined(chat_run& t);
  void on_backend_done(chat_run& t, core::result<void> r);
  void publish(const std::string& session_id, const std::string& name, nlohmann::json data);
  void finished(const std::string& outcome);

  boost::asio::any_io_executor ex_;
  session_service& sessions_;
  hub& hub_;
  core::metrics& metrics_;
  std::function<std::string(std::string_view)> new_id_;
  options opts_;
  std::map<std::string, std::shared_ptr<chat_run>> running_;  // by session id
  std::size_t active_ = 0;
  std::shared_ptr<bool> alive_;  // turns that outlive the service (shutdown) see false
};

}  // namespace reel::service
