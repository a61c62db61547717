#include "cli/status_view.hpp"

#include <doctest/doctest.h>

using namespace reel::cli;
using nlohmann::json;

namespace {

bool has_line(const std::string& text, const std::string& label, const std::string& value) {
  auto pos = text.find("\n" + label + " ");
  if (text.rfind(label + " ", 0) == 0)
    pos = 0;
  else if (pos == std::string::npos)
    return false;
  else
    ++pos;
  auto end = text.find('\n', pos);
  auto line = text.substr(pos, end - pos);
  return line.find(value) != std::string::npos;
}

const json full_status = json::parse(R"({
  "version":"0.1.0","uptime_s":3725.5,"pid":123,"listen":"127.0.0.1:7878",
  "state_dir":"/home/u/.local/state/reel",
  "backends":[{"name":"local","default":true,"health":"unavailable","detail":"ffmpeg not found"},
              {"name":"nemovideo","default":false,"health":"ok","detail":null}],
  "upstream":{"token":{"state":"valid","source":"file","expires_at":"2026-12-01T00:00:00Z"},
              "credits":{"available":10,"frozen":0,"total":10}},
  "counts":{"sessions":2,"media":5,"jobs":{"queued":1,"rendering":0},"ws_clients":1,
            "events_stored":42}})");

}  // namespace

TEST_CASE("status view: versions, address, backends, token state and counts, aligned") {
  auto text = format_status({"0.1.0", "127.0.0.1:7878", "the default", full_status});
  CHECK(has_line(text, "reel", "0.1.0"));
  CHECK(has_line(text, "reeld", "0.1.0 (pid 123)"));
  CHECK(has_line(text, "address", "127.0.0.1:7878 (the default)"));
  CHECK(has_line(text, "uptime", "1h 2m"));
  CHECK(has_line(text, "state dir", "/home/u/.local/state/reel"));
  CHECK(has_line(text, "backends", "local (default)  unavailable  ffmpeg not found"));
  CHECK(text.find("nemovideo        ok\n") != std::string::npos);
  CHECK(has_line(text, "upstream", "token valid (source file, expires 2026-12-01T00:00:00Z)"));
  CHECK(has_line(text, "credits", "available 10, frozen 0, total 10"));
  CHECK(has_line(text, "jobs", "queued 1, rendering 0"));
  CHECK(has_line(text, "ws clients", "1"));
  CHECK(has_line(text, "events", "42"));
  // Every value starts in the same column.
  auto col = text.find("0.1.0");
  CHECK(text.find("127.0.0.1:7878 (the default)") - text.find("\naddress") - 1 == col);
}

TEST_CASE("status view: missing fields print as '-'") {
  auto text = format_status({"0.1.0", "127.0.0.1:7878", "the default", json::object()});
  CHECK(has_line(text, "reeld", "-"));
  CHECK(has_line(text, "uptime", "-"));
  CHECK(has_line(text, "backends", "-"));
  CHECK(has_line(text, "upstream", "token -"));
  CHECK(has_line(text, "sessions", "-"));
  auto odd = format_status({"0.1.0", "a", "b", json::parse(R"({"upstream":{"token":{}}})")});
  CHECK(has_line(odd, "upstream", "token - (source -, expires -)"));
  CHECK_NOTHROW(format_status({"0.1.0", "a", "b", json::parse("[1,2]")}));
}

TEST_CASE("status view: a token value is never printed, whatever the daemon sends") {
  auto st = json::parse(R"({"upstream":{"token":{"state":"valid","token":"SECRET"},
                                         "credits":{"token":"SECRET","available":1}}})");
  auto text = format_status({"0.1.0", "a", "b", st});
  CHECK(text.find("SECRET") == std::string::npos);
}

TEST_CASE("durations read like people write them") {
  CHECK(format_duration(12.5) == "12s");
  CHECK(format_duration(303) == "5m 3s");
  CHECK(format_duration(7500) == "2h 5m");
  CHECK(format_duration(3 * 86400 + 4 * 3600 + 5) == "3d 4h");
  CHECK(format_duration(json()) == "-");
  CHECK(format_duration(-1) == "-");
}
