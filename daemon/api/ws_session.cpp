// One WebSocket client of /v1/ws: a reader coroutine (requests), a writer coroutine (the only
// writer: results, events, close) draining a bounded outbox, and a guard timer for the auth
// deadline and stalled writes (design.md rule 6).
#include "api/server_state.hpp"
#include "core/http_guard.hpp"
#include "core/outbox.hpp"
#include "core/ws_protocol.hpp"
#include "reel/version.hpp"
#include "service/hub.hpp"
#include "service/session_service.hpp"
#include "service/turn_service.hpp"

#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace reel::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};

class ws_session : public service::hub_client,
                   public connection,
                   public std::enable_shared_from_this<ws_session> {
 public:
  ws_session(std::shared_ptr<server_state> st, beast::tcp_stream stream)
      : st_(std::move(st)),
        ws_(std::move(stream)),
        outbox_(static_cast<std::size_t>(st_->ctx.cfg.api.ws_outbox_messages),
                static_cast<std::size_t>(st_->ctx.cfg.api.ws_outbox_bytes)),
        wake_(st_->io),
        guard_(st_->io),
        membership_(st_->ctx.hub, *this),
        sent_(st_->ctx.metrics.counter("reel_ws_messages_sent_total")) {
    st_->add(this);
    ++st_->ws_clients;
    st_->ctx.metrics.gauge("reel_ws_clients") = static_cast<double>(st_->ws_clients);
  }
  ~ws_session() override {
    --st_->ws_clients;
    st_->ctx.metrics.gauge("reel_ws_clients") = static_cast<double>(st_->ws_clients);
    st_->remove(this);
  }

  void deliver(const core::frame& f, const std::string& key) override {
    if (!authorized_ || close_code_) return;
    if (!outbox_.push(f, key)) {
      drop("outbox_overflow", websocket::close_code::policy_error, "outbox overflow");
      return;
    }
    wake_.cancel();
  }

  void stop() override {
    if (!close_code_) request_close(websocket::close_code::going_away, "server shutting down");
  }

  static asio::awaitable<void> run(std::shared_ptr<ws_session> self, http_request upgrade,
                                   bool authorized);

 private:
  void request_close(websocket::close_code code, std::string reason) {
    close_code_ = code;
    close_reason_ = std::move(reason);
    close_requested_at_ = clock::now();
    outbox_.clear();
    wake_.cancel();
  }
  void drop(const char* metric_reason, websocket::close_code code, std::string reason) {
    st_->ctx.metrics.counter("reel_ws_clients_dropped_total", {{"reason", metric_reason}}) += 1;
    request_close(code, std::move(reason));
  }
  void send(std::string text) {
    if (close_code_) return;
    if (!outbox_.push(std::make_shared<const std::string>(std::move(text)), {})) {
      drop("outbox_overflow", websocket::close_code::policy_error, "outbox overflow");
      return;
    }
    wake_.cancel();
  }
  void hard_close() {
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }
  void handle(std::string_view text);
  // `send`, `state`, `credits`: ops answered by the services (design.md rule 4: the session only
  // moves bytes). `send` answers at once; the others run in their own coroutine and answer by id.
  void handle_service_op(core::ws_request req);
  static asio::awaitable<void> answer_op(std::shared_ptr<ws_session> self, core::ws_request req);

  static asio::awaitable<void> writer(std::shared_ptr<ws_session> self);
  static asio::awaitable<void> guard(std::shared_ptr<ws_session> self);

  std::shared_ptr<server_state> st_;
  websocket::stream<beast::tcp_stream> ws_;
  core::outbox outbox_;
  asio::steady_timer wake_;
  asio::steady_timer guard_;
  service::hub::membership membership_;
  double& sent_;
  bool authorized_ = false;
  bool done_ = false;
  bool writing_ = false;
  clock::time_point write_started_{};
  clock::time_point opened_ = clock::now();
  std::optional<websocket::close_code> close_code_;
  std::string close_reason_;
  clock::time_point close_requested_at_{};
};

void ws_session::handle(std::string_view text) {
  nlohmann::json id;
  auto parsed = core::parse_ws_request(text, id);
  if (!authorized_) {
    if (!parsed || parsed->op != core::ws_op::auth ||
        !core::constant_time_equal(parsed->key, st_->ctx.api_key)) {
      drop("unauthorized", websocket::close_code::policy_error, "unauthorized");
      return;
    }
    authorized_ = true;
    send(core::ws_hello(std::string("reeld/") + reel::version));
    return;
  }
  if (!parsed) {
    send(core::ws_result_error(id, parsed.error()));
    return;
  }
  auto& req = *parsed;
  auto& hub = st_->ctx.hub;
  switch (req.op) {
    case core::ws_op::auth:
      send(core::ws_result_ok(req.id, nullptr));
      break;
    case core::ws_op::ping:
      send(core::ws_result_ok(req.id, {{"pong", true}}));
      break;
    case core::ws_op::subscribe: {
      auto replay = hub.subscribe(*this, req.topic, req.since);
      send(core::ws_result_ok(req.id, {{"topic", req.topic},
                                       {"last_seq", replay.last_seq},
                                       {"replayed", replay.frames.size()},
                                       {"truncated", replay.truncated}}));
      // Replay is bounded by the store's retention, not by the live outbox bound.
      for (auto& f : replay.frames) {
        if (!outbox_.push(std::move(f), {})) {
          drop("outbox_overflow", websocket::close_code::policy_error, "outbox overflow");
          return;
        }
      }
      wake_.cancel();
      break;
    }
    case core::ws_op::unsubscribe:
      hub.unsubscribe(*this, req.topic);
      send(core::ws_result_ok(req.id, nullptr));
      break;
    case core::ws_op::publish: {
      if (!core::publishable_topic(req.topic)) {
        send(core::ws_result_error(
            req.id, core::make_error(core::errc::forbidden,
                                     "local tools may publish to app:<name> topics only")));
        break;
      }
      auto e = hub.publish(req.topic, req.event, req.data);
      send(core::ws_result_ok(req.id, {{"seq", e.seq}}));
      break;
    }
    case core::ws_op::send:
    case core::ws_op::state:
    case core::ws_op::credits:
      handle_service_op(std::move(req));
      break;
    default:
      send(core::ws_result_error(
          req.id,
          core::make_error(core::errc::bad_request, "op \"" + req.body.value("op", std::string()) +
                                                        "\" is not available in this version")));
  }
}

namespace {

// A required string field of an op; nullopt (and `err` set) when missing or not a string.
std::optional<std::string> op_string(const core::ws_request& req, const char* name,
                                     std::optional<core::error>& err) {
  auto it = req.body.find(name);
  if (it != req.body.end() && it->is_string() && !it->get<std::string>().empty())
    return it->get<std::string>();
  err = core::make_error(core::errc::bad_request, "op \"" + req.body.value("op", std::string()) +
                                                      "\" needs a string \"" + name + "\"");
  return std::nullopt;
}

}  // namespace

void ws_session::handle_service_op(core::ws_request req) {
  auto& ctx = st_->ctx;
  if (!ctx.sessions || !ctx.turns) {
    send(core::ws_result_error(
        req.id, core::make_error(core::errc::internal, "sessions are not available")));
    return;
  }
  if (req.op != core::ws_op::send) {
    asio::co_spawn(st_->io, answer_op(shared_from_this(), std::move(req)),
                   [self = shared_from_this()](std::exception_ptr e) {
                     // An op that throws ends that client only, like a failing reader.
                     if (e) self->hard_close();
                   });
    return;
  }
  std::optional<core::error> err;
  auto session = op_string(req, "session", err);
  auto text = session ? op_string(req, "text", err) : std::nullopt;
  if (err) {
    send(core::ws_result_error(req.id, *err));
    return;
  }
  auto r = ctx.turns->send(*session, std::move(*text));
  if (!r) {
    send(core::ws_result_error(req.id, r.error()));
    return;
  }
  send(core::ws_result_ok(req.id, {{"route", r->route}, {"turn", r->turn}}));
}

asio::awaitable<void> ws_session::answer_op(std::shared_ptr<ws_session> self,
                                            core::ws_request req) {
  auto& sessions = *self->st_->ctx.sessions;
  std::optional<core::error> err;
  nlohmann::json data;
  if (req.op == core::ws_op::state) {
    auto session = op_string(req, "session", err);
    if (session) {
      auto st = co_await sessions.state(*session);
      if (st)
        data = std::move(*st);
      else
        err = st.error();
    }
  } else {
    // credits: of a session's backend, of a named backend, else of the default one.
    std::string backend;
    if (auto it = req.body.find("backend"); it != req.body.end() && it->is_string())
      backend = it->get<std::string>();
    if (auto it = req.body.find("session"); it != req.body.end() && it->is_string()) {
      if (auto row = sessions.find(it->get<std::string>()))
        backend = row->backend;
      else
        err = core::make_error(core::errc::not_found, "no session " + it->get<std::string>());
    }
    if (!err) {
      auto c = co_await sessions.credits(backend);
      if (c)
        data = service::credits_json(*c);
      else
        err = c.error();
    }
  }
  self->send(err ? core::ws_result_error(req.id, *err) : core::ws_result_ok(req.id, data));
}

asio::awaitable<void> ws_session::writer(std::shared_ptr<ws_session> self) {
  auto& ws = self->ws_;
  // With several frames waiting, TCP_CORK lets the kernel pack them into full segments instead
  // of one packet (and one wake-up of the client) per frame; it is lifted when the queue drains.
  using tcp_cork = asio::detail::socket_option::boolean<IPPROTO_TCP, TCP_CORK>;
  bool corked = false;
  while (!self->done_) {
    while (!self->outbox_.empty() && !self->close_code_) {
      if (!corked && self->outbox_.size() > 1) {
        beast::error_code cec;
        beast::get_lowest_layer(ws).socket().set_option(tcp_cork(true), cec);
        corked = !cec;
      }
      // Hold a reference: a coalesce or clear() may drop the queue's copy meanwhile.
      core::frame f = self->outbox_.front();
      self->writing_ = true;
      self->write_started_ = clock::now();
      auto [ec, n] = co_await ws.async_write(asio::buffer(*f), use_tuple);
      self->writing_ = false;
      if (ec) {
        self->done_ = true;
        co_return;
      }
      self->sent_ += 1;
      if (!self->outbox_.empty() && self->outbox_.front() == f) self->outbox_.pop();
    }
    if (corked) {
      beast::error_code cec;
      beast::get_lowest_layer(ws).socket().set_option(tcp_cork(false), cec);
      corked = false;
    }
    if (self->close_code_) {
      self->writing_ = true;
      self->write_started_ = clock::now();
      co_await ws.async_close(websocket::close_reason(*self->close_code_, self->close_reason_),
                              use_tuple);
      self->writing_ = false;
      self->done_ = true;
      co_return;
    }
    self->wake_.expires_at(clock::time_point::max());
    co_await self->wake_.async_wait(use_tuple);
    // Yield once: events published in this turn of the loop join the batch written next.
    co_await asio::post(self->st_->io, asio::use_awaitable);
  }
}

asio::awaitable<void> ws_session::guard(std::shared_ptr<ws_session> self) {
  const auto auth_deadline = std::chrono::seconds(self->st_->ctx.cfg.api.ws_auth_timeout_s);
  const auto write_timeout = self->st_->write_timeout();
  while (!self->done_) {
    self->guard_.expires_after(std::chrono::milliseconds(250));
    co_await self->guard_.async_wait(use_tuple);
    if (self->done_) break;
    auto now = clock::now();
    if (!self->authorized_ && !self->close_code_ && now - self->opened_ > auth_deadline)
      self->drop("auth_timeout", websocket::close_code::policy_error, "auth timeout");
    // A client that stopped reading stalls our write; past the limit the socket just goes.
    bool stalled = self->writing_ && now - self->write_started_ > write_timeout;
    bool close_stuck =
        self->close_code_ && now - self->close_requested_at_ > std::chrono::seconds(2);
    if (stalled || close_stuck) {
      if (stalled)
        self->st_->ctx.metrics.counter("reel_ws_clients_dropped_total",
                                       {{"reason", "write_timeout"}}) += 1;
      self->done_ = true;
      self->hard_close();
    }
  }
}

asio::awaitable<void> ws_session::run(std::shared_ptr<ws_session> self, http_request upgrade,
                                      bool authorized) {
  auto& ws = self->ws_;
  beast::get_lowest_layer(ws).expires_never();
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = std::chrono::seconds(self->st_->ctx.cfg.api.ws_ping_interval_s);
  t.keep_alive_pings = true;
  ws.set_option(t);
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(beast::http::field::server, std::string("reeld/") + reel::version);
  }));
  ws.read_message_max(1 << 20);
  // One frame per message: fewer headers and writes than Beast's default fragmenting.
  ws.auto_fragment(false);
  auto [aec] = co_await ws.async_accept(upgrade, use_tuple);
  if (aec) co_return;

  self->authorized_ = authorized;
  if (authorized) self->send(core::ws_hello(std::string("reeld/") + reel::version));
  asio::co_spawn(self->st_->io, writer(self), [self](std::exception_ptr e) {
    // The writer's failure ends this client only.
    if (e) self->hard_close();
  });
  asio::co_spawn(self->st_->io, guard(self), [self](std::exception_ptr e) {
    if (e) self->hard_close();
  });

  beast::flat_buffer buf;
  while (!self->done_) {
    auto [ec, n] = co_await ws.async_read(buf, use_tuple);
    if (ec) break;
    if (!ws.got_text()) {
      self->send(core::ws_result_error(
          nullptr, core::make_error(core::errc::bad_request, "send JSON text frames")));
    } else {
      self->handle(std::string_view(static_cast<const char*>(buf.data().data()), buf.size()));
    }
    buf.consume(buf.size());
  }
  self->done_ = true;
  self->wake_.cancel();
  self->guard_.cancel();
  self->st_->ctx.hub.unsubscribe_all(*self);
}

}  // namespace

void start_ws_session(std::shared_ptr<server_state> st, beast::tcp_stream stream,
                      http_request upgrade, bool authorized) {
  auto s = std::make_shared<ws_session>(st, std::move(stream));
  asio::co_spawn(st->io, ws_session::run(s, std::move(upgrade), authorized),
                 [](std::exception_ptr e) {
                   // One client's failure is logged and ends that client only.
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("WebSocket session failed: {}", ex.what());
                     }
                   }
                 });
}

}  // namespace reel::api
