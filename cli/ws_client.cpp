// The only translation unit with Beast's WebSocket stream (it compiles slowly).
#include "cli/ws_client.hpp"

#include "cli/io_wait.hpp"
#include "reel/version.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <deque>

namespace reel::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using detail::clock;
using detail::wait_outcome;
using nlohmann::json;

namespace {

constexpr auto close_grace = std::chrono::seconds(1);

}  // namespace

struct ws_client::impl {
  client_options opts;
  asio::io_context ioc;
  std::optional<websocket::stream<asio::ip::tcp::socket>> ws;
  json hello;
  std::deque<json> kept;
  std::int64_t next_id = 1;
  bool open = false;

  // One read may stay pending across next() calls, so a timeout does not cost the connection.
  beast::flat_buffer rbuf;
  bool reading = false;
  bool read_done = false;
  beast::error_code read_ec;

  explicit impl(client_options o) : opts(std::move(o)) {}

  // Tears the connection down at once and lets every pending handler finish.
  void abort() {
    if (ws) {
      beast::error_code ignored;
      ws->next_layer().close(ignored);
    }
    if (reading) detail::drain(ioc, read_done);
    reading = false;
    open = false;
  }

  client_error closed_failure() {
    auto reason = ws->reason();
    auto e = make_failure(failure::daemon, "connection_closed",
                          "reeld closed the WebSocket (" + std::to_string(reason.code) +
                              (reason.reason.empty() ? ""
                                                     : ": " + std::string(reason.reason.data(),
                                                                          reason.reason.size())) +
                              ")");
    e.close_code = reason.code;
    return e;
  }

  // Reads one message, or fails at `deadline` (nullopt: none) leaving the read pending.
  client_result<json> read_one(std::optional<clock::time_point> deadline,
                               std::string_view waiting_for) {
    if (!open) return make_failure(failure::protocol, "bad_response", "the WebSocket is closed");
    if (!reading) {
      reading = true;
      read_done = false;
      rbuf.clear();
      ws->async_read(rbuf, [this](beast::error_code e, std::size_t) {
        read_ec = e;
        read_done = true;
      });
    }
    auto outcome =
        detail::run_until(ioc, read_done, deadline.value_or(clock::time_point::max()), opts.stop);
    if (outcome == wait_outcome::timed_out)
      return make_failure(failure::timeout, "timeout",
                          "no " + std::string(waiting_for) + " from reeld at " +
                              opts.address.authority() + " in time");
    if (outcome == wait_outcome::stopped) {
      abort();
      return detail::wait_failure(outcome, opts, "waiting for " + std::string(waiting_for));
    }
    reading = false;
    if (read_ec) {
      open = false;
      // A close frame counts even when the teardown after it fails (a peer that hangs up).
      if (read_ec == websocket::error::closed || ws->reason().code != websocket::close_code::none)
        return closed_failure();
      return detail::io_failure(read_ec, opts, "waiting for " + std::string(waiting_for));
    }
    auto text = beast::buffers_to_string(rbuf.data());
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return make_failure(failure::protocol, "bad_response",
                          "reeld sent a WebSocket message that is not a JSON object");
    return {boost::system::in_place_value, std::move(j)};
  }

  client_result<void> write_text(const std::string& text) {
    if (!open) return make_failure(failure::protocol, "bad_response", "the WebSocket is closed");
    bool done = false;
    beast::error_code ec;
    ws->text(true);
    ws->async_write(asio::buffer(text), [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    auto outcome = detail::run_until(ioc, done, clock::now() + opts.io_timeout, opts.stop);
    if (outcome != wait_outcome::done) {
      abort();
      detail::drain(ioc, done);
      return detail::wait_failure(outcome, opts, "sending a request");
    }
    if (ec) {
      abort();
      return detail::io_failure(ec, opts, "sending a request");
    }
    return {};
  }
};

ws_client::ws_client(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
ws_client::ws_client(ws_client&&) noexcept = default;
ws_client& ws_client::operator=(ws_client&& other) noexcept {
  if (this != &other) {
    if (impl_) close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}
ws_client::~ws_client() {
  if (impl_) close();
}

client_result<ws_client> ws_client::connect(client_options opts, std::string target) {
  auto p = std::make_unique<impl>(std::move(opts));
  const auto& o = p->opts;
  auto sock = detail::connect_socket(p->ioc, o);
  if (!sock) return sock.error();
  p->ws.emplace(std::move(*sock));

  std::optional<std::string> key = o.api_key;
  p->ws->set_option(websocket::stream_base::decorator([key](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, std::string("reel/") + reel::version);
    if (key) req.set(beast::http::field::authorization, "Bearer " + *key);
  }));
  o.log("WebSocket upgrade " + target);
  websocket::response_type res;
  bool done = false;
  beast::error_code ec;
  p->ws->async_handshake(res, o.address.authority(), target, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  auto outcome = detail::run_until(p->ioc, done, clock::now() + o.io_timeout, o.stop);
  if (outcome != wait_outcome::done) {
    p->abort();
    detail::drain(p->ioc, done);
    return detail::wait_failure(outcome, o, "upgrading to WebSocket");
  }
  if (ec) {
    if (ec == websocket::error::upgrade_declined && res.result_int() >= 400)
      return error_from_response(res.result_int(), res.reason(), res.body());
    if (ec == websocket::error::upgrade_declined)
      return make_failure(failure::protocol, "bad_response",
                          "reeld at " + o.address.authority() + " declined the WebSocket upgrade");
    if (ec.category() == beast::http::make_error_code(beast::http::error::bad_version).category() &&
        ec != beast::http::error::end_of_stream && ec != beast::http::error::partial_message)
      return make_failure(failure::protocol, "bad_response",
                          "the answer from " + o.address.authority() + " is not HTTP (" +
                              ec.message() + "): is that port reeld's?");
    return detail::io_failure(ec, o, "upgrading to WebSocket");
  }
  p->open = true;

  auto hello = p->read_one(clock::now() + o.io_timeout, "hello");
  if (!hello) return hello.error();
  if (hello->value("type", "") != "hello")
    return make_failure(
        failure::protocol, "bad_response",
        "reeld at " + o.address.authority() + " did not greet with hello: is that port reeld's?");
  o.log("hello: " + hello->dump());
  p->hello = std::move(*hello);
  return ws_client(std::move(p));
}

const nlohmann::json& ws_client::hello() const noexcept {
  return impl_->hello;
}

client_result<std::int64_t> ws_client::send(std::string_view op, nlohmann::json fields) {
  auto id = impl_->next_id++;
  json msg = {{"id", id}, {"op", op}};
  if (fields.is_object()) msg.update(fields);
  auto text = msg.dump();
  if (impl_->opts.trace) {
    // The auth op carries the key: a trace shows that it was sent, never what it was.
    if (msg.contains("key")) msg["key"] = "(hidden)";
    impl_->opts.log("-> " + msg.dump());
  }
  auto sent = impl_->write_text(text);
  if (!sent) return sent.error();
  return id;
}

client_result<nlohmann::json> ws_client::call(std::string_view op, nlohmann::json fields) {
  auto id = send(op, std::move(fields));
  if (!id) return id.error();
  auto deadline = clock::now() + impl_->opts.io_timeout;
  auto waiting_for = "result of " + std::string(op);
  for (;;) {
    auto msg = impl_->read_one(deadline, waiting_for);
    if (!msg) return msg.error();
    if (impl_->opts.trace) impl_->opts.log("<- " + msg->dump());
    if (msg->value("type", "") == "result" && msg->contains("id") && (*msg)["id"] == *id) {
      if (msg->value("ok", false))
        return {boost::system::in_place_value, msg->contains("data") ? (*msg)["data"] : json()};
      return error_from_ws_result(*msg);
    }
    impl_->kept.push_back(std::move(*msg));
  }
}

client_result<nlohmann::json> ws_client::next(std::optional<std::chrono::milliseconds> timeout) {
  if (!impl_->kept.empty()) {
    auto msg = std::move(impl_->kept.front());
    impl_->kept.pop_front();
    return {boost::system::in_place_value, std::move(msg)};
  }
  std::optional<clock::time_point> deadline;
  if (timeout) deadline = clock::now() + *timeout;
  auto msg = impl_->read_one(deadline, "message");
  if (msg && impl_->opts.trace) impl_->opts.log("<- " + msg->dump());
  return msg;
}

void ws_client::close() {
  auto& p = *impl_;
  if (!p.open || !p.ws) return;
  bool done = false;
  p.ws->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  auto deadline = clock::now() + close_grace;
  detail::run_until(p.ioc, done, deadline, nullptr);
  if (p.reading) detail::run_until(p.ioc, p.read_done, deadline, nullptr);
  p.abort();
  detail::drain(p.ioc, done);
}

}  // namespace reel::cli
