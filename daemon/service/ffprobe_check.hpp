#pragma once
// Is this file a playable MP4? ffprobe reads every packet (-count_packets) and says: an MP4
// container, a video stream with packets, a duration, and no error on the way (a file cut short
// behind a front moov atom reads as "partial file" with exit status 0, so errors count too).
// The child is killed when the call is cancelled or runs past its time limit.
#include "service/render_backend.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace reel::service {

struct ffprobe_options {
  std::string program = "ffprobe";  // found on PATH
  std::chrono::milliseconds timeout{120'000};
};

// Runs ffprobe on `path`. Never throws for expected failures: a missing ffprobe, a time-out or a
// bad file give ok = false with the reason.
boost::asio::awaitable<render_check_result> ffprobe_check(std::string path, ffprobe_options o = {});

// The verdict on ffprobe's JSON (-show_entries format=format_name,duration:
// stream=codec_type,nb_read_packets), its exit status and what it wrote on stderr. Pure.
render_check_result read_ffprobe(const nlohmann::json& out, int exit_status,
                                 const std::string& errors);

}  // namespace reel::service
