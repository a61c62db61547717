// fake_nemo: the NemoVideo simulator as a process, so a person can point reeld at it.
//   fake_nemo --listen 127.0.0.1:8787 [--tls-cert F --tls-key F | --tls-self-signed DIR] [knobs]
// Runs until SIGINT or SIGTERM. Every flag is described in README.md and by --help.
#include "fake_nemo/sample_media.hpp"
#include "fake_nemo/server.hpp"
#include "fake_nemo/test_pki.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace {

using namespace reel::fake_nemo;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

endpoint parse_endpoint(const std::string& name) {
  const auto ep = endpoint_from_string(name);
  if (!ep || *ep == endpoint::not_found) throw CLI::ValidationError("unknown endpoint: " + name);
  return *ep;
}

url_placement parse_placement(const std::string& s) {
  if (s == "output_url") return url_placement::output_url;
  if (s == "top_level") return url_placement::top_level;
  if (s == "data_flat") return url_placement::data_flat;
  if (s == "none") return url_placement::none;
  throw CLI::ValidationError("--url-placement: output_url, top_level, data_flat or none");
}

struct cli {
  std::string listen = "127.0.0.1:8787";
  std::string tls_cert, tls_key, tls_self_signed, url_placement_name = "output_url";
  std::string render_polls;
  std::vector<std::string> fails, drops, tokens;
  int render_seconds = 0, delay_ms = 0, sse_gap_ms = 0;
  std::uint64_t max_upload_mb = 500, body_limit_mb = 600;
  bool bare = false, business_http = false, duplicate_ok = false, no_rate_limit = false;
  bool unsupported = false, no_attribution = false, plan_blocked = false, render_fail = false;
  bool no_heartbeats = false, dribble = false, errors_in_stream = false, verbose = false;
};

void define(CLI::App& app, cli& c, knobs& k) {
  app.add_option("--listen", c.listen, "host:port to listen on")->capture_default_str();
  app.add_option("--tls-cert", c.tls_cert, "PEM certificate chain: serve HTTPS");
  app.add_option("--tls-key", c.tls_key, "PEM private key for --tls-cert");
  app.add_option("--tls-self-signed", c.tls_self_signed,
                 "make a test CA and a localhost certificate in DIR and serve HTTPS with them");
  app.add_flag("--bare", c.bare, "answer without the {code,message,data} envelope");
  app.add_flag("--business-http-status", c.business_http,
               "1001/1002/2001/4001/4002 with HTTP 401/404/403/415/413 instead of 200");
  app.add_option("--url-placement", c.url_placement_name,
                 "render URL: output_url, top_level, data_flat or none");
  app.add_flag("--duplicate-ok", c.duplicate_ok, "a duplicate render id answers 200, not 409");
  app.add_option("--token-valid-calls", k.token_valid_calls,
                 "tokens answer 1001 after N calls (0: never)");
  app.add_flag("--no-rate-limit", c.no_rate_limit, "never answer 429 on anonymous-token");
  app.add_option("--credits", k.starting_credits, "credits of a new anonymous user");
  app.add_option("--turn-cost", k.turn_cost, "credits per chat turn");
  app.add_option("--max-upload-mb", c.max_upload_mb, "per-file limit (4002 above)");
  app.add_option("--body-limit-mb", c.body_limit_mb, "request body limit");
  app.add_flag("--unsupported-type", c.unsupported, "every upload answers 4001");
  app.add_flag("--no-attribution-check", c.no_attribution, "export without X-Skill-* is allowed");
  app.add_flag("--plan-blocked", c.plan_blocked, "every export answers HTTP 402");
  app.add_option("--render-polls", c.render_polls, "PENDING,PROCESSING status polls (1,2)");
  app.add_option("--render-seconds", c.render_seconds, "renders take S sim seconds instead");
  app.add_flag("--render-fail", c.render_fail, "renders end in status failed");
  app.add_option("--silent-every", k.silent_every, "every Nth chat turn streams no text");
  app.add_flag("--no-heartbeats", c.no_heartbeats, "no keep-alive comments or empty data lines");
  app.add_flag("--sse-dribble", c.dribble, "write SSE 1-7 bytes at a time, LF and CRLF mixed");
  app.add_option("--sse-seed", k.sse_seed, "seed of the dribble");
  app.add_option("--sse-drop-after-events", k.sse_drop_after_events,
                 "cut every stream inside the event after K events");
  app.add_option("--sse-gap-ms", c.sse_gap_ms, "pause between SSE frames");
  app.add_flag("--sse-errors-in-stream", c.errors_in_stream,
               "1001/1002/2001 on /run_sse as an SSE error event");
  app.add_option("--delay-ms", c.delay_ms, "delay before every answer");
  app.add_option("--fail", c.fails, "ENDPOINT:COUNT[:STATUS] answer STATUS (502) COUNT times");
  app.add_option("--drop", c.drops, "ENDPOINT:COUNT:BYTES cut COUNT responses after BYTES");
  app.add_option("--token", c.tokens, "TOKEN[:CREDITS] a registered token that never expires");
  app.add_flag("-v,--verbose", c.verbose, "one line per request on stderr");
}

void apply(const cli& c, knobs& k) {
  k.envelope = !c.bare;
  k.business_http_status = c.business_http;
  k.render_url = parse_placement(c.url_placement_name);
  k.duplicate_render_conflict = !c.duplicate_ok;
  k.rate_limit_tokens = !c.no_rate_limit;
  k.max_upload_bytes = c.max_upload_mb << 20;
  k.body_limit = c.body_limit_mb << 20;
  k.force_unsupported_type = c.unsupported;
  k.require_attribution = !c.no_attribution;
  k.plan_blocked = c.plan_blocked;
  if (!c.render_polls.empty()) {
    const auto p = split(c.render_polls, ',');
    if (p.size() != 2) throw CLI::ValidationError("--render-polls PENDING,PROCESSING");
    k.render_pending_polls = std::stoi(p[0]);
    k.render_processing_polls = std::stoi(p[1]);
  }
  k.render_sim_time = std::chrono::seconds(c.render_seconds);
  k.render_result = c.render_fail ? render_outcome::failed : render_outcome::completed;
  k.sse_heartbeats = !c.no_heartbeats;
  k.sse_dribble = c.dribble;
  k.sse_gap = std::chrono::milliseconds(c.sse_gap_ms);
  k.sse_errors_in_stream = c.errors_in_stream;
  k.delay = std::chrono::milliseconds(c.delay_ms);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fake_nemo: a local simulator of the NemoVideo cloud API"};
  cli c;
  knobs k;
  define(app, c, k);
  CLI11_PARSE(app, argc, argv);

  try {
    apply(c, k);
    server_options opts;
    const auto colon = c.listen.rfind(':');
    if (colon == std::string::npos) throw CLI::ValidationError("--listen host:port");
    opts.host = c.listen.substr(0, colon);
    opts.port = static_cast<std::uint16_t>(std::stoi(c.listen.substr(colon + 1)));
    opts.verbose = c.verbose;
    if (!c.tls_self_signed.empty()) {
      const auto pki = make_test_pki(c.tls_self_signed);
      opts.tls = tls_files{pki.cert_chain, pki.private_key};
      std::printf("fake_nemo: test CA written to %s (verify clients against it)\n",
                  pki.ca_cert.c_str());
    } else if (!c.tls_cert.empty() || !c.tls_key.empty()) {
      if (c.tls_cert.empty() || c.tls_key.empty()) {
        throw CLI::ValidationError("--tls-cert and --tls-key go together");
      }
      opts.tls = tls_files{c.tls_cert, c.tls_key};
    }

    // Block the stop signals before the I/O thread starts so only sigwait sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    server srv(opts);
    auto& sim = srv.sim();
    sim.set_knobs(k);
    for (const auto& f : c.fails) {
      const auto p = split(f, ':');
      if (p.size() < 2 || p.size() > 3)
        throw CLI::ValidationError("--fail ENDPOINT:COUNT[:STATUS]");
      sim.fail_next(parse_endpoint(p[0]), std::stoi(p[1]), p.size() == 3 ? std::stoi(p[2]) : 502);
    }
    for (const auto& d : c.drops) {
      const auto p = split(d, ':');
      if (p.size() != 3) throw CLI::ValidationError("--drop ENDPOINT:COUNT:BYTES");
      sim.drop_next(parse_endpoint(p[0]), std::stoi(p[1]), std::stoull(p[2]));
    }
    for (const auto& t : c.tokens) {
      const auto p = split(t, ':');
      sim.add_token(p[0], p.size() > 1 ? std::stoll(p[1]) : 100);
    }
    srv.start();
    const auto& mp4 = shared_sample_mp4();
    std::printf("fake_nemo: listening on %s (sample MP4 %llu bytes, sha256 %s)\n",
                srv.base_url().c_str(), static_cast<unsigned long long>(mp4.size),
                mp4.sha256.c_str());
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::printf("fake_nemo: signal %d, stopping\n", sig);
    srv.stop();
    return 0;
  } catch (const CLI::Error& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake_nemo: %s\n", e.what());
    return 1;
  }
}
