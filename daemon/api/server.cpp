#include "api/server.hpp"

#include "api/server_state.hpp"
#include "core/http_guard.hpp"
#include "core/http_range.hpp"
#include "reel/version.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace reel::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using tuple_awaitable = asio::as_tuple_t<asio::use_awaitable_t<>>;
constexpr tuple_awaitable use_tuple{};

void log_failure::operator()(std::exception_ptr e) const {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    if (critical)
      spdlog::critical("{} stopped: {}", what, ex.what());
    else
      spdlog::error("{} failed: {}", what, ex.what());
  } catch (...) {
    spdlog::error("{} failed with an unknown exception", what);
  }
}

void server_state::remove(connection* c) {
  connections.erase(c);
  if (stopping && connections.empty() && on_idle) {
    auto f = std::move(on_idle);
    on_idle = nullptr;
    f();
  }
}

namespace {

const std::string server_header = std::string("reeld/") + reel::version;

// One HTTP connection: owns the stream until it ends or becomes a WebSocket.
class http_conn : public connection {
 public:
  http_conn(std::shared_ptr<server_state> st, tcp::socket s)
      : st_(std::move(st)), stream_(std::move(s)) {
    st_->add(this);
  }
  ~http_conn() override { st_->remove(this); }
  void stop() override {
    // An idle keep-alive connection is closed now; a busy one closes after its response.
    if (idle_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.cancel();
    }
  }

  std::shared_ptr<server_state> st_;
  beast::tcp_stream stream_;
  bool idle_ = true;
  bool upgraded_ = false;
};

void add_common_headers(http::response_header<>& res) {
  res.set(http::field::server, server_header);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
}

http::response<http::string_body> to_beast(const response& r, unsigned version, bool keep_alive,
                                           bool head) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  add_common_headers(res);
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(r.body.size());
  } else {
    res.body() = r.body;
    res.prepare_payload();
  }
  return res;
}

request to_request(const http::request_header<>& h) {
  request r;
  r.method = std::string(h.method_string());
  r.target = std::string(h.target());
  auto [path, query] = core::split_target(r.target);
  r.path = std::string(path);
  r.query = std::string(query);
  for (const auto& f : h)
    r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return r;
}

void count_request(server_state& st, const std::string& route, const std::string& method,
                   int status, std::chrono::steady_clock::time_point started) {
  auto& m = st.ctx.metrics;
  m.counter("reel_http_requests_total", {{"route", route.empty() ? "unmatched" : route},
                                         {"method", method},
                                         {"status", std::to_string(status)}}) += 1;
  std::chrono::duration<double> d = std::chrono::steady_clock::now() - started;
  m.histogram("reel_http_request_duration_seconds").observe(d.count());
}

// The checks made on the header alone, before any body is read. nullopt: go on.
std::optional<response> check_header(server_state& st, const request& req,
                                     const core::route_match& m, bool websocket) {
  auto host = req.header("Host");
  if (!core::host_allowed(host, st.ctx.port))
    return response::error(core::make_error(
        core::errc::forbidden, "the Host header must name this machine's loopback address"));
  auto origin = req.header("Origin");
  if (!origin.empty() && !core::origin_allowed(origin, st.ctx.cfg.api.allowed_origins))
    return response::error(core::make_error(
        core::errc::forbidden,
        "origin " + std::string(origin) + " is not allowed (config api.allowed_origins)"));
  if (websocket) return std::nullopt;  // the key may come in the first message
  if (req.method == "OPTIONS" && !origin.empty() &&
      !req.header("Access-Control-Request-Method").empty()) {
    response r;
    r.status = 204;
    r.content_type = "text/plain";
    r.headers = {{"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
                 {"Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, Range"},
                 {"Access-Control-Max-Age", "600"}};
    return r;
  }
  if (!st.routes.is_public(m)) {
    auto key = core::bearer_token(req.header("Authorization"));
    if (key.empty() || !core::constant_time_equal(key, st.ctx.api_key)) {
      auto r = response::error(core::make_error(
          core::errc::unauthorized,
          key.empty() ? "missing API key: send Authorization: Bearer <key from api.key>"
                      : "wrong API key"));
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"reel\"");
      return r;
    }
  }
  if (m.outcome != core::route_match::kind::found) return router::unmatched(m, req);
  return std::nullopt;
}

void add_cors(server_state& st, const request& req, response& r) {
  auto origin = req.header("Origin");
  if (origin.empty() || !core::origin_allowed(origin, st.ctx.cfg.api.allowed_origins)) return;
  r.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  r.headers.emplace_back("Vary", "Origin");
}

asio::awaitable<void> write_plain(http_conn& c, const response& r, unsigned version,
                                  bool keep_alive, bool head) {
  auto res = to_beast(r, version, keep_alive, head);
  c.stream_.expires_after(c.st_->write_timeout());
  if (head) {
    http::response_serializer<http::string_body> sr{res};
    co_await http::async_write_header(c.stream_, sr, use_tuple);
  } else {
    co_await http::async_write(c.stream_, res, use_tuple);
  }
}

// A file, whole or the one range asked for. Returns false when the connection must close.
asio::awaitable<bool> write_file(http_conn& c, const request& req, const response& r,
                                 unsigned version, bool keep_alive, bool head) {
  beast::error_code ec;
  beast::file file;
  file.open(r.file.c_str(), beast::file_mode::scan, ec);
  const std::uint64_t size = ec ? 0 : file.size(ec);
  if (ec) {
    co_await write_plain(
        c, response::error(core::make_error(core::errc::not_found, "the file is no longer there")),
        version, keep_alive, head);
    co_return keep_alive;
  }
  auto range = core::parse_range(req.header("Range"), size);
  if (range.outcome == core::range_outcome::unsatisfiable) {
    auto e = response::error(core::make_error(core::errc::bad_request, "range not satisfiable"));
    e.status = 416;
    e.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
    co_await write_plain(c, e, version, keep_alive, head);
    co_return keep_alive;
  }
  const bool partial = range.outcome == core::range_outcome::partial;
  http::response<http::empty_body> res{partial ? http::status::partial_content : http::status::ok,
                                       version};
  add_common_headers(res);
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::accept_ranges, "bytes");
  for (const auto& [k, v] : r.headers) res.set(k, v);
  const std::uint64_t first = partial ? range.range.first : 0;
  const std::uint64_t length = partial ? range.range.length() : size;
  if (partial)
    res.set(http::field::content_range, "bytes " + std::to_string(first) + "-" +
                                            std::to_string(range.range.last) + "/" +
                                            std::to_string(size));
  res.keep_alive(keep_alive);
  res.content_length(length);
  c.stream_.expires_after(c.st_->write_timeout());
  http::response_serializer<http::empty_body> sr{res};
  auto [hec, hn] = co_await http::async_write_header(c.stream_, sr, use_tuple);
  if (hec) co_return false;
  if (head) co_return keep_alive;
  file.seek(first, ec);
  std::vector<char> chunk(64 * 1024);
  std::uint64_t left = length;
  while (left > 0) {
    auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
    auto n = file.read(chunk.data(), want, ec);
    if (ec || n == 0) co_return false;
    c.stream_.expires_after(c.st_->write_timeout());
    auto [wec, wn] =
        co_await asio::async_write(c.stream_, asio::buffer(chunk.data(), n), use_tuple);
    if (wec) co_return false;
    left -= n;
  }
  co_return keep_alive;
}

// A chunked stream (text/event-stream): each piece as the source yields it.
asio::awaitable<bool> write_stream(http_conn& c, const response& r, unsigned version) {
  http::response<http::empty_body> res{static_cast<http::status>(r.status), version};
  add_common_headers(res);
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.chunked(true);
  res.keep_alive(false);
  c.stream_.expires_after(c.st_->write_timeout());
  http::response_serializer<http::empty_body> sr{res};
  auto [hec, hn] = co_await http::async_write_header(c.stream_, sr, use_tuple);
  if (hec) co_return false;
  for (;;) {
    auto piece = co_await r.stream->next();
    c.stream_.expires_after(c.st_->write_timeout());
    if (!piece) {
      co_await asio::async_write(c.stream_, http::make_chunk_last(), use_tuple);
      co_return false;
    }
    if (piece->empty()) continue;
    auto [wec, wn] =
        co_await asio::async_write(c.stream_, http::make_chunk(asio::buffer(*piece)), use_tuple);
    if (wec) co_return false;
  }
}

// Writes any kind of response; false when the connection must close afterwards.
asio::awaitable<bool> write_response(http_conn& c, const request& req, const response& r,
                                     unsigned version, bool keep_alive) {
  const bool head = req.method == "HEAD";
  if (r.stream) co_return co_await write_stream(c, r, version);
  if (!r.file.empty()) co_return co_await write_file(c, req, r, version, keep_alive, head);
  co_await write_plain(c, r, version, keep_alive, head);
  co_return keep_alive;
}

// Removes a spooled upload when the request is done, unless a handler moved it away.
struct spool_guard {
  std::string path;
  ~spool_guard() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

std::string spool_path(server_state& st) {
  static std::uint64_t counter = 0;
  return st.ctx.state_dir + "/tmp/upload-" + std::to_string(::getpid()) + "-" +
         std::to_string(++counter);
}

asio::awaitable<void> run_http(std::shared_ptr<http_conn> c) {
  auto& st = *c->st_;
  beast::flat_buffer buf;
  for (;;) {
    if (st.stopping) break;
    c->idle_ = true;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(16 * 1024);
    // The route's own limit is set once the header says which route; until then, the largest.
    parser.body_limit(static_cast<std::uint64_t>(
        std::max(st.ctx.cfg.api.max_json_body, st.ctx.cfg.api.max_media_body)));
    c->stream_.expires_after(st.read_timeout());
    auto [ec, n] = co_await http::async_read_header(c->stream_, buf, parser, use_tuple);
    c->idle_ = false;
    if (ec) {
      if (ec == http::error::body_limit) {
        // Step 0 of the checks: a Content-Length over every limit is refused before the rest of
        // the header is read. The request line is, so the answer can name the call's own limit.
        const auto m = st.routes.match(std::string(parser.get().method_string()),
                                       to_request(parser.get()).path);
        auto e = core::make_error(core::errc::payload_too_large,
                                  m.outcome == core::route_match::kind::found
                                      ? "the body is larger than this call takes (at most " +
                                            std::to_string(st.routes.body_limit(m)) + " bytes)"
                                      : std::string("the body is larger than any call takes"));
        co_await write_plain(*c, response::error(e), 11, false, false);
        break;
      }
      // A request Beast could not parse gets a 400; timeouts and closed peers just end.
      if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message) {
        auto e =
            core::make_error(core::errc::bad_request, "malformed HTTP request: " + ec.message());
        co_await write_plain(*c, response::error(e), 11, false, false);
      }
      break;
    }
    const auto started = std::chrono::steady_clock::now();
    auto& hdr = parser.get();
    const unsigned version = hdr.version();
    request req = to_request(hdr);
    const bool is_ws = beast::websocket::is_upgrade(hdr);
    auto m = st.routes.match(req.method, req.path);

    std::optional<response> early;
    if (is_ws && req.path != "/v1/ws")
      early =
          response::error(core::make_error(core::errc::not_found, "no WebSocket at " + req.path));
    else
      early = check_header(st, req, m, is_ws);

    if (!early && is_ws) {
      auto key = core::bearer_token(req.header("Authorization"));
      bool authorized = !key.empty() && core::constant_time_equal(key, st.ctx.api_key);
      if (!key.empty() && !authorized) {
        early = response::error(core::make_error(core::errc::unauthorized, "wrong API key"));
        early->headers.emplace_back("WWW-Authenticate", "Bearer realm=\"reel\"");
      } else {
        count_request(st, "/v1/ws", "GET", 101, started);
        c->upgraded_ = true;
        start_ws_session(c->st_, std::move(c->stream_), parser.release(), authorized);
        co_return;
      }
    }

    bool keep_alive = hdr.keep_alive() && !st.stopping;
    spool_guard spool;
    if (!early && !parser.is_done()) {
      const auto limit = st.routes.body_limit(m);
      if (auto len = parser.content_length(); len && *len > limit) {
        early = response::error(
            core::make_error(core::errc::payload_too_large, "the body has " + std::to_string(*len) +
                                                                " bytes; this call takes at most " +
                                                                std::to_string(limit)));
      } else {
        if (beast::iequals(hdr[http::field::expect], "100-continue")) {
          http::response<http::empty_body> cont{http::status::continue_, version};
          c->stream_.expires_after(st.write_timeout());
          co_await http::async_write(c->stream_, cont, use_tuple);
        }
        beast::error_code bec;
        if (st.routes.body_of(m) == body_kind::file) {
          http::request_parser<http::file_body> fp{std::move(parser)};
          fp.body_limit(limit);
          spool.path = spool_path(st);
          ::mkdir((st.ctx.state_dir + "/tmp").c_str(), 0700);
          fp.get().body().open(spool.path.c_str(), beast::file_mode::write_new, bec);
          if (!bec) {
            c->stream_.expires_after(st.read_timeout());
            auto [rec, rn] = co_await http::async_read(c->stream_, buf, fp, use_tuple);
            bec = rec;
            fp.get().body().close();
            req.body_file = spool.path;
          }
        } else {
          http::request_parser<http::string_body> sp{std::move(parser)};
          sp.body_limit(limit);
          c->stream_.expires_after(st.read_timeout());
          auto [rec, rn] = co_await http::async_read(c->stream_, buf, sp, use_tuple);
          bec = rec;
          if (!bec) req.body = std::move(sp.get().body());
        }
        if (bec == http::error::body_limit) {
          early = response::error(core::make_error(
              core::errc::payload_too_large,
              "the body is larger than this call takes (" + std::to_string(limit) + " bytes)"));
        } else if (bec) {
          break;  // timed out or the peer went away mid-body: nothing to answer
        }
      }
      if (early) keep_alive = false;  // the unread body is still on the wire
    }

    // Not a conditional expression: GCC 12 mishandles co_await inside ?: .
    response res;
    if (early)
      res = std::move(*early);
    else
      res = co_await st.routes.handle(m, req);
    add_cors(st, req, res);
    count_request(st, m.name, req.method, res.status, started);
    if (!co_await write_response(*c, req, res, version, keep_alive)) break;
    if (!keep_alive) break;
  }
  if (!c->upgraded_) {
    beast::error_code ec;
    c->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
}

asio::awaitable<void> accept_loop(std::shared_ptr<server_state> st) {
  for (;;) {
    auto [ec, sock] = co_await st->acceptor.async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || st->stopping) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    if (st->connections.size() >= static_cast<std::size_t>(st->ctx.cfg.api.max_connections)) {
      spdlog::warn("too many connections ({}); closing a new one", st->connections.size());
      continue;
    }
    beast::error_code opt_ec;
    sock.set_option(tcp::no_delay(true), opt_ec);
    auto c = std::make_shared<http_conn>(st, std::move(sock));
    // A connection's failure ends that connection only.
    asio::co_spawn(st->io, run_http(c), log_failure{"an HTTP connection", false});
  }
}

}  // namespace

server::server(asio::io_context& io, api_context& ctx, router& routes)
    : state_(std::make_shared<server_state>(io, ctx, routes)) {}

server::~server() = default;

core::result<std::uint16_t> server::bind(const std::string& host, std::uint16_t port) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec || !addr.is_loopback())
    return core::make_error(core::errc::bad_request,
                            "api.listen must be a loopback address; got " + host);
  tcp::endpoint ep{addr, port};
  auto& a = state_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close();
    return core::make_error(core::errc::internal,
                            "cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                ec.message() +
                                (ec == asio::error::address_in_use
                                     ? " (another reeld may be running; see `reel status`)"
                                     : ""));
  }
  return a.local_endpoint().port();
}

void server::start() {
  asio::co_spawn(state_->io, accept_loop(state_), log_failure{"the accept loop", true});
}

void server::shutdown(std::function<void()> on_idle) {
  auto& st = *state_;
  st.stopping = true;
  beast::error_code ec;
  st.acceptor.close(ec);
  st.on_idle = std::move(on_idle);
  // Copy: stop() may end a connection, which removes itself from the set.
  std::vector<connection*> live(st.connections.begin(), st.connections.end());
  for (auto* c : live) c->stop();
  if (st.connections.empty() && st.on_idle) {
    auto f = std::move(st.on_idle);
    st.on_idle = nullptr;
    f();
  }
}

std::size_t server::connections() const noexcept {
  return state_->connections.size();
}
std::size_t server::ws_clients() const noexcept {
  return state_->ws_clients;
}

}  // namespace reel::api
