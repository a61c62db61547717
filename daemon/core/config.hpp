#pragma once
// The daemon's configuration: plain values, their defaults, and the one schema that names every
// key, its environment variable, its flag and its comment. Pure: loading files and reading the
// environment happen in daemon/config/.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reel/version.hpp"

namespace reel::core {

struct config {
  struct api_section {
    std::string listen = "127.0.0.1:7878";
    std::vector<std::string> allowed_origins;
    std::int64_t max_json_body = 1 << 20;
    std::int64_t max_media_body = 500LL << 20;
    std::int64_t read_timeout_s = 30;
    std::int64_t write_timeout_s = 30;
    std::int64_t ws_auth_timeout_s = 5;
    std::int64_t ws_outbox_messages = 8192;
    std::int64_t ws_outbox_bytes = 16 << 20;
    std::int64_t ws_ping_interval_s = 30;
    std::int64_t max_connections = 512;
  } api;
  struct store_section {
    std::string state_dir;  // empty: $STATE_DIRECTORY, $XDG_STATE_HOME/reel, ~/.local/state/reel
    std::int64_t busy_timeout_ms = 5000;
    std::int64_t event_flush_ms = 25;
    std::int64_t event_flush_batch = 1024;
    std::int64_t event_retention = 10000;
  } store;
  struct log_section {
    std::string level = "info";
  } log;
  struct daemon_section {
    std::int64_t shutdown_timeout_ms = 4000;
  } daemon;
  struct upstream_section {
    std::string base_url = "https://mega-api-prod.nemovideo.ai";
    std::string token;    // a user's own token; empty: anonymous tokens. A secret: never logged
    std::string ca_file;  // extra CA certificates (PEM) trusted beside the system store
    std::string skill_source = "reel";
    std::string skill_version = reel::version;
    std::string skill_platform = "unknown";
    std::int64_t connect_timeout_s = 10;
    std::int64_t request_timeout_s = 60;
    std::int64_t sse_idle_timeout_s = 660;
    std::int64_t rate_limit_wait_s = 30;
    std::int64_t token_renew_margin_s = 3600;
    std::int64_t pool_size = 4;
  } upstream;
  struct render_section {
    double poll_first_s = 2;       // first status poll after a submission
    double poll_factor = 1.5;      // each later poll waits this much longer
    double poll_cap_s = 15;        // the longest wait between polls (at most 30)
    double deadline_min = 30;      // from the first submission to completion
    std::int64_t concurrency = 4;  // backend calls (polls, submits, downloads) at once
    std::int64_t download_retries = 5;
    std::string output_dir;  // empty: <state_dir>/renders
  } render;
  struct engine_section {              // the local backend (daemon/engine)
    std::string ffmpeg = "ffmpeg";     // a path, or a name looked up in PATH
    std::string ffprobe = "ffprobe";   // likewise
    std::string quality = "standard";  // renders that name no quality the engine knows
    std::int64_t renders = 1;          // local renders at once; the others wait
    std::int64_t parallel = 0;         // ffmpeg processes per render; 0: cores / 3, at least 1
    std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::string cjk_font = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
  } engine;
  struct chat_section {
    std::int64_t working_interval_s = 120;  // chat.working after this long without output
    std::int64_t stall_s = 600;             // heartbeats alone this long: the turn stalled
    std::int64_t turn_limit_s = 900;        // the longest a turn may run
  } chat;
};

// A value as it comes from a file (typed) or from the environment or a flag (text).
using config_value =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

enum class config_type { boolean, integer, string, string_list, log_level, listen_address, number };

struct config_key {
  std::string_view name;       // "api.listen"
  std::string_view env;        // "REEL_API_LISTEN"
  std::string_view env_alias;  // "REEL_LISTEN", or empty
  std::string_view flag;       // "--listen", or empty when only --set key=value reaches it
  config_type type;
  std::string_view comment;  // one line, as in config/reeld.toml
  std::int64_t min = 0;      // bounds for integers
  std::int64_t max = 0;
  double number_min = 0;  // bounds for numbers
  double number_max = 0;
};

// Every key, in the order of config/reeld.toml.
std::span<const config_key> config_schema() noexcept;
// The key named `name`, or nullptr.
const config_key* find_config_key(std::string_view name) noexcept;

// Sets `key` in `cfg` from a typed value (a file) or from text (environment, flags: lists are
// comma-separated). Fails with a message that says what was expected; the caller adds where.
std::string apply_config_value(config& cfg, const config_key& key, const config_value& value);
std::string apply_config_text(config& cfg, const config_key& key, std::string_view text);

// The key's current value in `cfg` written as TOML ("\"127.0.0.1:7878\"", "30", "[]").
std::string config_value_toml(const config& cfg, const config_key& key);

// Splits "host:port" / "[v6]:port"; false when malformed.
bool split_listen(std::string_view listen, std::string& host, std::uint16_t& port);

}  // namespace reel::core
