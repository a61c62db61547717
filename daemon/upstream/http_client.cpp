// The upstream's only Beast translation unit: connections, the pool, writing requests (bodies
// streamed from files), reading responses (collected, streamed to a callback, or to a file).
#include "upstream/http_client.hpp"

#include "reel/version.hpp"
#include "upstream/body_sink.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace reel::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = ssl::stream<beast::tcp_stream>;
using steady = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr std::size_t io_chunk = 256 * 1024;
// The buffer a response body is read into (one on_data call at most this large).
constexpr std::size_t body_chunk = 64 * 1024;
// What one read of a streamed body's socket may take (Beast's own cap per read is 64 KiB).
constexpr std::size_t socket_read = 64 * 1024;

// Parses what is already buffered into the parser's body buffer, without reading the socket:
// stops when the input is used up or ends inside a chunk header (need_more), when the body
// buffer is full (need_buffer) or the message is complete. Any other error is returned in ec.
void drain_buffered(beast::flat_buffer& in, http::response_parser<http::buffer_body>& parser,
                    beast::error_code& ec) {
  while (!parser.is_done() && in.size() != 0 && parser.get().body().size != 0) {
    const std::size_t used = parser.put(in.data(), ec);
    in.consume(used);
    if (ec == http::error::need_more || ec == http::error::need_buffer) {
      ec = {};
      return;
    }
    if (ec) return;
    if (used == 0) return;
  }
}

std::string seconds_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto la = a[i] >= 'A' && a[i] <= 'Z' ? a[i] - 'A' + 'a' : a[i];
    auto lb = b[i] >= 'A' && b[i] <= 'Z' ? b[i] - 'A' + 'a' : b[i];
    if (la != lb) return false;
  }
  return true;
}

struct connection {
  std::string origin;
  std::uint64_t id = 0;
  std::optional<beast::tcp_stream> plain;
  std::unique_ptr<tls_stream> tls;
  beast::flat_buffer buffer;
  steady::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? tls->next_layer() : *plain; }

  // A kept-alive connection the server closed (or wrote to unasked) is readable: drop it.
  bool looks_alive() {
    if (buffer.size() != 0 || !lowest().socket().is_open()) return false;
    pollfd p{lowest().socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }
};

enum class failure_kind { none, stale, other };

struct exchange_out {
  core::result<http_response> res = core::make_error(core::errc::internal, "not run");
  bool response_started = false;
  bool keep = false;
  failure_kind failure = failure_kind::none;
};

}  // namespace

struct http_client::impl {
  asio::any_io_executor ex;
  client_options opt;
  url_parts base;
  std::string prefix;  // the base URL's path without its trailing '/'
  ssl::context tls_ctx{ssl::context::tls_client};
  std::vector<std::unique_ptr<connection>> idle;
  client_stats stats;
  std::uint64_t next_id = 1;

  std::unique_ptr<connection> take_idle(const std::string& origin) {
    for (std::size_t i = idle.size(); i-- > 0;) {
      if (idle[i]->origin != origin) continue;
      auto c = std::move(idle[i]);
      idle.erase(idle.begin() + static_cast<std::ptrdiff_t>(i));
      if (steady::now() - c->idle_since < opt.max_idle && c->looks_alive()) return c;
      spdlog::debug("upstream: dropping idle connection #{} to {} (closed or stale)", c->id,
                    c->origin);
    }
    return nullptr;
  }

  void give_back(std::unique_ptr<connection> c) {
    if (opt.pool_size == 0) return;
    if (idle.size() >= opt.pool_size) idle.erase(idle.begin());
    c->idle_since = steady::now();
    idle.push_back(std::move(c));
  }
};

namespace {

using impl = http_client::impl;
using impl_ptr = std::shared_ptr<impl>;

core::error transport_error(const beast::error_code& ec, std::string_view what,
                            const std::string& origin, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout)
    return core::make_error(core::errc::timeout, "upstream " + origin + " did not answer within " +
                                                     seconds_text(timeout) + " (" +
                                                     std::string(what) + ")");
  if (ec == asio::error::operation_aborted)
    return core::make_error(core::errc::cancelled, "the upstream call was cancelled");
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated)
    return core::make_error(
        core::errc::upstream_unavailable,
        "upstream " + origin + " closed the connection (" + std::string(what) + ")");
  return core::make_error(
      core::errc::upstream_unavailable,
      "upstream " + origin + ": " + std::string(what) + " failed: " + ec.message());
}

bool is_stale_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

asio::awaitable<core::result<std::unique_ptr<connection>>> connect(impl_ptr I, url_parts where) {
  auto ex = I->ex;
  const auto origin = where.origin();
  const auto timeout = I->opt.connect_timeout;
  tcp::resolver resolver(ex);
  asio::steady_timer guard(ex);
  guard.expires_after(timeout);
  // The resolver has no deadline of its own: the timer cancels it.
  guard.async_wait([&resolver](const beast::error_code& ec) {
    if (!ec) resolver.cancel();
  });
  auto [rec, results] =
      co_await resolver.async_resolve(where.host, std::to_string(where.port), use_tuple);
  const bool timed_out = guard.expiry() <= steady::now();
  guard.cancel();
  if (rec) {
    if (rec == asio::error::operation_aborted && timed_out)
      co_return core::make_error(
          core::errc::timeout,
          "resolving " + where.host + " took longer than " + seconds_text(timeout));
    co_return core::make_error(core::errc::upstream_unavailable,
                               "cannot resolve " + where.host + ": " + rec.message());
  }
  beast::tcp_stream s(ex);
  s.expires_after(timeout);
  if (auto [cec, ep] = co_await s.async_connect(results, use_tuple); cec) {
    if (cec == beast::error::timeout)
      co_return core::make_error(
          core::errc::timeout,
          "connecting to " + origin + " took longer than " + seconds_text(timeout));
    co_return transport_error(cec, "connect", origin, timeout);
  }
  beast::error_code ignored;
  s.socket().set_option(tcp::no_delay(true), ignored);
  auto c = std::make_unique<connection>();
  c->origin = origin;
  c->id = I->next_id++;
  ++I->stats.connections_opened;
  if (!where.tls) {
    c->plain.emplace(std::move(s));
    co_return c;
  }
  c->tls = std::make_unique<tls_stream>(std::move(s), I->tls_ctx);
  SSL* ssl_handle = c->tls->native_handle();
  // OpenSSL checks the name during verification, so a mismatch reads as a verify failure with
  // a clear reason ("hostname mismatch").
  if (is_ip_literal(where.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_handle), where.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_handle, where.host.c_str());
    SSL_set1_host(ssl_handle, where.host.c_str());
  }
  c->tls->set_verify_mode(ssl::verify_peer);
  c->lowest().expires_after(timeout);
  auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, use_tuple);
  if (hec) {
    const long verify = SSL_get_verify_result(ssl_handle);
    if (verify != X509_V_OK) {
      auto e = core::make_error(core::errc::upstream_unavailable,
                                "TLS certificate of " + origin +
                                    " was refused: " + X509_verify_cert_error_string(verify));
      e.hint =
          "the server's certificate is not trusted or not issued for this host name; for a "
          "private CA set upstream.ca_file";
      co_return e;
    }
    if (hec == beast::error::timeout)
      co_return core::make_error(
          core::errc::timeout,
          "TLS handshake with " + origin + " took longer than " + seconds_text(timeout));
    co_return core::make_error(core::errc::upstream_unavailable,
                               "TLS handshake with " + origin + " failed: " + hec.message());
  }
  co_return c;
}

// The request header: attribution on every call, the bearer when given, keep-alive.
http::request<http::empty_body> make_header(const impl& I, const url_parts& where,
                                            const http_request& req, std::uint64_t length,
                                            const std::string& content_type) {
  http::request<http::empty_body> h;
  h.version(11);
  const auto verb = http::string_to_verb(req.method);
  if (verb == http::verb::unknown)
    h.method_string(req.method);
  else
    h.method(verb);
  h.target(where.target);
  h.set(http::field::host, where.host_header());
  h.set(http::field::user_agent, std::string("reeld/") + reel::version);
  h.set("X-Skill-Source", I.opt.skill_source);
  h.set("X-Skill-Version", I.opt.skill_version);
  h.set("X-Skill-Platform", I.opt.skill_platform);
  if (!req.bearer.empty()) h.set(http::field::authorization, "Bearer " + req.bearer);
  if (!content_type.empty()) h.set(http::field::content_type, content_type);
  if (length > 0 || req.method == "POST" || req.method == "PUT" || req.method == "PATCH")
    h.content_length(length);
  h.set(http::field::accept, "application/json");
  for (const auto& [k, v] : req.headers) h.set(k, v);
  h.keep_alive(true);
  return h;
}

template <class Stream>
asio::awaitable<beast::error_code> write_piece(Stream& s, connection& c, asio::const_buffer b,
                                               std::chrono::milliseconds timeout) {
  c.lowest().expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(s, b, use_tuple);
  co_return ec;
}

// Writes the body pieces; a file is read in io_chunk blocks, so memory stays flat whatever its
// size. Returns a transport error code, or a core::error for a local file problem.
template <class Stream>
asio::awaitable<std::pair<beast::error_code, std::optional<core::error>>> write_body(
    Stream& s, connection& c, const std::vector<body_piece>& pieces, std::uint64_t total,
    const progress_fn& progress, std::chrono::milliseconds timeout) {
  std::uint64_t done = 0;
  std::vector<char> buf;
  for (const auto& p : pieces) {
    if (!p.is_file) {
      if (p.bytes.empty()) continue;
      if (auto ec = co_await write_piece(s, c, asio::buffer(p.bytes), timeout); ec)
        co_return std::pair{ec, std::optional<core::error>{}};
      done += p.bytes.size();
      if (progress) progress(done, total);
      continue;
    }
    unique_fd fd(::open(p.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
      co_return std::pair{beast::error_code{},
                          std::optional{core::make_error(
                              core::errc::bad_request,
                              "cannot read " + p.file.string() + ": " + std::strerror(errno))}};
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    if (buf.empty()) buf.resize(io_chunk);
    std::uint64_t left = p.file_size;
    while (left > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      const auto n = ::read(fd.get(), buf.data(), want);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        co_return std::pair{
            beast::error_code{},
            std::optional{core::make_error(
                core::errc::bad_request, "cannot read " + p.file.string() +
                                             (n == 0 ? ": the file shrank during the upload"
                                                     : ": " + std::string(std::strerror(errno))))}};
      if (auto ec = co_await write_piece(
              s, c, asio::buffer(buf.data(), static_cast<std::size_t>(n)), timeout);
          ec)
        co_return std::pair{ec, std::optional<core::error>{}};
      left -= static_cast<std::uint64_t>(n);
      done += static_cast<std::uint64_t>(n);
      if (progress) progress(done, total);
    }
  }
  co_return std::pair{beast::error_code{}, std::optional<core::error>{}};
}

struct prepared {
  url_parts where;
  http::request<http::empty_body> header;
  std::vector<body_piece> pieces;
  std::uint64_t length = 0;
  std::chrono::milliseconds read_timeout{};
};

template <class Stream>
asio::awaitable<exchange_out> exchange(Stream& s, connection& c, impl& I, const prepared& p,
                                       const progress_fn& progress, body_sink* sink) {
  exchange_out out;
  const auto origin = c.origin;
  const auto wt = I.opt.request_timeout;
  ++I.stats.requests;

  // A server that refuses a body may answer and close before reading it: a failed write still
  // reads the answer, and reports the write failure only when no answer came.
  beast::error_code wec;
  {
    http::request_serializer<http::empty_body> sr{p.header};
    c.lowest().expires_after(wt);
    auto [ec, n] = co_await http::async_write_header(s, sr, use_tuple);
    wec = ec;
  }
  if (!wec) {
    auto [ec, local] = co_await write_body(s, c, p.pieces, p.length, progress, wt);
    if (local) {
      out.res = *local;
      out.failure = failure_kind::other;
      co_return out;
    }
    wec = ec;
  }
  if (wec == beast::error::timeout || wec == asio::error::operation_aborted) {
    out.res = transport_error(wec, "sending the request", origin, wt);
    out.failure = failure_kind::other;
    co_return out;
  }

  http_response head;
  std::optional<http::response_parser<http::buffer_body>> parser;
  for (;;) {
    parser.emplace();
    parser->header_limit(64 * 1024);
    parser->body_limit(boost::none);
    c.lowest().expires_after(p.read_timeout);
    auto [ec, n] = co_await http::async_read_header(s, c.buffer, *parser, use_tuple);
    if (ec) {
      const auto& use = wec ? wec : ec;
      out.res = transport_error(use, wec ? "sending the request" : "reading the answer", origin,
                                wec ? wt : p.read_timeout);
      out.failure = is_stale_error(use) ? failure_kind::stale : failure_kind::other;
      co_return out;
    }
    const int status = static_cast<int>(parser->get().result_int());
    if (status >= 200 || status < 100) break;
    if (!parser->is_done()) break;  // a 1xx with a body would be odd; read it as the answer
  }
  out.response_started = true;
  const auto& msg = parser->get();
  head.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg)
    head.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));

  bool to_sink = false;
  if (sink) {
    auto r = sink->on_header(head);
    if (!r) {
      out.res = r.error();
      co_return out;
    }
    to_sink = *r;
  }
  head.streamed = to_sink;

  // Beast reads the socket into c.buffer no more than its free capacity at a time (at least 512
  // bytes): without room, a fast stream is read a few hundred bytes per turn of the loop and
  // falls behind. A streamed body gets room for 64 KiB a read; the room is given back after.
  if (to_sink) c.buffer.reserve(c.buffer.size() + socket_read);
  std::vector<char> buf(body_chunk);
  while (!parser->is_done()) {
    auto& body = parser->get().body();
    body.data = buf.data();
    body.size = buf.size();
    body.more = true;
    c.lowest().expires_after(p.read_timeout);
    auto [ec, n] = co_await http::async_read_some(s, c.buffer, *parser, use_tuple);
    if (ec == http::error::need_buffer) ec = {};
    // One read of the socket may hold many chunks of a chunked body (a fast SSE stream: one
    // chunk per event); async_read_some parses one of them and costs a turn of the loop each.
    // Parse the rest of what was read here, so the sink gets it in one piece.
    if (!ec) drain_buffered(c.buffer, *parser, ec);
    const std::size_t got = buf.size() - parser->get().body().size;
    if (got > 0) {
      const std::string_view bytes(buf.data(), got);
      if (to_sink) {
        if (auto r = sink->on_data(bytes); !r) {
          out.res = r.error();
          co_return out;
        }
      } else {
        if (head.body.size() + got > I.opt.max_body) {
          out.res = core::make_error(core::errc::upstream_error,
                                     "upstream " + origin + " answered a body larger than " +
                                         std::to_string(I.opt.max_body) + " bytes");
          co_return out;
        }
        head.body.append(bytes);
      }
    }
    if (ec) {
      out.res = transport_error(ec, "reading the answer's body", origin, p.read_timeout);
      out.failure = failure_kind::other;
      co_return out;
    }
  }
  if (to_sink) c.buffer.shrink_to_fit();
  out.keep = !wec && parser->keep_alive();
  out.res = std::move(head);
  co_return out;
}

// One call: a pooled or new connection, one exchange, and one more on a fresh connection when a
// reused one turned out closed before any answer (if the request may be repeated).
asio::awaitable<core::result<http_response>> perform(impl_ptr I, prepared p, progress_fn progress,
                                                     body_sink* sink, bool replayable) {
  const auto origin = p.where.origin();
  const auto started = steady::now();
  for (int attempt = 0;; ++attempt) {
    auto c = I->take_idle(origin);
    const bool reused = c != nullptr;
    if (!c) {
      auto made = co_await connect(I, p.where);
      if (!made) co_return made.error();
      c = std::move(*made);
    } else {
      ++I->stats.reused;
    }
    // An if, not ?: with a co_await in each branch: GCC 12 mishandles that.
    exchange_out out;
    if (c->tls)
      out = co_await exchange(*c->tls, *c, *I, p, progress, sink);
    else
      out = co_await exchange(*c->plain, *c, *I, p, progress, sink);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started).count();
    const auto path = std::string_view(p.where.target).substr(0, p.where.target.find('?'));
    if (out.res) {
      spdlog::debug("upstream: {} {} -> {} ({} ms, connection #{}{})",
                    std::string(p.header.method_string()), path, out.res->status, ms, c->id,
                    reused ? ", reused" : "");
      if (out.keep) I->give_back(std::move(c));
      co_return std::move(out.res);
    }
    if (reused && replayable && attempt == 0 && !out.response_started &&
        out.failure == failure_kind::stale) {
      spdlog::debug("upstream: connection #{} was closed by the server; retrying on a new one",
                    c->id);
      continue;
    }
    spdlog::debug("upstream: {} {} failed after {} ms: {}", std::string(p.header.method_string()),
                  path, ms, out.res.error().message);
    co_return out.res.error();
  }
}

std::string random_boundary() {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string b = "reel-";
  for (int i = 0; i < 32; ++i) b += alphabet[rd() % 36];
  return b;
}

core::result<prepared> prepare(const impl& I, url_parts where, const http_request& req,
                               std::chrono::milliseconds read_timeout) {
  prepared p;
  p.read_timeout = read_timeout;
  std::string content_type = req.content_type;
  if (!req.files.empty()) {
    auto mp = make_multipart(req.files, random_boundary());
    if (!mp) return mp.error();
    content_type = mp->content_type;
    p.pieces = std::move(mp->pieces);
    p.length = mp->length;
  } else if (!req.body.empty()) {
    body_piece b;
    b.bytes = req.body;
    p.pieces.push_back(std::move(b));
    p.length = req.body.size();
  }
  p.header = make_header(I, where, req, p.length, content_type);
  p.where = std::move(where);
  return p;
}

url_parts on_base(const impl& I, const std::string& target) {
  url_parts w = I.base;
  w.target = I.prefix + (target.empty() || target.front() != '/' ? "/" + target : target);
  return w;
}

asio::awaitable<core::result<http_response>> do_send(impl_ptr I, http_request req,
                                                     progress_fn progress) {
  auto p = prepare(*I, on_base(*I, req.target), req, I->opt.request_timeout);
  if (!p) co_return p.error();
  // Not "co_return co_await": GCC 12 destroys that temporary twice.
  auto r = co_await perform(I, std::move(*p), std::move(progress), nullptr, req.replayable);
  co_return r;
}

asio::awaitable<core::result<http_response>> do_stream(impl_ptr I, http_request req,
                                                       chunk_fn on_chunk) {
  auto p = prepare(*I, on_base(*I, req.target), req, I->opt.sse_idle_timeout);
  if (!p) co_return p.error();
  chunk_sink sink(std::move(on_chunk));
  auto r = co_await perform(I, std::move(*p), {}, &sink, req.replayable);
  co_return r;
}

asio::awaitable<core::result<download_result>> do_download(impl_ptr I, std::string url,
                                                           std::filesystem::path dest,
                                                           std::uint64_t from_byte,
                                                           std::string bearer,
                                                           progress_fn progress) {
  url_parts where;
  if (!url.empty() && url.front() == '/') {
    where = on_base(*I, url);
  } else {
    auto parsed = parse_url(url);
    if (!parsed) co_return parsed.error();
    where = std::move(*parsed);
    if (where.origin() != I->base.origin()) bearer.clear();  // never hand our token elsewhere
  }
  http_request req;
  req.method = "GET";
  req.bearer = std::move(bearer);
  req.headers.emplace_back("Accept", "*/*");
  if (from_byte > 0) req.headers.emplace_back("Range", "bytes=" + std::to_string(from_byte) + "-");
  auto p = prepare(*I, std::move(where), req, I->opt.request_timeout);
  if (!p) co_return p.error();
  file_sink sink(std::move(dest), from_byte, std::move(progress));
  auto r = co_await perform(I, std::move(*p), {}, &sink, true);
  if (!r) co_return r.error();
  auto& out = sink.result();
  out.response = std::move(*r);
  if (out.saved && out.total && out.bytes_on_disk != *out.total)
    co_return core::make_error(core::errc::upstream_unavailable,
                               "the download ended after " + std::to_string(out.bytes_on_disk) +
                                   " of " + std::to_string(*out.total) + " bytes");
  co_return std::move(out);
}

}  // namespace

std::string http_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return {};
}

client_options client_options::from_config(const core::config& cfg) {
  client_options o;
  const auto& u = cfg.upstream;
  o.base_url = u.base_url;
  o.ca_file = u.ca_file;
  o.skill_source = u.skill_source;
  o.skill_version = u.skill_version;
  o.skill_platform = u.skill_platform;
  o.connect_timeout = std::chrono::seconds(u.connect_timeout_s);
  o.request_timeout = std::chrono::seconds(u.request_timeout_s);
  o.sse_idle_timeout = std::chrono::seconds(u.sse_idle_timeout_s);
  o.pool_size = static_cast<std::size_t>(u.pool_size);
  return o;
}

core::result<http_client> http_client::make(asio::any_io_executor ex, client_options o) {
  auto base = parse_url(o.base_url);
  if (!base) return base.error();
  auto I = std::make_shared<impl>();
  I->ex = std::move(ex);
  I->base = std::move(*base);
  I->prefix = I->base.target.substr(0, I->base.target.find('?'));
  while (!I->prefix.empty() && I->prefix.back() == '/') I->prefix.pop_back();
  SSL_CTX_set_min_proto_version(I->tls_ctx.native_handle(), TLS1_2_VERSION);
  I->tls_ctx.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  I->tls_ctx.set_default_verify_paths(ec);
  if (ec) spdlog::warn("upstream: the system CA store could not be loaded: {}", ec.message());
  if (!o.ca_file.empty()) {
    I->tls_ctx.load_verify_file(o.ca_file, ec);
    if (ec)
      return core::make_error(core::errc::bad_request, "upstream.ca_file " + o.ca_file +
                                                           " cannot be loaded: " + ec.message());
  }
  if (!I->base.tls && I->base.host != "localhost" && I->base.host != "::1" &&
      I->base.host.rfind("127.", 0) != 0)
    spdlog::warn("upstream: base_url {} is plain HTTP: calls and the token travel unencrypted",
                 I->base.origin());
  I->opt = std::move(o);
  return http_client(std::move(I));
}

asio::awaitable<core::result<http_response>> http_client::send(http_request req,
                                                               progress_fn progress) const {
  return do_send(impl_, std::move(req), std::move(progress));
}

asio::awaitable<core::result<http_response>> http_client::stream(http_request req,
                                                                 chunk_fn on_chunk) const {
  return do_stream(impl_, std::move(req), std::move(on_chunk));
}

asio::awaitable<core::result<download_result>> http_client::download(std::string url,
                                                                     std::filesystem::path dest,
                                                                     std::uint64_t from_byte,
                                                                     std::string bearer,
                                                                     progress_fn progress) const {
  return do_download(impl_, std::move(url), std::move(dest), from_byte, std::move(bearer),
                     std::move(progress));
}

bool http_client::same_origin(std::string_view url) const {
  if (!url.empty() && url.front() == '/') return true;
  auto p = parse_url(url);
  return p && p->origin() == impl_->base.origin();
}

void http_client::close_idle() const {
  impl_->idle.clear();
}

client_stats http_client::stats() const {
  return impl_->stats;
}

const client_options& http_client::options() const {
  return impl_->opt;
}

asio::any_io_executor http_client::executor() const {
  return impl_->ex;
}

}  // namespace reel::upstream
