// The tests' client: the only Beast translation unit on the test side.
#include "fake_nemo/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>
#include <type_traits>

namespace reel::fake_nemo::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using tls_stream = net::ssl::stream<beast::tcp_stream>;
constexpr auto tuple = net::as_tuple(net::use_awaitable);

http::request<http::empty_body> make_header(const request_spec& r, std::uint64_t length,
                                            const client_options& o) {
  http::request<http::empty_body> req{http::string_to_verb(r.method), r.target, 11};
  req.set(http::field::host, (o.tls ? o.verify_name : o.host) + ":" + std::to_string(o.port));
  req.set(http::field::user_agent, "reel-fake-nemo-test");
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (length > 0 || r.method == "POST" || r.method == "PUT") req.content_length(length);
  req.keep_alive(true);
  return req;
}

// The pieces of a request body, in order: the plain body, or a streamed body's parts with the
// filler split into 256 KiB writes.
std::vector<net::const_buffer> body_pieces(const request_spec& r,
                                           const std::optional<streamed_body>& sb,
                                           const std::string& filler) {
  std::vector<net::const_buffer> out;
  if (!sb) {
    out.push_back(net::buffer(r.body));
    return out;
  }
  out.push_back(net::buffer(sb->prefix));
  out.push_back(net::buffer(sb->head));
  for (std::uint64_t left = sb->size > sb->head.size() ? sb->size - sb->head.size() : 0;
       left > 0;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, filler.size()));
    out.push_back(net::buffer(filler.data(), n));
    left -= n;
  }
  out.push_back(net::buffer(sb->suffix));
  return out;
}

template <class Stream>
net::awaitable<std::vector<http_reply>> exchange(Stream stream, std::vector<request_spec> rs,
                                                 std::optional<streamed_body> sb,
                                                 client_options o) {
  std::vector<http_reply> out;
  beast::flat_buffer buffer;
  buffer.reserve(64 * 1024);  // reads of up to 64 KiB instead of ~1 KiB for large bodies
  for (const auto& r : rs) {
    const std::uint64_t length = sb ? sb->prefix.size() +
                                          std::max<std::uint64_t>(sb->size, sb->head.size()) +
                                          sb->suffix.size()
                                    : r.body.size();
    auto req = make_header(r, length, o);
    http::request_serializer<http::empty_body> sr{req};
    http_reply reply;
    auto [wec, hn] = co_await http::async_write_header(stream, sr, tuple);
    // A server that refuses a body may close early: still try to read its answer.
    const std::string filler(sb ? 256 * 1024 : 0, 'x');
    for (const auto& piece : body_pieces(r, sb, filler)) {
      if (wec || piece.size() == 0) continue;
      auto [ec, n] = co_await net::async_write(stream, piece, tuple);
      wec = ec;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, tuple);
    if (parser.is_header_done()) {
      const auto& res = parser.get();
      reply.status = static_cast<int>(res.result_int());
      for (const auto& f : res) {
        reply.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      }
      reply.body = res.body();
    }
    reply.complete = !ec && parser.is_done();
    if (ec) reply.error = ec.message();
    if (!reply.complete && wec) reply.error += " (write: " + wec.message() + ")";
    const bool again = reply.complete && parser.get().keep_alive();
    out.push_back(std::move(reply));
    if (!again) co_return out;
  }
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(tuple);
  }
  co_return out;
}

net::awaitable<std::vector<http_reply>> run(client_options o, std::vector<request_spec> rs,
                                            std::optional<streamed_body> sb) {
  auto ex = co_await net::this_coro::executor;
  beast::tcp_stream tcp_s(ex);
  tcp_s.expires_after(o.timeout);  // one deadline for the whole call
  const tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  if (auto [ec] = co_await tcp_s.async_connect(ep, tuple); ec) {
    http_reply r;
    r.error = "connect: " + ec.message();
    co_return std::vector<http_reply>{r};
  }
  if (!o.tls) co_return co_await exchange(std::move(tcp_s), std::move(rs), std::move(sb), o);

  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_peer);
  if (!o.ca_file.empty()) ctx.load_verify_file(o.ca_file);
  tls_stream stream(std::move(tcp_s), ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), o.verify_name.c_str());
  stream.set_verify_callback(net::ssl::host_name_verification(o.verify_name));
  if (auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::client, tuple); ec) {
    http_reply r;
    r.error = "handshake: " + ec.message();
    co_return std::vector<http_reply>{r};
  }
  co_return co_await exchange(std::move(stream), std::move(rs), std::move(sb), o);
}

std::vector<http_reply> drive(const client_options& o, std::vector<request_spec> rs,
                              std::optional<streamed_body> sb) {
  net::io_context ioc;
  std::vector<http_reply> out;
  // The result (or the exception's text) goes into `out`; the test then fails on its content.
  net::co_spawn(ioc, run(o, std::move(rs), std::move(sb)),
                [&out](const std::exception_ptr& e, std::vector<http_reply> r) {
                  if (!e) {
                    out = std::move(r);
                    return;
                  }
                  http_reply failed;
                  try {
                    std::rethrow_exception(e);
                  } catch (const std::exception& ex) {
                    failed.error = std::string("client exception: ") + ex.what();
                  }
                  out = {failed};
                });
  ioc.run_for(o.timeout + std::chrono::seconds(5));
  if (out.empty()) out.push_back(http_reply{0, {}, {}, false, "client timed out"});
  return out;
}

}  // namespace

nlohmann::json http_reply::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

http_client::http_client(client_options options) : options_(std::move(options)) {}

http_reply http_client::send(request_spec r) const {
  return drive(options_, {std::move(r)}, std::nullopt).front();
}

http_reply http_client::send_streamed(request_spec r, streamed_body b) const {
  return drive(options_, {std::move(r)}, std::move(b)).front();
}

std::vector<http_reply> http_client::send_all(std::vector<request_spec> rs) const {
  return drive(options_, std::move(rs), std::nullopt);
}

http_reply http_client::get(std::string target, header_list headers) const {
  return send(request_spec{"GET", std::move(target), std::move(headers), {}});
}

http_reply http_client::post_json(std::string target, const nlohmann::json& body,
                                  header_list headers) const {
  headers.emplace_back("Content-Type", "application/json");
  return send(request_spec{"POST", std::move(target), std::move(headers), body.dump()});
}

}  // namespace reel::fake_nemo::testing
