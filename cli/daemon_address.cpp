#include "cli/daemon_address.hpp"

#include "core/config.hpp"

namespace reel::cli {

std::string daemon_address::authority() const {
  auto p = std::to_string(port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + p;
  return host + ":" + p;
}

std::string daemon_address::source_description() const {
  if (source == "default") return "the default";
  if (source == "--host" || source == "$REEL_HOST") return "from " + source;
  return "from api.listen in " + source;
}

client_result<daemon_address> resolve_daemon_address(std::string_view flag,
                                                     const core::env_lookup& env,
                                                     const std::vector<daemon_config_file>& files) {
  std::string text;
  std::string source;
  if (!flag.empty()) {
    text = flag;
    source = "--host";
  } else if (auto host = env("REEL_HOST")) {
    text = *host;
    source = "$REEL_HOST";
  } else {
    for (const auto& f : files) {
      if (f.listen) {
        text = *f.listen;
        source = f.path;
        break;
      }
    }
    if (source.empty()) {
      text = default_daemon_address;
      source = "default";
    }
  }

  daemon_address a;
  a.source = source;
  if (!core::split_listen(text, a.host, a.port) || a.port == 0) {
    return make_failure(failure::usage, "bad_usage",
                        "bad daemon address '" + text + "' (" + a.source_description() +
                            "): expected HOST:PORT such as 127.0.0.1:7878 or [::1]:7878");
  }
  // A daemon listening on every interface is reached on loopback: it refuses other Host names.
  if (a.host == "0.0.0.0") a.host = "127.0.0.1";
  if (a.host == "::") a.host = "::1";
  return a;
}

}  // namespace reel::cli
