#pragma once
// Files sent to a session from this machine (reel add, reel make): checked here first, then
// named by path for the daemon to read, or uploaded as multipart/form-data streamed from disk
// when it cannot read them (a system service running as another user) or when asked to.
#include "cli/client_error.hpp"
#include "cli/client_options.hpp"
#include "cli/http_client.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace reel::cli {

// A file checked on this side: it exists, is a regular file and this user can read it.
struct local_file {
  std::string path;  // absolute
  std::string name;  // the base name the daemon shows
  std::uint64_t size = 0;
};

// Bytes of a multipart upload this client has sent, shared with the thread that draws them.
struct send_progress {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> total{0};
};

// Checks every file (exists, regular, readable by this user) so that a typo or an unreadable
// file fails before anything is sent: failure::local "file_not_found" / "file_unreadable".
client_result<std::vector<local_file>> check_files(const std::vector<std::string>& files);

// POST `target` (a session's media route) as multipart/form-data, field "files", the files
// streamed from disk; `progress` (may be null; must outlive the request) counts the bytes sent.
http_request upload_request(const std::string& target, const std::vector<local_file>& files,
                            send_progress* progress);

// True when the daemon refused a path it could not open though this client can read it.
bool daemon_cannot_read(const client_error& e);

// Adds `files` to session `session_id` by path, uploading them instead when the daemon cannot
// read them (or always, with `upload`); `on_fallback` is told when that happens. Waits for the
// daemon's answer (the media added) as long as the backend takes.
client_result<nlohmann::json> add_files(const client_options& opts, const std::string& session_id,
                                        const std::vector<local_file>& files, bool upload,
                                        const std::function<void(const client_error&)>& on_fallback,
                                        send_progress* progress = nullptr);

}  // namespace reel::cli
