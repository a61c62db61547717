// Messages: POST /v1/sessions/{id}/messages answers 202 {"route","turn"}, or, asked for
// text/event-stream, streams the turn's events as SSE until the turn ends (curl -N works).
#include "api/handlers.hpp"
#include "api/router.hpp"
#include "core/outbox.hpp"
#include "service/hub.hpp"
#include "service/turn_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace reel::api {
namespace {

namespace asio = boost::asio;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};

// One turn's events as an SSE body. It subscribes to the session's topic before the message is
// sent, so nothing of the turn is missed, keeps the frames of that turn only, and ends after
// chat.done or chat.error. Each event is `id: <seq>`, `event: <name>`, `data: <the WebSocket
// event JSON>`. Bounded like a WebSocket outbox: a client that reads too slowly gets a comment
// saying so and the end of the stream (the events stay in the store for `since`).
class turn_stream final : public chunk_source, public service::hub_client {
 public:
  turn_stream(asio::any_io_executor ex, service::hub& h, const std::string& topic,
              std::size_t max_messages, std::size_t max_bytes)
      : queue_(max_messages, max_bytes), wake_(ex), membership_(h, *this) {
    h.subscribe(*this, topic, std::nullopt);
  }

  void follow(std::string turn) { turn_ = std::move(turn); }

  void deliver(const core::frame& f, const std::string&) override {
    if (overflowed_) return;
    if (!queue_.push(f)) {
      overflowed_ = true;
      queue_.clear();
    }
    wake_.cancel();
  }

  asio::awaitable<std::optional<std::string>> next() override {
    while (!ended_) {
      std::string out;
      while (!queue_.empty() && !ended_) {
        core::frame f = queue_.front();
        queue_.pop();
        append_if_ours(*f, out);
      }
      if (overflowed_ && !ended_) {
        ended_ = true;
        out +=
            ": the client read too slowly and events were dropped; the turn goes on: read the "
            "rest from the WebSocket with since\n\n";
      }
      if (!out.empty()) co_return out;
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(use_tuple);
    }
    co_return std::nullopt;
  }

 private:
  void append_if_ours(const std::string& frame, std::string& out) {
    auto j = nlohmann::json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.contains("data") || !j["data"].is_object()) return;
    if (j["data"].value("turn", std::string()) != turn_) return;
    const auto name = j.value("event", std::string());
    out += "id: " + std::to_string(j.value("seq", std::int64_t{0})) + "\nevent: " + name +
           "\ndata: " + frame + "\n\n";
    if (name == "chat.done" || name == "chat.error") ended_ = true;
  }

  core::outbox queue_;
  asio::steady_timer wake_;
  service::hub::membership membership_;
  std::string turn_;
  bool overflowed_ = false;
  bool ended_ = false;
};

bool wants_event_stream(const request& req) {
  return req.header("Accept").find("text/event-stream") != std::string_view::npos;
}

}  // namespace

awaitable<response> post_message(api_context& ctx, request req) {
  auto body = json_body(req);
  if (!body) co_return response::error(body.error());
  for (const auto& [k, _] : body->items()) {
    if (k != "text")
      co_return response::error(core::make_error(core::errc::bad_request,
                                                 "unknown field \"" + k + "\"; send {\"text\"}"));
  }
  if (!body->contains("text") || !(*body)["text"].is_string())
    co_return response::error(
        core::make_error(core::errc::bad_request, "the body needs a string \"text\""));
  if (!ctx.turns)
    co_return response::error(
        core::make_error(core::errc::internal, "messages are not available in this daemon"));
  const std::string id = req.params["id"];
  std::string text = (*body)["text"].get<std::string>();

  if (!wants_event_stream(req)) {
    auto r = ctx.turns->send(id, std::move(text));
    if (!r) co_return response::error(r.error());
    co_return response::json(202, {{"route", r->route}, {"turn", r->turn}});
  }

  auto stream =
      std::make_shared<turn_stream>(co_await asio::this_coro::executor, ctx.hub, "session:" + id,
                                    static_cast<std::size_t>(ctx.cfg.api.ws_outbox_messages),
                                    static_cast<std::size_t>(ctx.cfg.api.ws_outbox_bytes));
  auto r = ctx.turns->send(id, std::move(text));
  if (!r) co_return response::error(r.error());
  stream->follow(r->turn);
  response res;
  res.status = 202;
  res.content_type = "text/event-stream; charset=utf-8";
  res.headers = {{"Cache-Control", "no-cache"},
                 {"X-Accel-Buffering", "no"},
                 {"X-Reel-Route", r->route},
                 {"X-Reel-Turn", r->turn}};
  res.stream = std::move(stream);
  co_return res;
}

}  // namespace reel::api
