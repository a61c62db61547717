// upstream::http_client over real sockets against the simulator: TLS verification, keep-alive,
// timeouts, attribution, streamed uploads, streamed SSE bodies, downloads with Range resume.
#include "upstream_fixture.hpp"

#include "fake_nemo/sample_media.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

using namespace reel;
using namespace reel::upstream;
using namespace reel::upstream::testing;
using namespace std::string_literals;
using reel::core::errc;
using reel::fake_nemo::endpoint;

namespace {

const std::string mp4_head =
    "\0\0\0\x20"
    "ftypisom\0\0\x02\0isomiso2avc1mp41"s;

http_request get(std::string target) {
  http_request r;
  r.target = std::move(target);
  return r;
}

std::string header_of(const fake_nemo::request_record& r, std::string_view name) {
  return fake_nemo::find_header(r.headers, name);
}

// VmHWM (peak resident set) in KiB.
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Resets VmHWM to the current RSS (Linux 4.0+); false when not allowed.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return out.good();
}

// A raw HTTP server that answers the first request on a kept-alive connection and closes that
// connection, unanswered, when the second request arrives on it: the race where a server drops
// an idle connection just as the client reuses it. Later connections get one answer each, with
// Connection: close. Serves `connections` connections, then its thread ends.
struct racy_server {
  int listener = -1;
  std::uint16_t port = 0;
  int requests = 0;
  std::thread thread;

  explicit racy_server(int connections) {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listener, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread = std::thread([this, connections] {
      for (int c = 0; c < connections; ++c) serve(::accept(listener, nullptr, nullptr), c == 0);
    });
  }
  ~racy_server() {
    thread.join();
    ::close(listener);
  }

  void serve(int fd, bool first) {
    std::string in;
    char buf[4096];
    for (;;) {
      const auto n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      in.append(buf, static_cast<std::size_t>(n));
      auto end = in.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      in.erase(0, end + 4);
      ++requests;
      if (first && requests == 2) break;  // closed without an answer
      const std::string res = std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n") +
                              (first ? "" : "Connection: close\r\n") + "\r\nok";
      if (::write(fd, res.data(), res.size()) != static_cast<ssize_t>(res.size())) break;
      if (!first) break;
    }
    ::close(fd);
  }
};

}  // namespace

TEST_CASE("a reused connection closed just as a request goes out: replayed once, or not at all") {
  for (bool replayable : {true, false}) {
    CAPTURE(replayable);
    std::optional<racy_server> srv;
    srv.emplace(replayable ? 2 : 1);
    asio::io_context ioc;
    client_options o;
    o.base_url = "http://127.0.0.1:" + std::to_string(srv->port);
    auto c = http_client::make(ioc.get_executor(), o);
    REQUIRE(c.has_value());
    REQUIRE(run(ioc, c->send(get("/one"))).has_value());
    auto req = get("/two");
    req.replayable = replayable;
    auto r = run(ioc, c->send(req));
    if (replayable) {
      REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
      CHECK(r->status == 200);
      CHECK(c->stats().connections_opened == 2);
    } else {
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == errc::upstream_unavailable);
      CHECK(c->stats().connections_opened == 1);
    }
    srv.reset();
    CHECK(c->stats().requests == (replayable ? 3u : 2u));
  }
}

TEST_CASE("HTTPS with the test CA: certificate and host name verified, calls succeed") {
  fixture f({.tls = true, .client_host = "localhost"});
  auto c = f.run(f.api->credits());
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().message));
  CHECK(c->available == 100);
  CHECK(f.http->stats().connections_opened == 1);
}

TEST_CASE("a server certificate from another CA is refused with a clear message") {
  fixture f({.tls = true, .client_host = "localhost", .client = {}});
  const auto other = fake_nemo::make_test_pki(f.dir.file("other-ca"));
  f.fo.client = [&](client_options& c) { c.ca_file = other.ca_cert.string(); };
  f.reconnect();
  auto r = f.run(f.http->send(get("/api/credits/balance/simple")));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::upstream_unavailable);
  CHECK(r.error().message.find("certificate") != std::string::npos);
  CHECK(r.error().hint.has_value());
  CHECK(f.sim().get_counters().total == 0);
}

TEST_CASE("a certificate not issued for the host name is refused") {
  // The test certificate names localhost and 127.0.0.1; 127.0.0.2 is loopback too.
  fixture f({.tls = true, .server_host = "127.0.0.2", .client_host = "127.0.0.2"});
  auto r = f.run(f.http->send(get("/api/credits/balance/simple")));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::upstream_unavailable);
  CHECK(r.error().message.find("mismatch") != std::string::npos);
  CHECK(f.sim().get_counters().total == 0);
}

TEST_CASE("an unloadable CA file is refused when the client is made") {
  asio::io_context ioc;
  client_options o;
  o.ca_file = "/nonexistent/ca.pem";
  auto c = http_client::make(ioc.get_executor(), o);
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == errc::bad_request);
  o.ca_file.clear();
  o.base_url = "ftp://example.com";
  CHECK_FALSE(http_client::make(ioc.get_executor(), o).has_value());
}

TEST_CASE("keep-alive: sequential calls share one connection (HTTP and HTTPS)") {
  for (bool tls : {false, true}) {
    CAPTURE(tls);
    fixture f({.tls = tls, .client_host = tls ? "localhost" : "127.0.0.1"});
    for (int i = 0; i < 6; ++i) REQUIRE(f.run(f.api->credits()).has_value());
    const auto s = f.http->stats();
    CHECK(s.requests == 7);  // the token, then six calls
    CHECK(s.connections_opened == 1);
    CHECK(s.reused == 6);
  }
}

TEST_CASE("a kept-alive connection the server closed is replaced without failing the call") {
  fixture f;
  f.sim().add_token("user-token-0123456789", 10);
  auto first = f.run(f.http->send(get("/api/credits/balance/simple")));
  REQUIRE(first.has_value());
  f.srv.stop();  // closes every connection, the pooled one too
  auto opts = f.server_options();
  opts.port = f.port;
  fake_nemo::server again(opts);
  again.start();
  auto second = f.run(f.http->send(get("/api/credits/balance/simple")));
  REQUIRE_MESSAGE(second.has_value(), (second ? "" : second.error().message));
  CHECK(second->status == 200);
  CHECK(f.http->stats().connections_opened == 2);
}

TEST_CASE("attribution headers go on every call; the bearer on all but the token call") {
  fixture f;
  const auto sid = f.session();
  REQUIRE(f.run(f.api->credits()).has_value());
  REQUIRE(f.run(f.api->state(sid)).has_value());
  REQUIRE(f.run(f.api->render_submit("render_1", sid, {{"t", nlohmann::json::array()}},
                                     {{"format", "mp4"}, {"quality", "high"}}))
              .has_value());
  const auto reqs = f.sim().requests();
  REQUIRE(reqs.size() == 5);
  for (const auto& r : reqs) {
    CAPTURE(r.target);
    CHECK(header_of(r, "X-Skill-Source") == "reel-test");
    CHECK(header_of(r, "X-Skill-Version") == "9.9.9");
    CHECK(header_of(r, "X-Skill-Platform") == "unknown");
    if (r.ep == endpoint::anonymous_token) {
      CHECK(header_of(r, "Authorization").empty());
      CHECK(header_of(r, "X-Client-Id") == f.keeper->client_id());
    } else {
      CHECK(header_of(r, "Authorization").rfind("Bearer nmv_", 0) == 0);
    }
  }
}

TEST_CASE("a slow answer times out after request_timeout") {
  fixture f({.client = [](client_options& c) { c.request_timeout = 300ms; }});
  f.sim().update_knobs([](fake_nemo::knobs& k) { k.endpoint_delay[endpoint::credits] = 3000ms; });
  const auto started = std::chrono::steady_clock::now();
  auto r = f.run(f.http->send(get("/api/credits/balance/simple")));
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::timeout);
  CHECK(took < 2500ms);
}

TEST_CASE("nothing listening is upstream_unavailable") {
  std::uint16_t free_port = 0;
  {
    asio::io_context tmp;
    asio::ip::tcp::acceptor a(tmp, {asio::ip::make_address("127.0.0.1"), 0});
    free_port = a.local_endpoint().port();
  }
  asio::io_context ioc;
  client_options o;
  o.base_url = "http://127.0.0.1:" + std::to_string(free_port);
  auto c = http_client::make(ioc.get_executor(), o);
  REQUIRE(c.has_value());
  auto r = run(ioc, c->send(get("/")));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::upstream_unavailable);
}

TEST_CASE("an answer cut mid-body is upstream_unavailable") {
  fixture f;
  f.sim().add_token("user-token-0123456789", 10);
  f.sim().drop_next(endpoint::credits, 1, 10);
  auto r = f.run(f.http->send(get("/api/credits/balance/simple")));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::upstream_unavailable);
}

TEST_CASE("a streamed body reaches the callback chunk by chunk as it arrives") {
  fixture f;
  const auto sid = f.session();
  f.sim().queue_turn(
      sid,
      fake_nemo::turn_script().partial("one ").pause(300ms).partial("two ").pause(300ms).final_text(
          "one two three"));
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> chunks;
  auto r = f.run(f.api->run_sse(sid, "hello", [&](std::string_view c) {
    chunks.emplace_back(std::chrono::steady_clock::now(), std::string(c));
    return true;
  }));
  const auto ended = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  REQUIRE(chunks.size() >= 3);
  std::string all;
  for (const auto& [t, c] : chunks) all += c;
  CHECK(all.find("one two three") != std::string::npos);
  // The first text arrived well before the stream ended, not all at once at the end.
  CHECK(ended - chunks.front().first >= 450ms);
  CHECK(chunks.front().second.find("one ") != std::string::npos);
}

TEST_CASE("a stream silent for longer than sse_idle_timeout fails timeout after its chunks") {
  fixture f({.client = [](client_options& c) { c.sse_idle_timeout = 300ms; }});
  const auto sid = f.session();
  f.sim().queue_turn(sid, fake_nemo::turn_script().partial("hi").pause(2000ms).final_text("late"));
  std::string got;
  auto r = f.run(f.api->run_sse(sid, "hello", [&](std::string_view c) {
    got += c;
    return true;
  }));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::timeout);
  CHECK(got.find("hi") != std::string::npos);
}

TEST_CASE("a 300 MB sparse file uploads by path without the client holding it") {
  fixture f;
  const auto sid = f.session();
  const std::uint64_t size = 300ull << 20;
  const auto path = f.dir.file("big.mp4");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(mp4_head.data(), static_cast<std::streamsize>(mp4_head.size()));
  }
  std::filesystem::resize_file(path, size);  // sparse: no disk, no page cache to speak of
  const bool reset = reset_peak_rss();
  const long before = peak_rss_kib();
  std::uint64_t last_done = 0, last_total = 0;
  int calls = 0;
  auto r = f.run(f.api->upload_file(sid, path, "big.mp4", [&](std::uint64_t d, std::uint64_t t) {
    last_done = d;
    last_total = t;
    ++calls;
  }));
  const long after = peak_rss_kib();
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
  REQUIRE(r->uploaded.size() == 1);
  CHECK(r->uploaded[0]["size"] == size);
  CHECK(last_done == last_total);
  CHECK(last_total > size);
  CHECK(calls > 100);
  MESSAGE("VmHWM grew by " << (after - before) << " KiB (peak reset: " << reset << ")");
  CHECK(after - before < 64 * 1024);
}

TEST_CASE("a download resumes with Range and ends complete; past the end it is already whole") {
  fixture f;
  f.sim().update_knobs([](fake_nemo::knobs& k) {
    k.render_pending_polls = 0;
    k.render_processing_polls = 0;
  });
  const auto sid = f.session();
  REQUIRE(f.run(f.api->render_submit("render_dl", sid, {{"t", nlohmann::json::array()}},
                                     {{"format", "mp4"}}))
              .has_value());
  auto st = f.run(f.api->render_status("render_dl"));
  REQUIRE(st.has_value());
  REQUIRE(st->status == "completed");
  REQUIRE_FALSE(st->output_url.empty());
  const auto& sample = fake_nemo::shared_sample_mp4();
  const auto dest = f.dir.file("out.mp4");

  auto full = f.run(f.api->download(st->output_url, dest, 0));
  REQUIRE_MESSAGE(full.has_value(), (full ? "" : full.error().message));
  CHECK(full->response.status == 200);
  CHECK(full->bytes_on_disk == sample.size);
  CHECK(fake_nemo::sha256_file(dest) == sample.sha256);

  // A download cut halfway: resume from the bytes on disk.
  std::filesystem::resize_file(dest, sample.size / 2);
  std::uint64_t seen = 0;
  auto resumed = f.run(f.api->download(st->output_url, dest, sample.size / 2,
                                       [&](std::uint64_t d, std::uint64_t) { seen = d; }));
  REQUIRE_MESSAGE(resumed.has_value(), (resumed ? "" : resumed.error().message));
  CHECK(resumed->response.status == 206);
  CHECK(resumed->resumed);
  CHECK(seen == sample.size);
  CHECK(fake_nemo::sha256_file(dest) == sample.sha256);

  auto done = f.run(f.api->download(st->output_url, dest, sample.size));
  REQUIRE(done.has_value());
  CHECK(done->saved);
  CHECK(done->bytes_on_disk == sample.size);
  CHECK(fake_nemo::sha256_file(dest) == sample.sha256);
}

TEST_CASE("the token is sent to the API's origin only") {
  asio::io_context ioc;
  client_options o;
  o.base_url = "https://api.example.com/v2/";
  auto c = http_client::make(ioc.get_executor(), o);
  REQUIRE(c.has_value());
  CHECK(c->same_origin("/files/x.mp4"));
  CHECK(c->same_origin("https://api.example.com/files/x.mp4"));
  CHECK_FALSE(c->same_origin("https://cdn.example.com/files/x.mp4"));
  CHECK_FALSE(c->same_origin("http://api.example.com/files/x.mp4"));
  CHECK_FALSE(c->same_origin("https://api.example.com:8443/x"));
}
