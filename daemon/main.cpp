// reeld: the composition root. config -> logs -> state dir -> store -> hub -> API -> run.
#include "api/router.hpp"
#include "api/server.hpp"
#include "config/config_loader.hpp"
#include "core/config.hpp"
#include "core/metrics.hpp"
#include "reel/version.hpp"
#include "runtime/ids.hpp"
#include "runtime/logging.hpp"
#include "runtime/state_dir.hpp"
#include "runtime/systemd_notify.hpp"
#include "service/hub.hpp"
#include "service/session_service.hpp"
#include "store/database.hpp"
#include "store/events_repo.hpp"
#include "store/migrations.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <unistd.h>
#include <chrono>
#include <map>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace {

using namespace reel;
namespace asio = boost::asio;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string env_help() {
  std::string out = "Environment (each overrides the config files; flags override it):\n";
  for (const auto& k : core::config_schema()) {
    out += "  " + std::string(k.env);
    if (!k.env_alias.empty()) out += ", " + std::string(k.env_alias);
    out += "\n      " + std::string(k.name) + ": " + std::string(k.comment) + "\n";
  }
  out += "  STATE_DIRECTORY, XDG_STATE_HOME, HOME: where the state directory goes\n";
  out += "  XDG_CONFIG_HOME: where the user's reeld.toml is\n";
  out += "Files: /etc/reel/reeld.toml < $XDG_CONFIG_HOME/reel/reeld.toml < --config FILE\n";
  return out;
}

struct parsed_args {
  config::load_options load;
  bool print_config = false;
};

// Periodic work on the event loop: batched event writes and systemd watchdog pings.
class housekeeping {
 public:
  housekeeping(asio::io_context& io, service::hub& h, std::chrono::milliseconds flush_every)
      : hub_(h), flush_timer_(io), watchdog_timer_(io), flush_every_(flush_every) {
    hub_.on_pending([this] { arm_flush(); });
    if (auto every = runtime::watchdog_interval()) {
      watchdog_every_ = *every;
      ping();
    }
  }
  void stop() {
    flush_timer_.cancel();
    watchdog_timer_.cancel();
  }
  void flush_now() {
    try {
      hub_.flush();
    } catch (const std::exception& e) {
      spdlog::error("could not write events to the store (kept for the next try): {}", e.what());
    }
  }

 private:
  void arm_flush() {
    if (flush_armed_) return;
    flush_armed_ = true;
    flush_timer_.expires_after(flush_every_);
    flush_timer_.async_wait([this](boost::system::error_code ec) {
      flush_armed_ = false;
      if (ec) return;
      flush_now();
      if (hub_.pending() > 0) arm_flush();
    });
  }
  // Pinged from the event loop itself, so a stuck loop stops the pings and systemd restarts us.
  void ping() {
    runtime::notify_watchdog();
    watchdog_timer_.expires_after(watchdog_every_);
    watchdog_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) ping();
    });
  }

  service::hub& hub_;
  asio::steady_timer flush_timer_;
  asio::steady_timer watchdog_timer_;
  std::chrono::milliseconds flush_every_;
  std::chrono::microseconds watchdog_every_{0};
  bool flush_armed_ = false;
};

int run(const config::loaded_config& loaded) {
  const auto started = std::chrono::steady_clock::now();
  const core::config& cfg = loaded.cfg;
  const std::string& state_dir = loaded.state_dir.path;
  // Under the system unit the group `reel` may use the daemon: key 0640, directory 0750.
  const bool group_shared = loaded.state_dir.source == "$STATE_DIRECTORY";

  if (auto r = runtime::ensure_state_dir(state_dir, group_shared); !r) {
    spdlog::critical("{}", r.error().message);
    return 1;
  }
  auto db =
      store::database::open(state_dir + "/reel.db", static_cast<int>(cfg.store.busy_timeout_ms));
  if (!db) {
    spdlog::critical("{}", db.error().message);
    return 1;
  }
  if (auto v = store::migrate(*db, store::builtin_migrations()); !v) {
    spdlog::critical("{}", v.error().message);
    return 1;
  }
  auto key = runtime::load_or_create_api_key(state_dir + "/api.key", group_shared);
  if (!key) {
    spdlog::critical("{}", key.error().message);
    return 1;
  }
  runtime::add_log_secret(*key);

  asio::io_context io(1);
  core::metrics metrics;
  metrics.describe("reel_build_info", "gauge", "Build information.");
  metrics.gauge("reel_build_info", {{"version", reel::version}}) = 1;
  metrics.describe("reel_http_requests_total", "counter",
                   "HTTP requests by route, method, status.");
  metrics.describe("reel_http_request_duration_seconds", "histogram", "Time to answer a request.");
  metrics.describe("reel_ws_clients", "gauge", "Connected WebSocket clients.");
  metrics.describe("reel_ws_messages_sent_total", "counter", "WebSocket messages written.");
  metrics.describe("reel_ws_clients_dropped_total", "counter",
                   "WebSocket clients closed by the server.");
  metrics.describe("reel_jobs", "gauge", "Render jobs by state.");
  metrics.describe("reel_sessions", "gauge", "Sessions in the store.");
  metrics.describe("reel_uptime_seconds", "gauge", "Seconds since start.");

  store::events_repo events(*db);
  service::hub hub(
      events, metrics, now_ms,
      {static_cast<std::size_t>(cfg.store.event_flush_batch), cfg.store.event_retention});
  housekeeping chores(io, hub, std::chrono::milliseconds(cfg.store.event_flush_ms));

  // Backends by name. Each backend's construction goes here; sessions name one of them.
  std::map<std::string, service::backend*> backends;

  service::session_service sessions(
      *db, hub, backends, now_ms, runtime::new_id,
      {"local", static_cast<std::uint64_t>(cfg.api.max_media_body)});

  std::string host;
  std::uint16_t port = 0;
  core::split_listen(cfg.api.listen, host, port);
  api::api_context ctx{cfg, *key, state_dir, "", 0, hub, *db, metrics, {}, {}};
  ctx.sessions = &sessions;
  ctx.uptime_s = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  api::router routes(ctx);
  api::server srv(io, ctx, routes);
  ctx.ws_clients = [&srv] { return srv.ws_clients(); };
  auto bound = srv.bind(host, port);
  if (!bound) {
    spdlog::critical("{}", bound.error().message);
    return 1;
  }
  ctx.port = *bound;
  ctx.listen = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
               std::to_string(*bound);
  srv.start();

  // The bound address, for tools that started us on port 0 (tests) and for `reel`.
  const std::string addr_file = state_dir + "/reeld.addr";
  {
    std::ofstream out(addr_file + ".tmp");
    out << ctx.listen << "\n";
  }
  std::rename((addr_file + ".tmp").c_str(), addr_file.c_str());

  bool stopping = false;
  asio::steady_timer deadline(io);
  auto finish = [&] {
    chores.stop();
    chores.flush_now();
    deadline.cancel();
    io.stop();
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec || stopping) return;
    stopping = true;
    spdlog::info("signal {}: stopping", sig);
    runtime::notify_stopping();
    deadline.expires_after(std::chrono::milliseconds(cfg.daemon.shutdown_timeout_ms));
    deadline.async_wait([&](boost::system::error_code dec) {
      if (dec) return;
      spdlog::warn("connections still open after {} ms; exiting anyway",
                   cfg.daemon.shutdown_timeout_ms);
      finish();
    });
    srv.shutdown([&] { asio::post(io, finish); });
  });

  const auto ready_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("reeld {} listening on {} (state {}), ready in {:.1f} ms", reel::version, ctx.listen,
               state_dir, ready_ms);
  runtime::notify_ready("listening on " + ctx.listen);

  io.run();
  ::unlink(addr_file.c_str());
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"reeld: the Reel daemon. Serves the local API (REST and WebSocket) on loopback."};
  app.footer(env_help());
  parsed_args args;
  std::string config_file, listen, state_dir_flag, log_level;
  std::vector<std::string> origins, sets;
  bool show_version = false;
  app.add_option("-c,--config", config_file, "read this TOML file after the system and user files");
  app.add_option("--listen", listen, "api.listen: address and port (loopback only)");
  app.add_option("--state-dir", state_dir_flag, "store.state_dir: the state directory");
  app.add_option("--log-level", log_level, "log.level: trace, debug, info, warn, error, off");
  app.add_option("--allow-origin", origins,
                 "api.allowed_origins: a browser origin to allow (repeatable)");
  app.add_option("--set", sets, "KEY=VALUE for any key of config/reeld.toml (repeatable)");
  app.add_flag("--print-config", args.print_config,
               "print the effective configuration as TOML and exit");
  app.add_flag("-V,--version", show_version, "print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return e.get_exit_code() == 0 ? code : 2;
  }
  if (show_version) {
    std::printf("reeld %s\n", reel::version);
    return 0;
  }
  if (!config_file.empty()) args.load.explicit_file = config_file;
  for (const auto& s : sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "reeld: --set expects KEY=VALUE; got %s\n", s.c_str());
      return 2;
    }
    args.load.flags.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  if (!listen.empty()) args.load.flags.emplace_back("api.listen", listen);
  if (!state_dir_flag.empty()) args.load.flags.emplace_back("store.state_dir", state_dir_flag);
  if (!log_level.empty()) args.load.flags.emplace_back("log.level", log_level);
  if (!origins.empty()) {
    std::string joined;
    for (const auto& o : origins) joined += (joined.empty() ? "" : ",") + o;
    args.load.flags.emplace_back("api.allowed_origins", joined);
  }

  auto loaded = config::load_config(args.load, config::process_env());
  if (!loaded.value) {
    std::fprintf(stderr, "reeld: configuration error: %s\n", loaded.error.c_str());
    return 2;
  }
  if (args.print_config) {
    std::cout << config::to_toml(loaded.value->cfg);
    return 0;
  }
  runtime::init_logging(loaded.value->cfg.log.level);
  try {
    return run(*loaded.value);
  } catch (const std::exception& e) {
    spdlog::critical("reeld failed: {}", e.what());
    return 1;
  }
}
