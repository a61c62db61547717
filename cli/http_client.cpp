// The only translation unit with Beast's HTTP parser and serializer (they compile slowly).
#include "cli/http_client.hpp"

#include "cli/io_wait.hpp"
#include "cli/line_splitter.hpp"
#include "reel/version.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>

namespace reel::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::clock;
using detail::wait_outcome;

namespace {

// A whole (non-streamed) answer bigger than this is not one reeld sends.
constexpr std::size_t max_whole_body = std::size_t{64} << 20;

bool is_success(int status) {
  return status >= 200 && status < 300;
}

http::request<http::string_body> make_request(const client_options& opts, const http_request& req) {
  http::request<http::string_body> r;
  r.method_string(req.method);
  r.target(req.target);
  r.version(11);
  r.set(http::field::host, opts.address.authority());
  r.set(http::field::user_agent, std::string("reel/") + reel::version);
  if (opts.api_key) r.set(http::field::authorization, "Bearer " + *opts.api_key);
  if (!req.accept.empty()) r.set(http::field::accept, req.accept);
  if (!req.content_type.empty()) r.set(http::field::content_type, req.content_type);
  for (const auto& [name, value] : req.headers) r.set(name, value);
  r.set(http::field::connection, "close");
  r.body() = req.body;
  r.prepare_payload();
  return r;
}

client_error not_http(const client_options& opts, const beast::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset)
    return detail::io_failure(ec, opts, "waiting for the answer");
  return make_failure(failure::protocol, "bad_response",
                      "the answer from " + opts.address.authority() + " is not HTTP (" +
                          ec.message() + "): is that port reeld's?");
}

client_result<http_response> exchange(const client_options& opts, const http_request& req,
                                      const http_client::chunk_callback* on_chunk) {
  auto started = clock::now();
  asio::io_context ioc;
  auto connected = detail::connect_socket(ioc, opts);
  if (!connected) return connected.error();
  asio::ip::tcp::socket sock = std::move(*connected);

  auto r = make_request(opts, req);
  opts.log(req.method + " " + req.target);
  bool done = false;
  beast::error_code ec;
  auto on_done = [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  };
  auto abandon = [&](wait_outcome outcome, std::string_view step) {
    sock.close();
    detail::drain(ioc, done);
    return detail::wait_failure(outcome, opts, step);
  };

  http::async_write(sock, r, on_done);
  auto outcome = detail::run_until(ioc, done, clock::now() + opts.io_timeout, opts.stop);
  if (outcome != wait_outcome::done) return abandon(outcome, "sending the request");
  // A daemon that refuses a body early (413) answers and closes before reading it all: the
  // answer still explains more than the failed write does.
  beast::error_code write_ec = ec;

  beast::flat_buffer buf;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  if (req.method == "HEAD") parser.skip(true);
  done = false;
  http::async_read_header(sock, buf, parser, on_done);
  outcome = detail::run_until(ioc, done, clock::now() + opts.io_timeout, opts.stop);
  if (outcome != wait_outcome::done) return abandon(outcome, "waiting for the answer");
  if (ec)
    return write_ec ? detail::io_failure(write_ec, opts, "sending the request")
                    : not_http(opts, ec);

  http_response res;
  res.status = parser.get().result_int();
  res.reason = std::string(parser.get().reason());
  res.content_type = std::string(parser.get()[http::field::content_type]);
  bool to_callback = on_chunk != nullptr && is_success(res.status);

  char chunk[16384];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    done = false;
    http::async_read(sock, buf, parser, on_done);
    outcome = detail::run_until(ioc, done, clock::now() + opts.io_timeout, opts.stop);
    if (outcome != wait_outcome::done) return abandon(outcome, "reading the answer");
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return detail::io_failure(ec, opts, "reading the answer");
    std::string_view bytes(chunk, sizeof chunk - parser.get().body().size);
    if (to_callback) {
      if (!bytes.empty() && !(*on_chunk)(bytes)) break;
    } else {
      if (res.body.size() + bytes.size() > max_whole_body)
        return make_failure(failure::protocol, "bad_response",
                            "the answer to " + req.target + " is larger than 64 MiB");
      res.body.append(bytes);
    }
  }
  beast::error_code ignored;
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  sock.close(ignored);

  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
  opts.log(req.method + " " + req.target + " -> " + std::to_string(res.status) + " " + res.reason +
           " (" + std::to_string(ms.count()) + " ms)");
  return res;
}

}  // namespace

client_result<http_response> http_client::send(const http_request& req) const {
  return exchange(opts_, req, nullptr);
}

client_result<http_response> http_client::send_streaming(const http_request& req,
                                                         const chunk_callback& on_chunk) const {
  return exchange(opts_, req, &on_chunk);
}

client_result<nlohmann::json> http_client::call_json(std::string_view method,
                                                     std::string_view target,
                                                     const nlohmann::json* body) const {
  http_request req;
  req.method = method;
  req.target = target;
  if (body != nullptr) {
    req.body = body->dump();
    req.content_type = "application/json";
  }
  auto res = send(req);
  if (!res) return res.error();
  if (!is_success(res->status)) return error_from_response(res->status, res->reason, res->body);
  // nlohmann::json converts to anything, so the value side is named explicitly.
  if (res->body.empty()) return {boost::system::in_place_value, nullptr};
  auto j = nlohmann::json::parse(res->body, nullptr, false);
  if (j.is_discarded())
    return make_failure(failure::protocol, "bad_response",
                        "the answer to " + req.target + " from " + opts_.address.authority() +
                            " is not JSON: is that port reeld's?");
  return {boost::system::in_place_value, std::move(j)};
}

client_result<int> http_client::stream_lines(http_request req, const line_callback& on_line) const {
  req.accept = "text/event-stream";
  line_splitter splitter;
  bool stopped = false;
  auto res = send_streaming(req, [&](std::string_view bytes) {
    stopped = !splitter.feed(bytes, on_line);
    return !stopped;
  });
  if (!res) return res.error();
  if (!is_success(res->status)) return error_from_response(res->status, res->reason, res->body);
  if (!stopped) splitter.finish(on_line);
  return res->status;
}

}  // namespace reel::cli
