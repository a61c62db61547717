#include "core/config.hpp"

#include <array>
#include <charconv>

namespace reel::core {
namespace {

using slot = std::variant<bool*, std::int64_t*, std::string*, std::vector<std::string>*, double*>;

constexpr std::int64_t big = std::int64_t{1} << 40;

// The schema. Adding a key: a row here, a member in config, a case in slot_of, a line in
// config/reeld.toml (tests/core/config_test.cpp checks that the file and this table agree).
constexpr std::array<config_key, 47> keys{{
    {"api.listen", "REEL_API_LISTEN", "REEL_LISTEN", "--listen", config_type::listen_address,
     "address and port to listen on; loopback only"},
    {"api.allowed_origins", "REEL_API_ALLOWED_ORIGINS", "", "--allow-origin",
     config_type::string_list, "browser origins allowed to call the API (exact match)"},
    {"api.max_json_body", "REEL_API_MAX_JSON_BODY", "", "", config_type::integer,
     "largest JSON request body in bytes; larger gets 413", 1024, big},
    {"api.max_media_body", "REEL_API_MAX_MEDIA_BODY", "", "", config_type::integer,
     "largest upload body in bytes; larger gets 413", 1024, big},
    {"api.read_timeout_s", "REEL_API_READ_TIMEOUT_S", "", "", config_type::integer,
     "seconds allowed to read one request (header and body)", 1, 86400},
    {"api.write_timeout_s", "REEL_API_WRITE_TIMEOUT_S", "", "", config_type::integer,
     "seconds allowed to write one response or WebSocket message", 1, 86400},
    {"api.ws_auth_timeout_s", "REEL_API_WS_AUTH_TIMEOUT_S", "", "", config_type::integer,
     "seconds a WebSocket client has to send its auth message", 1, 600},
    {"api.ws_outbox_messages", "REEL_API_WS_OUTBOX_MESSAGES", "", "", config_type::integer,
     "messages queued for one WebSocket client before it is closed with 1008", 16, 10000000},
    {"api.ws_outbox_bytes", "REEL_API_WS_OUTBOX_BYTES", "", "", config_type::integer,
     "bytes queued for one WebSocket client before it is closed with 1008", 4096, big},
    {"api.ws_ping_interval_s", "REEL_API_WS_PING_INTERVAL_S", "", "", config_type::integer,
     "seconds between WebSocket pings to idle clients", 1, 3600},
    {"api.max_connections", "REEL_API_MAX_CONNECTIONS", "", "", config_type::integer,
     "connections served at once; new ones past it are closed", 1, 100000},
    {"store.state_dir", "REEL_STATE_DIR", "", "--state-dir", config_type::string,
     "state directory; empty: $STATE_DIRECTORY, $XDG_STATE_HOME/reel, ~/.local/state/reel"},
    {"store.busy_timeout_ms", "REEL_STORE_BUSY_TIMEOUT_MS", "", "", config_type::integer,
     "milliseconds SQLite waits for a lock held by another process", 0, 600000},
    {"store.event_flush_ms", "REEL_STORE_EVENT_FLUSH_MS", "", "", config_type::integer,
     "milliseconds events wait before they are written to the store in one batch", 1, 10000},
    {"store.event_flush_batch", "REEL_STORE_EVENT_FLUSH_BATCH", "", "", config_type::integer,
     "events that trigger a write before event_flush_ms has passed", 1, 1000000},
    {"store.event_retention", "REEL_STORE_EVENT_RETENTION", "", "", config_type::integer,
     "events kept per topic for replay with since; older ones are pruned", 1, 10000000},
    {"log.level", "REEL_LOG_LEVEL", "", "--log-level", config_type::log_level,
     "trace, debug, info, warn, error or off"},
    {"daemon.shutdown_timeout_ms", "REEL_DAEMON_SHUTDOWN_TIMEOUT_MS", "", "", config_type::integer,
     "milliseconds to finish work after SIGTERM before exiting", 100, 60000},
    {"upstream.base_url", "REEL_UPSTREAM_BASE_URL", "", "", config_type::string,
     "NemoVideo API origin (https://host[:port]); certificates are always verified"},
    {"upstream.token", "REEL_UPSTREAM_TOKEN", "NEMO_TOKEN", "", config_type::string,
     "your own NemoVideo token (also NEMO_TOKEN); empty: a free anonymous token is used"},
    {"upstream.ca_file", "REEL_UPSTREAM_CA_FILE", "", "", config_type::string,
     "PEM file of extra CA certificates trusted beside the system store; empty: system only"},
    {"upstream.skill_source", "REEL_UPSTREAM_SKILL_SOURCE", "", "", config_type::string,
     "X-Skill-Source attribution header sent on every call"},
    {"upstream.skill_version", "REEL_UPSTREAM_SKILL_VERSION", "", "", config_type::string,
     "X-Skill-Version attribution header sent on every call"},
    {"upstream.skill_platform", "REEL_UPSTREAM_SKILL_PLATFORM", "", "", config_type::string,
     "X-Skill-Platform attribution header sent on every call"},
    {"upstream.connect_timeout_s", "REEL_UPSTREAM_CONNECT_TIMEOUT_S", "", "", config_type::integer,
     "seconds allowed to resolve, connect and finish the TLS handshake", 1, 600},
    {"upstream.request_timeout_s", "REEL_UPSTREAM_REQUEST_TIMEOUT_S", "", "", config_type::integer,
     "seconds allowed for each write and each read of a call", 1, 3600},
    {"upstream.sse_idle_timeout_s", "REEL_UPSTREAM_SSE_IDLE_TIMEOUT_S", "", "",
     config_type::integer, "seconds a chat stream may stay silent before it is given up", 1, 3600},
    {"upstream.rate_limit_wait_s", "REEL_UPSTREAM_RATE_LIMIT_WAIT_S", "", "", config_type::integer,
     "seconds to wait after HTTP 429 before the one retry", 0, 3600},
    {"upstream.token_renew_margin_s", "REEL_UPSTREAM_TOKEN_RENEW_MARGIN_S", "", "",
     config_type::integer, "seconds before expiry an anonymous token is renewed", 0, 604800},
    {"upstream.pool_size", "REEL_UPSTREAM_POOL_SIZE", "", "", config_type::integer,
     "idle keep-alive connections kept open to the API", 0, 64},
    {"render.poll_first_s", "REEL_RENDER_POLL_FIRST_S", "", "", config_type::number,
     "seconds before the first status poll of a submitted render", 0, 0, 0.001, 30},
    {"render.poll_factor", "REEL_RENDER_POLL_FACTOR", "", "", config_type::number,
     "each later poll waits this many times longer than the one before", 0, 0, 1, 10},
    {"render.poll_cap_s", "REEL_RENDER_POLL_CAP_S", "", "", config_type::number,
     "the longest wait between two polls, in seconds (30 at most: the seeds' pace)", 0, 0, 0.001,
     30},
    {"render.deadline_min", "REEL_RENDER_DEADLINE_MIN", "", "", config_type::number,
     "minutes from the first submission until an unfinished render fails with timeout", 0, 0, 0.001,
     10080},
    {"render.concurrency", "REEL_RENDER_CONCURRENCY", "", "", config_type::integer,
     "render calls (submit, poll, download, cancel) made to a backend at once", 1, 256},
    {"render.download_retries", "REEL_RENDER_DOWNLOAD_RETRIES", "", "", config_type::integer,
     "failed or stalled downloads retried before a render fails", 0, 100},
    {"render.output_dir", "REEL_RENDER_OUTPUT_DIR", "", "", config_type::string,
     "where finished renders go as <id>.mp4; empty: <state_dir>/renders"},
    {"engine.ffmpeg", "REEL_ENGINE_FFMPEG", "", "", config_type::string,
     "the local backend's ffmpeg: a path, or a name looked up in PATH"},
    {"engine.ffprobe", "REEL_ENGINE_FFPROBE", "", "", config_type::string,
     "the local backend's ffprobe: a path, or a name looked up in PATH"},
    {"engine.quality", "REEL_ENGINE_QUALITY", "", "", config_type::string,
     "local render quality when a render names none the engine knows: draft, standard, high"},
    {"engine.renders", "REEL_ENGINE_RENDERS", "", "", config_type::integer,
     "local renders run at once; later ones wait their turn", 1, 64},
    {"engine.parallel", "REEL_ENGINE_PARALLEL", "", "", config_type::integer,
     "ffmpeg processes one local render may use; 0: a third of the cores, at least 1", 0, 64},
    {"engine.font", "REEL_ENGINE_FONT", "", "", config_type::string,
     "the font of titles and captions (a .ttf or .otf file)"},
    {"engine.cjk_font", "REEL_ENGINE_CJK_FONT", "", "", config_type::string,
     "the font for text with Chinese, Japanese or Korean characters"},
    {"chat.working_interval_s", "REEL_CHAT_WORKING_INTERVAL_S", "", "", config_type::integer,
     "seconds of silence in a chat turn before clients are told it is still working", 1, 3600},
    {"chat.stall_s", "REEL_CHAT_STALL_S", "", "", config_type::integer,
     "seconds of nothing but keep-alives after which a chat turn counts as stalled", 1, 86400},
    {"chat.turn_limit_s", "REEL_CHAT_TURN_LIMIT_S", "", "", config_type::integer,
     "the longest a chat turn may run, in seconds; then it is stopped (never resent)", 1, 86400},
}};

slot slot_of(config& c, std::string_view n) {
  if (n == "api.listen") return &c.api.listen;
  if (n == "api.allowed_origins") return &c.api.allowed_origins;
  if (n == "api.max_json_body") return &c.api.max_json_body;
  if (n == "api.max_media_body") return &c.api.max_media_body;
  if (n == "api.read_timeout_s") return &c.api.read_timeout_s;
  if (n == "api.write_timeout_s") return &c.api.write_timeout_s;
  if (n == "api.ws_auth_timeout_s") return &c.api.ws_auth_timeout_s;
  if (n == "api.ws_outbox_messages") return &c.api.ws_outbox_messages;
  if (n == "api.ws_outbox_bytes") return &c.api.ws_outbox_bytes;
  if (n == "api.ws_ping_interval_s") return &c.api.ws_ping_interval_s;
  if (n == "api.max_connections") return &c.api.max_connections;
  if (n == "store.state_dir") return &c.store.state_dir;
  if (n == "store.busy_timeout_ms") return &c.store.busy_timeout_ms;
  if (n == "store.event_flush_ms") return &c.store.event_flush_ms;
  if (n == "store.event_flush_batch") return &c.store.event_flush_batch;
  if (n == "store.event_retention") return &c.store.event_retention;
  if (n == "log.level") return &c.log.level;
  if (n == "daemon.shutdown_timeout_ms") return &c.daemon.shutdown_timeout_ms;
  if (n == "upstream.base_url") return &c.upstream.base_url;
  if (n == "upstream.token") return &c.upstream.token;
  if (n == "upstream.ca_file") return &c.upstream.ca_file;
  if (n == "upstream.skill_source") return &c.upstream.skill_source;
  if (n == "upstream.skill_version") return &c.upstream.skill_version;
  if (n == "upstream.skill_platform") return &c.upstream.skill_platform;
  if (n == "upstream.connect_timeout_s") return &c.upstream.connect_timeout_s;
  if (n == "upstream.request_timeout_s") return &c.upstream.request_timeout_s;
  if (n == "upstream.sse_idle_timeout_s") return &c.upstream.sse_idle_timeout_s;
  if (n == "upstream.rate_limit_wait_s") return &c.upstream.rate_limit_wait_s;
  if (n == "upstream.token_renew_margin_s") return &c.upstream.token_renew_margin_s;
  if (n == "upstream.pool_size") return &c.upstream.pool_size;
  if (n == "render.poll_first_s") return &c.render.poll_first_s;
  if (n == "render.poll_factor") return &c.render.poll_factor;
  if (n == "render.poll_cap_s") return &c.render.poll_cap_s;
  if (n == "render.deadline_min") return &c.render.deadline_min;
  if (n == "render.concurrency") return &c.render.concurrency;
  if (n == "render.download_retries") return &c.render.download_retries;
  if (n == "render.output_dir") return &c.render.output_dir;
  if (n == "engine.ffmpeg") return &c.engine.ffmpeg;
  if (n == "engine.ffprobe") return &c.engine.ffprobe;
  if (n == "engine.quality") return &c.engine.quality;
  if (n == "engine.renders") return &c.engine.renders;
  if (n == "engine.parallel") return &c.engine.parallel;
  if (n == "engine.font") return &c.engine.font;
  if (n == "engine.cjk_font") return &c.engine.cjk_font;
  if (n == "chat.working_interval_s") return &c.chat.working_interval_s;
  if (n == "chat.stall_s") return &c.chat.stall_s;
  if (n == "chat.turn_limit_s") return &c.chat.turn_limit_s;
  return static_cast<bool*>(nullptr);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string check_string(const config_key& key, const std::string& v) {
  if (key.name == "engine.quality" && v != "draft" && v != "standard" && v != "high")
    return "expected one of draft, standard, high; got \"" + v + "\"";
  if (key.type == config_type::log_level) {
    for (auto l : {"trace", "debug", "info", "warn", "error", "off"})
      if (v == l) return {};
    return "expected one of trace, debug, info, warn, error, off; got \"" + v + "\"";
  }
  if (key.type == config_type::listen_address) {
    std::string host;
    std::uint16_t port = 0;
    if (!split_listen(v, host, port))
      return "expected host:port such as 127.0.0.1:7878; got \"" + v + "\"";
    if (host != "127.0.0.1" && host != "::1" && host != "localhost" && host.rfind("127.", 0) != 0)
      return "the API listens on loopback only (127.0.0.0/8, ::1, localhost); got \"" + host + "\"";
  }
  return {};
}

// The shortest text that reads back as `v` ("1.5", "2", "0.001").
std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

std::string toml_quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

std::span<const config_key> config_schema() noexcept {
  return keys;
}

const config_key* find_config_key(std::string_view name) noexcept {
  for (const auto& k : keys)
    if (k.name == name) return &k;
  return nullptr;
}

std::string apply_config_value(config& cfg, const config_key& key, const config_value& value) {
  slot s = slot_of(cfg, key.name);
  if (auto* p = std::get_if<std::int64_t*>(&s)) {
    const auto* v = std::get_if<std::int64_t>(&value);
    if (!v) return "expected an integer";
    if (*v < key.min || *v > key.max)
      return "expected an integer from " + std::to_string(key.min) + " to " +
             std::to_string(key.max) + "; got " + std::to_string(*v);
    **p = *v;
    return {};
  }
  if (auto* p = std::get_if<std::string*>(&s)) {
    const auto* v = std::get_if<std::string>(&value);
    if (!v) return "expected a string";
    if (auto err = check_string(key, *v); !err.empty()) return err;
    **p = *v;
    return {};
  }
  if (auto* p = std::get_if<std::vector<std::string>*>(&s)) {
    const auto* v = std::get_if<std::vector<std::string>>(&value);
    if (!v) return "expected a list of strings";
    **p = *v;
    return {};
  }
  if (auto* p = std::get_if<double*>(&s)) {
    // An integer is a number too: `poll_first_s = 2` is as good as 2.0.
    double v = 0;
    if (const auto* d = std::get_if<double>(&value))
      v = *d;
    else if (const auto* i = std::get_if<std::int64_t>(&value))
      v = static_cast<double>(*i);
    else
      return "expected a number";
    if (!(v >= key.number_min && v <= key.number_max))
      return "expected a number from " + number_text(key.number_min) + " to " +
             number_text(key.number_max) + "; got " + number_text(v);
    **p = v;
    return {};
  }
  auto* p = std::get<bool*>(s);
  if (!p) return "unknown key";
  const auto* v = std::get_if<bool>(&value);
  if (!v) return "expected true or false";
  *p = *v;
  return {};
}

std::string apply_config_text(config& cfg, const config_key& key, std::string_view text) {
  text = trim(text);
  switch (key.type) {
    case config_type::integer: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        return "expected an integer; got \"" + std::string(text) + "\"";
      return apply_config_value(cfg, key, v);
    }
    case config_type::number: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        return "expected a number; got \"" + std::string(text) + "\"";
      return apply_config_value(cfg, key, v);
    }
    case config_type::boolean:
      if (text == "true" || text == "1" || text == "yes") return apply_config_value(cfg, key, true);
      if (text == "false" || text == "0" || text == "no")
        return apply_config_value(cfg, key, false);
      return "expected true or false; got \"" + std::string(text) + "\"";
    case config_type::string_list: {
      std::vector<std::string> items;
      while (!text.empty()) {
        auto comma = text.find(',');
        auto item = trim(text.substr(0, comma));
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
      }
      return apply_config_value(cfg, key, items);
    }
    default:
      return apply_config_value(cfg, key, std::string(text));
  }
}

std::string config_value_toml(const config& cfg, const config_key& key) {
  slot s = slot_of(const_cast<config&>(cfg), key.name);
  if (auto* p = std::get_if<std::int64_t*>(&s)) return std::to_string(**p);
  if (auto* p = std::get_if<double*>(&s)) return number_text(**p);
  if (auto* p = std::get_if<std::string*>(&s)) return toml_quote(**p);
  if (auto* p = std::get_if<std::vector<std::string>*>(&s)) {
    std::string out = "[";
    for (std::size_t i = 0; i < (*p)->size(); ++i) out += (i ? ", " : "") + toml_quote((**p)[i]);
    return out + "]";
  }
  auto* b = std::get<bool*>(s);
  return b && *b ? "true" : "false";
}

bool split_listen(std::string_view listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto h = listen.substr(0, colon);
  auto p = listen.substr(colon + 1);
  if (h.front() == '[') {
    if (h.back() != ']' || h.size() < 3) return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;
  }
  unsigned v = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc{} || end != p.data() + p.size() || p.empty() || v > 65535) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(v);
  return true;
}

}  // namespace reel::core
