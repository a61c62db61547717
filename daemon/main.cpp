// reeld: the composition root. config -> logs -> state dir -> store -> hub -> API -> run.
#include "api/router.hpp"
#include "api/server.hpp"
#include "config/config_loader.hpp"
#include "core/config.hpp"
#include "core/metrics.hpp"
#include "engine/local_backend.hpp"
#include "engine/local_render_backend.hpp"
#include "reel/version.hpp"
#include "runtime/ids.hpp"
#include "runtime/logging.hpp"
#include "runtime/state_dir.hpp"
#include "runtime/systemd_notify.hpp"
#include "runtime/watchdog.hpp"
#include "service/hub.hpp"
#include "service/hub_flusher.hpp"
#include "service/render_service.hpp"
#include "service/session_service.hpp"
#include "service/turn_service.hpp"
#include "store/database.hpp"
#include "store/events_repo.hpp"
#include "store/migrations.hpp"
#include "store/settings_repo.hpp"
#include "upstream/http_client.hpp"
#include "upstream/nemo_api.hpp"
#include "upstream/nemo_backend.hpp"
#include "upstream/nemo_render_backend.hpp"
#include "upstream/token_keeper.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <thread>

namespace {

using namespace reel;
namespace asio = boost::asio;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What a render starts from: the session's backend and its draft as the backend has it now.
asio::awaitable<core::result<service::export_source>> read_export_source(
    service::session_service* sessions, std::string session_id) {
  auto row = sessions->find(session_id);
  if (!row) co_return core::make_error(core::errc::not_found, "no session " + session_id);
  auto st = co_await sessions->state(session_id);
  if (!st) co_return st.error();
  service::export_source src;
  src.backend = row->backend;
  src.draft = st->value("draft", nlohmann::json());
  co_return src;
}

// Fetches a media URL for the local backend into `dest` (certificates verified; no token).
asio::awaitable<core::result<void>> fetch_media_url(upstream::http_client http, std::string url,
                                                    std::string dest) {
  auto got = co_await http.download(url, dest, 0, "");
  if (!got) co_return got.error();
  if (got->saved) co_return core::result<void>{};
  const int status = got->response.status;
  co_return core::make_error(
      status >= 400 && status < 500 ? core::errc::bad_request : core::errc::upstream_unavailable,
      "the server answered HTTP " + std::to_string(status));
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

// "export" said in a chat: the render service's export with its defaults.
asio::awaitable<core::result<nlohmann::json>> export_by_message(service::render_service* renders,
                                                                std::string session_id) {
  auto job = co_await renders->start(std::move(session_id), nlohmann::json::object());
  if (!job) co_return job.error();
  co_return core::json_value(core::to_api_json(*job));
}

// "env" when the user's upstream token came from the environment, else "config" (a file or a
// flag); /v1/status says where, never what.
std::string user_token_source(const core::config& cfg) {
  for (const char* name : {"NEMO_TOKEN", "REEL_UPSTREAM_TOKEN"}) {
    const char* v = std::getenv(name);
    if (v && *v && cfg.upstream.token == v) return "env";
  }
  return "config";
}

struct parsed_args {
  config::load_options load;
  bool print_config = false;
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
  service::hub_flusher flusher(io.get_executor(), hub,
                               std::chrono::milliseconds(cfg.store.event_flush_ms));
  runtime::watchdog pinger(io.get_executor());

  // Backends by name. Each backend's construction goes here; sessions name one of them.
  std::map<std::string, service::backend*> backends;

  // The cloud backend is always present. Nothing here touches the network: the first token is
  // requested by the first call that needs one, so READY never waits for the cloud.
  store::settings_repo settings(*db);
  std::optional<upstream::nemo_backend> nemo;
  std::optional<upstream::nemo_render_backend> nemo_renders;  // the same client and token
  {
    upstream::nemo_backend::options o;
    o.user_token_source = user_token_source(cfg);
    o.on_token_renewed = [&hub](const nlohmann::json& d) {
      hub.publish("status", "token.renewed", d);
    };
    o.on_credits_changed = [&hub](const nlohmann::json& d) {
      hub.publish("status", "credits.changed", d);
    };
    if (!cfg.upstream.token.empty()) runtime::add_log_secret(cfg.upstream.token);
    auto http =
        upstream::http_client::make(io.get_executor(), upstream::client_options::from_config(cfg));
    if (http) {
      upstream::token_keeper keeper(*http, settings, upstream::keeper_options::from_config(cfg));
      nemo.emplace(upstream::nemo_api(*http, keeper), std::move(o));
      nemo_renders.emplace(*http, keeper);
    } else {
      spdlog::error("the nemovideo backend cannot be used: {}", http.error().message);
      nemo.emplace(http.error(), std::move(o));
    }
  }
  backends["nemovideo"] = &*nemo;

  // The local backend (the default): agent, media and renders on this machine, offline.
  engine::local_backend_options local_opts;
  local_opts.state_dir = state_dir;
  local_opts.ffmpeg = cfg.engine.ffmpeg;
  local_opts.ffprobe = cfg.engine.ffprobe;
  local_opts.now_ms = now_ms;
  local_opts.max_media_bytes = static_cast<std::uint64_t>(cfg.api.max_media_body);
  if (auto fetcher = upstream::http_client::make(io.get_executor(),
                                                 upstream::client_options::from_config(cfg))) {
    local_opts.fetch_url = [http = *fetcher](std::string url, std::string dest) {
      return fetch_media_url(http, std::move(url), std::move(dest));
    };
  }
  engine::local_backend local(*db, std::move(local_opts));
  backends["local"] = &local;
  engine::local_render_options local_render_opts;
  local_render_opts.work_root = state_dir + "/engine/renders";
  local_render_opts.ffmpeg = cfg.engine.ffmpeg;
  local_render_opts.ffprobe = cfg.engine.ffprobe;
  local_render_opts.fonts = {cfg.engine.font, cfg.engine.cjk_font};
  local_render_opts.default_quality =
      core::render_quality_from_string(cfg.engine.quality).value_or(core::render_quality::standard);
  local_render_opts.max_running = static_cast<int>(cfg.engine.renders);
  local_render_opts.parallel =
      cfg.engine.parallel > 0 ? static_cast<int>(cfg.engine.parallel)
                              : engine::recommended_parallel(std::thread::hardware_concurrency());
  engine::local_render_backend local_renders(io.get_executor(), *db, std::move(local_render_opts));

  service::session_service sessions(*db, hub, backends, now_ms, runtime::new_id,
                                    {"local", static_cast<std::uint64_t>(cfg.api.max_media_body)});

  // Render jobs: stored before anything is sent; those a stop or a crash left unfinished are
  // re-armed here, before READY (their drivers run once the loop runs).
  std::map<std::string, service::render_backend*> render_backends;
  if (nemo_renders) render_backends["nemovideo"] = &*nemo_renders;
  render_backends["local"] = &local_renders;
  auto render_opts = service::render_service::options::from_config(cfg, state_dir);
  if (const char* fp = std::getenv("REEL_FAILPOINT")) render_opts.failpoint = fp;  // tests only
  std::mt19937_64 render_rng(std::random_device{}());
  service::render_service renders(
      io.get_executor(), *db, hub, render_backends,
      [&sessions](std::string id) { return read_export_source(&sessions, std::move(id)); }, now_ms,
      [&render_rng] { return render_rng(); }, render_opts);
  renders.rearm();

  // User messages and the turns that answer them; "export" in a message starts a render job.
  service::turn_service::options turn_opts;
  turn_opts.limits = {cfg.chat.working_interval_s * 1000, cfg.chat.stall_s * 1000,
                      cfg.chat.turn_limit_s * 1000};
  turn_opts.start_export = [&renders](std::string id) {
    return export_by_message(&renders, std::move(id));
  };
  service::turn_service turns(io.get_executor(), sessions, hub, metrics, runtime::new_id,
                              std::move(turn_opts));

  std::string host;
  std::uint16_t port = 0;
  core::split_listen(cfg.api.listen, host, port);
  api::api_context ctx{cfg, *key, state_dir, "", 0, hub, *db, metrics, {}, {}};
  ctx.sessions = &sessions;
  ctx.renders = &renders;
  ctx.turns = &turns;
  ctx.status_parts.push_back(
      [&renders](nlohmann::json& status) { status["renders"] = renders.status(); });
  ctx.status_parts.push_back(
      [&nemo](nlohmann::json& status) { status["upstream"] = nemo->upstream_status(); });
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
    pinger.stop();
    flusher.stop();
    flusher.flush_now();
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
