#pragma once
// Shared by the upstream tests: the simulator on a real socket (HTTP or HTTPS with a test CA), a
// migrated store, an io_context driven by the test thread, an injected wall clock, the client,
// the token keeper and the typed API; plus a log capture for "the token never leaks" checks.
#include "fake_nemo/server.hpp"
#include "fake_nemo/test_pki.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/settings_repo.hpp"
#include "support/temp_dir.hpp"
#include "upstream/http_client.hpp"
#include "upstream/nemo_api.hpp"
#include "upstream/token_keeper.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace reel::upstream::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Spawns `a` on `ioc`, storing its value in `out` (an escaped exception fails the test).
template <class T>
void spawn(asio::io_context& ioc, asio::awaitable<T> a, std::optional<T>& out) {
  asio::co_spawn(ioc, std::move(a), [&out](const std::exception_ptr& e, T v) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        FAIL("a coroutine threw: " << ex.what());
      }
      return;
    }
    out.emplace(std::move(v));
  });
}

// Runs `a` to completion on `ioc` and returns its value.
template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> a) {
  std::optional<T> out;
  spawn(ioc, std::move(a), out);
  ioc.restart();
  ioc.run();
  REQUIRE(out.has_value());
  return std::move(*out);
}

// Everything spdlog writes (default logger, every level) while it lives.
struct log_capture {
  std::ostringstream text;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  log_capture() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~log_capture() { spdlog::set_default_logger(previous); }
  std::string str() const { return text.str(); }
};

struct fixture_options {
  bool tls = false;
  std::string server_host = "127.0.0.1";
  std::string client_host = "127.0.0.1";  // the host name the client's base URL uses
  std::function<void(client_options&)> client;
  std::function<void(keeper_options&)> keeper;
};

inline store::database open_store(const std::string& path) {
  auto db = store::database::open(path, 2000);
  REQUIRE(db.has_value());
  REQUIRE(store::migrate(*db, store::builtin_migrations()).has_value());
  return std::move(*db);
}

struct fixture {
  reel::test::temp_dir dir;
  fixture_options fo;
  std::optional<fake_nemo::pki_files> pki;
  fake_nemo::server srv;
  std::uint16_t port = 0;
  asio::io_context ioc;
  store::database db;
  store::settings_repo settings;
  std::int64_t clock_ms = 1'700'000'000'000;  // the keeper's wall clock, moved by tests
  std::optional<http_client> http;
  std::optional<token_keeper> keeper;
  std::optional<nemo_api> api;

  explicit fixture(fixture_options o = {})
      : fo(std::move(o)),
        pki(fo.tls ? std::optional(fake_nemo::make_test_pki(dir.file("pki"))) : std::nullopt),
        srv(server_options()),
        port(srv.start()),
        db(open_store(dir.file("state.db"))),
        settings(db) {
    reconnect();
  }

  fake_nemo::server_options server_options() const {
    fake_nemo::server_options s;
    s.host = fo.server_host;
    if (pki) s.tls = fake_nemo::tls_files{pki->cert_chain, pki->private_key};
    return s;
  }

  std::string base_url() const {
    return std::string(fo.tls ? "https://" : "http://") + fo.client_host + ":" +
           std::to_string(port);
  }

  client_options make_client_options() const {
    client_options c;
    c.base_url = base_url();
    if (pki) c.ca_file = pki->ca_cert.string();
    c.skill_source = "reel-test";
    c.skill_version = "9.9.9";
    c.skill_platform = "unknown";
    c.connect_timeout = 5s;
    c.request_timeout = 10s;
    c.sse_idle_timeout = 10s;
    if (fo.client) fo.client(c);
    return c;
  }

  keeper_options make_keeper_options() const {
    keeper_options k;
    k.rate_limit_wait = 100ms;
    k.renew_margin = 3600s;
    if (fo.keeper) fo.keeper(k);
    return k;
  }

  // A new client, keeper and API over the same store (a daemon restart).
  void reconnect() {
    auto h = http_client::make(ioc.get_executor(), make_client_options());
    REQUIRE_MESSAGE(h.has_value(), (h ? "" : h.error().message));
    http.emplace(std::move(*h));
    keeper.emplace(*http, settings, make_keeper_options(), [this] { return clock_ms; });
    api.emplace(*http, *keeper);
  }

  fake_nemo::simulator& sim() { return srv.sim(); }

  template <class T>
  T run(asio::awaitable<T> a) {
    return testing::run(ioc, std::move(a));
  }

  // A session made through the API (fails the test when refused).
  std::string session() {
    auto s = run(api->create_session("en"));
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().message));
    return s->session_id;
  }
};

}  // namespace reel::upstream::testing
