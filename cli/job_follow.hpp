#pragma once
// Following a render job from the command line until it is finished, through restarts of the
// daemon: the job is read over REST, its events come over the WebSocket (topic `renders`), and
// when the daemon goes away reel waits for it, reconnects, resubscribes with `since` = the last
// seq it saw, and reads the job again (events a crash kept from the store are not missed).
#include "cli/client_error.hpp"
#include "cli/client_options.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace reel::cli {

struct follow_options {
  std::chrono::milliseconds reconnect_for{std::chrono::minutes(5)};   // the daemon may be away
  std::chrono::milliseconds reread_every{std::chrono::seconds(2)};    // re-read without events
  std::function<void(const nlohmann::json& job_or_event)> on_update;  // progress to draw
  std::function<void(const std::string& line)> on_notice;             // "lost the daemon ..."
};

// Follows job `id` until it is completed, failed or cancelled; returns the job as the daemon
// last showed it. Fails: the daemon's error (404), unreachable for longer than reconnect_for,
// cancelled (Ctrl-C).
client_result<nlohmann::json> follow_job(const client_options& opts, const std::string& id,
                                         const follow_options& f);

// Writes the finished file of job `id` to `path` through `path`.part, renamed when whole;
// returns its size. Fails with the daemon's error, or local when the file cannot be written.
client_result<std::uint64_t> save_output(const client_options& opts, const std::string& id,
                                         const std::string& path);

}  // namespace reel::cli
