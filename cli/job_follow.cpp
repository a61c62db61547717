#include "cli/job_follow.hpp"

#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
#include "cli/job_view.hpp"
#include "cli/ws_client.hpp"

#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

namespace reel::cli {
namespace {

using clock = std::chrono::steady_clock;

bool daemon_away(const client_error& e) {
  return e.kind == failure::unreachable || e.kind == failure::timeout ||
         e.kind == failure::protocol || (e.kind == failure::daemon && e.close_code != 0);
}

client_error cancelled() {
  return make_failure(failure::cancelled, "cancelled", "stopped; the job goes on in the daemon");
}

// Waits a little before the next attempt; false when Ctrl-C came.
bool pause() {
  for (int i = 0; i < 5; ++i) {
    if (interrupted()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !interrupted();
}

}  // namespace

client_result<nlohmann::json> follow_job(const client_options& opts, const std::string& id,
                                         const follow_options& f) {
  const std::string target = "/v1/renders/" + url_encoded(id);
  http_client http(opts);
  std::optional<std::int64_t> since;
  std::optional<clock::time_point> away_since;
  auto update = [&f](const nlohmann::json& j) {
    if (f.on_update) f.on_update(j);
  };
  // Called when the daemon cannot be reached: true to try again, false to give up.
  auto still_waiting = [&](const client_error& e) {
    if (!away_since) {
      away_since = clock::now();
      if (f.on_notice) f.on_notice("lost the daemon (" + e.error.message + "); waiting for it");
    }
    return clock::now() - *away_since < f.reconnect_for;
  };

  for (;;) {
    if (interrupted()) return cancelled();
    // Subscribe first, then read the job: nothing can finish unseen in between.
    auto ws = ws_client::connect(opts);
    if (!ws) {
      if (!daemon_away(ws.error()) || !still_waiting(ws.error())) return ws.error();
      if (!pause()) return cancelled();
      continue;
    }
    nlohmann::json fields = {{"topic", "renders"}};
    if (since) fields["since"] = *since;
    auto sub = ws->call("subscribe", fields);
    if (!sub) {
      if (!daemon_away(sub.error()) || !still_waiting(sub.error())) return sub.error();
      if (!pause()) return cancelled();
      continue;
    }
    if (!since && sub->contains("last_seq") && (*sub)["last_seq"].is_number_integer())
      since = (*sub)["last_seq"].get<std::int64_t>();
    if (away_since && f.on_notice) f.on_notice("reconnected; following " + id + " again");
    away_since.reset();

    auto last_read = clock::now() - f.reread_every;
    for (;;) {
      if (interrupted()) return cancelled();
      if (clock::now() - last_read >= f.reread_every) {
        auto job = http.get_json(target);
        if (!job) {
          if (daemon_away(job.error())) break;
          return job.error();
        }
        last_read = clock::now();
        update(*job);
        if (job_finished(*job))
          return client_result<nlohmann::json>(boost::system::in_place_value, *job);
      }
      auto msg = ws->next(std::chrono::milliseconds(250));
      if (!msg) {
        if (msg.error().kind == failure::timeout) continue;
        break;  // the daemon went away: reconnect with since
      }
      if (msg->value("type", "") != "event") continue;
      if (msg->contains("seq") && (*msg)["seq"].is_number_integer())
        since = (*msg)["seq"].get<std::int64_t>();
      const auto& data = (*msg)["data"];
      if (!data.is_object() || data.value("job", "") != id) continue;
      update(data);
      if (job_finished(data)) last_read = clock::now() - f.reread_every;  // read the final job
    }
    if (!pause()) return cancelled();
  }
}

client_result<std::uint64_t> save_output(const client_options& opts, const std::string& id,
                                         const std::string& path) {
  const std::string part = path + ".part";
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  if (!out) return make_failure(failure::local, "cannot_write", "cannot write " + part);
  std::uint64_t written = 0;
  http_request req;
  req.target = "/v1/renders/" + url_encoded(id) + "/output";
  req.accept = "video/mp4";
  http_client http(opts);
  auto r = http.send_streaming(req, [&](std::string_view bytes) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    written += bytes.size();
    return static_cast<bool>(out);
  });
  out.close();
  if (!r) {
    std::remove(part.c_str());
    return r.error();
  }
  if (r->status >= 300) {
    std::remove(part.c_str());
    return error_from_response(r->status, r->reason, r->body);
  }
  if (!out || std::rename(part.c_str(), path.c_str()) != 0) {
    std::remove(part.c_str());
    return make_failure(failure::local, "cannot_write", "cannot write " + path);
  }
  return written;
}

}  // namespace reel::cli
