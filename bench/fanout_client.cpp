#include "fanout_client.hpp"

#include "delivery_recorder.hpp"
#include "proc_probe.hpp"
#include "ws_frame_splitter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <charconv>
#include <cstring>
#include <string_view>

namespace reel::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using ws_stream = websocket::stream<beast::tcp_stream>;
using clock = std::chrono::steady_clock;
constexpr asio::as_tuple_t<asio::use_awaitable_t<>> use_tuple{};

std::string_view text_of(const beast::flat_buffer& b) {
  return {static_cast<const char*>(b.data().data()), b.size()};
}

void append_number(std::string& s, std::int64_t v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), v);
  s.append(digits, end);
}

struct subscriber {
  subscriber(asio::io_context& io, std::vector<std::int64_t>& latencies)
      : ws(io), recorder(latencies), frames(256 * 1024) {}
  ws_stream ws;
  delivery_recorder recorder;
  ws_frame_splitter frames;
  bool subscribed = false;
  bool reading = false;  // a raw read is pending: Beast must not read this socket now
};

// What one read's worth of frames held, beyond the events the recorder took.
struct chunk_result {
  bool closed = false;  // a close frame came
  std::uint16_t close_code = 0;
  std::string close_reason;
  bool unexpected = false;  // a frame other than text, ping or pong
};

// The subscriber's hot path, shared with the replay that measures it: every complete frame in
// `frames` is taken, events are recorded at `now_ns` (one stamp per socket read: they arrived
// together), and the rest is noted.
chunk_result take_frames(ws_frame_splitter& frames, delivery_recorder& recorder,
                         std::int64_t now_ns) {
  chunk_result r;
  while (auto f = frames.next()) {
    if (f->opcode == 1 && f->fin) {
      recorder.record(f->payload, now_ns);
    } else if (f->opcode == 8) {
      r.closed = true;
      if (f->payload.size() >= 2) {
        const auto* b = reinterpret_cast<const unsigned char*>(f->payload.data());
        r.close_code = static_cast<std::uint16_t>((b[0] << 8) | b[1]);
        r.close_reason = std::string(f->payload.substr(2));
      }
      break;
    } else if (f->opcode != 9 && f->opcode != 10) {
      // Keep-alive pings come only after 15 s idle (not during a run); fragments never for
      // frames this small.
      r.unexpected = true;
    }
  }
  frames.compact();
  return r;
}

}  // namespace

struct fanout_client::impl {
  impl(fanout_options o, fanout_hooks h)
      : opts(std::move(o)),
        hooks(std::move(h)),
        endpoint(asio::ip::make_address(opts.host), opts.port),
        host_header(opts.host + ":" + std::to_string(opts.port)) {
    out.expected = static_cast<std::int64_t>(opts.clients) * opts.events;
    // One allocation up front: the hot path only appends.
    out.latencies_ns.reserve(static_cast<std::size_t>(out.expected));
    for (int i = 0; i < opts.clients; ++i)
      subs.push_back(std::make_unique<subscriber>(io, out.latencies_ns));
  }

  void fail(std::string what) {
    // A broken daemon could fail every request; the first few say enough.
    if (out.failures.size() < 20) out.failures.push_back(std::move(what));
  }
  void wake() { phase.cancel(); }
  void hard_close_all();
  void call_hook(const std::function<void()>& hook, const char* name);
  enum class role { subscriber, conductor, other };
  void spawn(asio::awaitable<void> a, std::string what, role r);

  asio::awaitable<beast::error_code> open(ws_stream* ws);
  asio::awaitable<void> run_subscriber(std::size_t i);
  asio::awaitable<void> publish_writer();
  asio::awaitable<void> publish_reader();
  asio::awaitable<void> close_one(ws_stream* ws);
  asio::awaitable<void> wait_until(std::function<bool()> done, clock::time_point until);
  asio::awaitable<void> conduct();

  asio::io_context io{1};
  fanout_options opts;
  fanout_hooks hooks;
  fanout_outcome out;
  tcp::endpoint endpoint;
  std::string host_header;
  std::vector<std::unique_ptr<subscriber>> subs;
  ws_stream pub{io};
  asio::steady_timer phase{io};
  asio::steady_timer window_open{io};
  asio::steady_timer pace{io};
  int subscribed = 0;
  int ended = 0;  // subscriber coroutines that returned
  std::size_t closes_done = 0;
  std::int64_t sent = 0;
  std::int64_t results = 0;
  bool writer_waiting = false;
  bool writer_done = false;
  bool reader_done = false;
  bool publisher_broken = false;  // its stream failed: the writer stops instead of waiting
  bool stopping = false;
};

void fanout_client::impl::hard_close_all() {
  beast::error_code ignored;
  for (auto& s : subs) beast::get_lowest_layer(s->ws).socket().close(ignored);
  beast::get_lowest_layer(pub).socket().close(ignored);
}

void fanout_client::impl::call_hook(const std::function<void()>& hook, const char* name) {
  // A hook reads /proc of the daemon; a daemon that died is a failed run, not a hung one.
  if (!hook) return;
  try {
    hook();
  } catch (const std::exception& e) {
    fail(std::string(name) + " hook failed: " + e.what());
  }
}

void fanout_client::impl::spawn(asio::awaitable<void> a, std::string what, role r) {
  asio::co_spawn(io, std::move(a), [this, what, r](std::exception_ptr e) {
    // Every coroutine catches its I/O errors as values; an exception here is a bench bug, and the
    // run still ends (at the deadline) with the failure in the report.
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      fail(what + " threw: " + ex.what());
    }
    if (r == role::subscriber) ++ended;
    // Without the conductor nobody closes the streams, and io.run() would never return.
    if (r == role::conductor) {
      stopping = true;
      hard_close_all();
    }
    wake();
  });
}

// `ws` is owned by the impl, which outlives io.run(), so a pointer parameter is safe here.
asio::awaitable<beast::error_code> fanout_client::impl::open(ws_stream* ws) {
  auto& tcp_layer = beast::get_lowest_layer(*ws);
  tcp_layer.expires_after(std::chrono::seconds(10));
  auto [cec] = co_await tcp_layer.async_connect(endpoint, use_tuple);
  if (cec) co_return cec;
  tcp_layer.socket().set_option(tcp::no_delay(true));
  // From here the websocket's own timeouts apply (Beast: do not mix the two).
  tcp_layer.expires_never();
  ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws->set_option(websocket::stream_base::decorator(
      [auth = "Bearer " + opts.key](websocket::request_type& req) {
        req.set(beast::http::field::authorization, auth);
      }));
  auto [hec] = co_await ws->async_handshake(host_header, "/v1/ws", use_tuple);
  if (hec) co_return hec;
  beast::flat_buffer hello;
  auto [rec, n] = co_await ws->async_read(hello, use_tuple);
  if (!rec && text_of(hello).find(R"("type":"hello")") == std::string_view::npos)
    co_return beast::error_code(asio::error::invalid_argument);
  co_return rec;
}

asio::awaitable<void> fanout_client::impl::run_subscriber(std::size_t i) {
  auto& s = *subs[i];
  const std::string name = "subscriber " + std::to_string(i);
  if (auto ec = co_await open(&s.ws)) {
    fail(name + " could not connect: " + ec.message());
    ++ended;
    wake();
    co_return;
  }
  const std::string request = R"({"id":1,"op":"subscribe","topic":"app:bench"})";
  auto [wec, wn] = co_await s.ws.async_write(asio::buffer(request), use_tuple);
  beast::flat_buffer buf;
  auto [rec, rn] = co_await s.ws.async_read(buf, use_tuple);
  if (wec || rec || text_of(buf).find(R"("ok":true)") == std::string_view::npos) {
    fail(name + " could not subscribe: " +
         (wec   ? wec.message()
          : rec ? rec.message()
                : std::string(text_of(buf))));
    ++ended;
    wake();
    co_return;
  }
  // Events start only after every subscriber has its result, so Beast has nothing buffered
  // past it: from here the socket can be read directly, many frames per read.
  s.subscribed = true;
  ++subscribed;
  wake();

  auto& sock = beast::get_lowest_layer(s.ws);
  const bool sampler = i == 0;
  std::size_t sampled = 0;
  while (s.recorder.delivered() < opts.events) {
    auto space = s.frames.space();
    s.reading = true;
    auto [ec, n] =
        co_await sock.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
    s.reading = false;
    if (ec) {
      if (!stopping) {
        ++out.closed_early;
        fail(name + " lost its connection after " + std::to_string(s.recorder.delivered()) +
             " events: " + ec.message());
      }
      break;
    }
    const auto now = monotonic_ns();
    if (sampler && sampled < opts.sample_bytes) {
      out.sample_chunks.emplace_back(space.data(), n);
      sampled += n;
    }
    s.frames.commit(n);
    const auto before = s.recorder.delivered();
    auto r = take_frames(s.frames, s.recorder, now);
    if (s.recorder.delivered() > before) out.last_delivery_ns = now;
    if (r.unexpected) fail(name + " got a frame that is neither text nor control");
    if (s.frames.failed()) {
      fail(name + " got a malformed frame");
      break;
    }
    if (r.closed) {
      if (!stopping) {
        ++out.closed_early;
        fail(name + " closed by the daemon after " + std::to_string(s.recorder.delivered()) +
             " events: " + std::to_string(r.close_code) + " " + r.close_reason);
      }
      break;
    }
  }
  out.delivered += s.recorder.delivered();
  out.out_of_order += s.recorder.out_of_order();
  ++ended;
  wake();
}

asio::awaitable<void> fanout_client::impl::publish_writer() {
  std::string msg;
  msg.reserve(160);
  const auto start = clock::now();
  for (std::int64_t id = 1; id <= opts.events && !stopping; ++id) {
    // Paced (open loop): event `id` is due at start + (id - 1) / rate, whatever came back, so the
    // latency is measured at a known load instead of at saturation.
    if (opts.rate > 0) {
      const auto due = start + std::chrono::nanoseconds((id - 1) * 1'000'000'000 / opts.rate);
      if (clock::now() < due) {
        pace.expires_at(due);
        co_await pace.async_wait(use_tuple);
      }
    }
    // Pipelined: up to `window` requests in flight, so the daemon, not the round trip, sets the
    // pace.
    while (sent - results >= opts.window && !stopping && !publisher_broken) {
      writer_waiting = true;
      window_open.expires_at(clock::time_point::max());
      co_await window_open.async_wait(use_tuple);
      writer_waiting = false;
    }
    if (stopping || publisher_broken) break;
    const auto t = monotonic_ns();
    if (id == 1) out.first_publish_ns = t;
    msg.assign(R"({"id":)");
    append_number(msg, id);
    msg += R"(,"op":"publish","topic":"app:bench","event":"tick","data":{"t":)";
    append_number(msg, t);
    msg += "}}";
    ++sent;
    auto [ec, n] = co_await pub.async_write(asio::buffer(msg), use_tuple);
    if (ec) {
      if (!stopping) fail("publisher write failed: " + ec.message());
      break;
    }
  }
  writer_done = true;
  wake();
}

asio::awaitable<void> fanout_client::impl::publish_reader() {
  beast::flat_buffer buf;
  buf.reserve(64 * 1024);
  while (results < opts.events) {
    auto [ec, n] = co_await pub.async_read(buf, use_tuple);
    if (ec) {
      if (!stopping) fail("publisher read failed: " + ec.message());
      publisher_broken = true;
      if (writer_waiting) window_open.cancel();
      break;
    }
    const auto text = text_of(buf);
    if (text.find(R"("type":"result")") != std::string_view::npos) {
      ++results;
      out.last_result_ns = monotonic_ns();
      if (text.find(R"("ok":true)") != std::string_view::npos) {
        ++out.accepted;
      } else {
        ++out.publish_errors;
        fail("publish refused: " + std::string(text.substr(0, 300)));
      }
      if (writer_waiting) window_open.cancel();
    }
    buf.consume(buf.size());
  }
  reader_done = true;
  wake();
}

asio::awaitable<void> fanout_client::impl::close_one(ws_stream* ws) {
  auto [ec] = co_await ws->async_close(websocket::close_code::normal, use_tuple);
  (void)ec;  // the deadline in conduct() hard-closes whatever does not close cleanly
  ++closes_done;
  wake();
}

asio::awaitable<void> fanout_client::impl::wait_until(std::function<bool()> done,
                                                      clock::time_point until) {
  // Woken early by wake(); the short period bounds how late a deadline or stall is noticed.
  while (!done() && clock::now() < until) {
    phase.expires_after(std::chrono::milliseconds(50));
    co_await phase.async_wait(use_tuple);
  }
}

asio::awaitable<void> fanout_client::impl::conduct() {
  const auto deadline = clock::now() + opts.deadline;
  for (std::size_t i = 0; i < subs.size(); ++i)
    spawn(run_subscriber(i), "subscriber " + std::to_string(i), role::subscriber);
  co_await wait_until([this] { return subscribed + ended >= opts.clients; }, deadline);

  bool publisher_open = false;
  double cpu_at_publish = 0;
  if (subscribed < opts.clients) {
    fail("only " + std::to_string(subscribed) + " of " + std::to_string(opts.clients) +
         " subscribers subscribed");
  } else if (auto ec = co_await open(&pub)) {
    fail("publisher could not connect: " + ec.message());
  } else {
    publisher_open = true;
    // Let the last subscription's writes settle before sampling the idle daemon.
    phase.expires_after(std::chrono::milliseconds(100));
    co_await phase.async_wait(use_tuple);
    call_hook(hooks.subscribed, "subscribed");
    call_hook(hooks.publishing, "publishing");
    cpu_at_publish = self_cpu_s();
    spawn(publish_reader(), "publisher reader", role::other);
    spawn(publish_writer(), "publisher writer", role::other);
    // Done when every subscriber has everything or is gone; a lost event shows as a stall.
    co_await wait_until(
        [this] {
          if (ended >= opts.clients) return true;
          return reader_done && writer_done &&
                 monotonic_ns() - std::max(out.last_delivery_ns, out.last_result_ns) >
                     3'000'000'000;
        },
        deadline);
  }
  out.timed_out = clock::now() >= deadline;
  if (out.timed_out) fail("the run passed its deadline");
  if (publisher_open) out.client_cpu_s = self_cpu_s() - cpu_at_publish;
  call_hook(hooks.finished, "finished");

  stopping = true;
  window_open.cancel();
  pace.cancel();
  // Graceful closes only where no Beast write is in flight (one writer per stream) and, since
  // Beast's close reads the socket itself, only where no raw read is pending; the rest are
  // hard-closed below.
  std::size_t closing = 0;
  for (auto& s : subs) {
    if (s->subscribed && !s->reading) {
      spawn(close_one(&s->ws), "close", role::other);
      ++closing;
    }
  }
  if (publisher_open && writer_done && reader_done) {
    spawn(close_one(&pub), "close", role::other);
    ++closing;
  }
  co_await wait_until([this, closing] { return closes_done >= closing; },
                      clock::now() + std::chrono::seconds(2));
  hard_close_all();
}

fanout_client::fanout_client(fanout_options opts, fanout_hooks hooks)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(hooks))) {}

fanout_client::~fanout_client() = default;

double fanout_client::replay_rate(const std::vector<std::string>& chunks, std::int64_t total) {
  std::vector<std::int64_t> sink;
  sink.reserve(static_cast<std::size_t>(total));
  std::int64_t done = 0;
  const auto start = monotonic_ns();
  while (done < total) {
    // A fresh splitter and recorder per pass: the same frames again are not a reordering.
    ws_frame_splitter frames(256 * 1024);
    delivery_recorder recorder(sink);
    for (const auto& c : chunks) {
      auto space = frames.space();
      if (c.size() > space.size()) return 0;
      std::memcpy(space.data(), c.data(), c.size());
      frames.commit(c.size());
      take_frames(frames, recorder, monotonic_ns());
      if (recorder.delivered() >= total - done) break;
    }
    if (recorder.delivered() == 0) return 0;
    done += recorder.delivered();
  }
  const auto took = monotonic_ns() - start;
  return took > 0 ? static_cast<double>(done) * 1e9 / static_cast<double>(took) : 0;
}

fanout_outcome fanout_client::run() {
  impl_->spawn(impl_->conduct(), "conductor", impl::role::conductor);
  impl_->io.run();
  return std::move(impl_->out);
}

}  // namespace reel::bench
