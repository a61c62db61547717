// The only translation unit with Beast's HTTP parser and serializer (they compile slowly).
#include "cli/http_client.hpp"

#include "cli/io_wait.hpp"
#include "cli/line_splitter.hpp"
#include "reel/version.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

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

// A parts body goes out in chunks of this size: the only buffer its files need.
constexpr std::size_t body_chunk = std::size_t{256} << 10;

void set_fields(http::request_header<>& r, const client_options& opts, const http_request& req) {
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
}

http::request<http::string_body> make_request(const client_options& opts, const http_request& req) {
  http::request<http::string_body> r;
  set_fields(r, opts, req);
  r.body() = req.body;
  r.prepare_payload();
  return r;
}

class file_handle {
 public:
  explicit file_handle(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  file_handle(const file_handle&) = delete;
  file_handle& operator=(const file_handle&) = delete;
  ~file_handle() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

client_error unreadable(const std::string& path, int err) {
  return make_failure(failure::local, "file_unreadable",
                      "cannot read " + path + ": " + std::strerror(err));
}

// The size of each part, files by fstat: every file is opened here, so one that cannot be read
// fails before anything is sent.
client_result<std::vector<std::uint64_t>> part_sizes(const std::vector<body_part>& parts) {
  std::vector<std::uint64_t> sizes;
  for (const auto& p : parts) {
    if (p.what == body_part::kind::bytes) {
      sizes.push_back(p.data.size());
      continue;
    }
    file_handle f(p.data);
    if (f.get() < 0) return unreadable(p.data, errno);
    struct stat st {};
    if (::fstat(f.get(), &st) != 0) return unreadable(p.data, errno);
    if (!S_ISREG(st.st_mode))
      return make_failure(failure::local, "file_unreadable", p.data + " is not a regular file");
    sizes.push_back(static_cast<std::uint64_t>(st.st_size));
  }
  return sizes;
}

// Reads up to `n` bytes; fewer only at the end of the file. -1 with errno on an error.
ssize_t read_full(int fd, char* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const auto r = ::read(fd, out + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(got);
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
  const bool streamed = !req.parts.empty();
  std::vector<std::uint64_t> sizes;
  std::uint64_t total = 0;
  if (streamed) {
    auto s = part_sizes(req.parts);
    if (!s) return s.error();
    sizes = std::move(*s);
    for (auto n : sizes) total += n;
  }

  asio::io_context ioc;
  auto connected = detail::connect_socket(ioc, opts);
  if (!connected) return connected.error();
  asio::ip::tcp::socket sock = std::move(*connected);

  opts.log(req.method + " " + req.target +
           (streamed ? " (" + std::to_string(total) + " bytes, streamed)" : std::string()));
  bool done = false;
  beast::error_code ec;
  auto on_done = [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  };
  auto abandon = [&](wait_outcome outcome, std::string_view step, const client_options& limits) {
    sock.close();
    detail::drain(ioc, done);
    return detail::wait_failure(outcome, limits, step);
  };
  auto run = [&](std::chrono::milliseconds limit) {
    return detail::run_until(ioc, done, clock::now() + limit, opts.stop);
  };

  // A daemon that refuses a body early (413) answers and closes before reading it all: the
  // answer still explains more than the failed write does.
  beast::error_code write_ec;
  if (!streamed) {
    auto r = make_request(opts, req);
    http::async_write(sock, r, on_done);
    auto outcome = run(opts.io_timeout);
    if (outcome != wait_outcome::done) return abandon(outcome, "sending the request", opts);
    write_ec = ec;
  } else {
    http::request<http::empty_body> r;
    set_fields(r, opts, req);
    r.content_length(total);
    http::request_serializer<http::empty_body> sr(r);
    done = false;
    http::async_write_header(sock, sr, on_done);
    auto outcome = run(opts.io_timeout);
    if (outcome != wait_outcome::done) return abandon(outcome, "sending the request", opts);
    write_ec = ec;

    std::vector<char> chunk;
    std::uint64_t sent = 0;
    bool stop_sending = static_cast<bool>(write_ec);
    for (std::size_t i = 0; i < req.parts.size() && !stop_sending; ++i) {
      const auto& part = req.parts[i];
      const bool is_file = part.what == body_part::kind::file;
      std::optional<file_handle> file;
      if (is_file) {
        file.emplace(part.data);
        if (file->get() < 0) {
          const int err = errno;
          sock.close();
          return unreadable(part.data, err);
        }
        if (chunk.empty()) chunk.resize(body_chunk);
      }
      std::uint64_t left = sizes[i];
      std::size_t offset = 0;
      while (left > 0) {
        // An answer before the whole body went (413) means the daemon reads no more of it.
        beast::error_code avail_ec;
        if (sock.available(avail_ec) > 0) {
          opts.log("the daemon answered before the body was sent");
          stop_sending = true;
          break;
        }
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, body_chunk));
        const char* data = part.data.data() + offset;
        if (is_file) {
          const auto got = read_full(file->get(), chunk.data(), want);
          if (got < 0 || static_cast<std::size_t>(got) < want) {
            const int err = errno;
            sock.close();
            if (got < 0) return unreadable(part.data, err);
            return make_failure(failure::local, "file_changed",
                                part.data + " got shorter while it was being sent");
          }
          data = chunk.data();
        }
        done = false;
        asio::async_write(sock, asio::buffer(data, want), on_done);
        outcome = run(opts.io_timeout);
        if (outcome != wait_outcome::done) return abandon(outcome, "sending the request", opts);
        if (ec) {
          write_ec = ec;
          stop_sending = true;
          break;
        }
        offset += want;
        left -= want;
        sent += want;
        if (req.on_progress) req.on_progress(sent, total);
      }
    }
  }

  beast::flat_buffer buf;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  if (req.method == "HEAD") parser.skip(true);
  done = false;
  http::async_read_header(sock, buf, parser, on_done);
  auto answer_opts = opts;
  if (req.answer_timeout) answer_opts.io_timeout = *req.answer_timeout;
  auto outcome = run(answer_opts.io_timeout);
  if (outcome != wait_outcome::done) return abandon(outcome, "waiting for the answer", answer_opts);
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
    outcome = run(opts.io_timeout);
    if (outcome != wait_outcome::done) return abandon(outcome, "reading the answer", opts);
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
  return call_json(req);
}

client_result<nlohmann::json> http_client::call_json(const http_request& req) const {
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
