#pragma once
// The local backend end to end: a real reeld (fast render polling, private state directory),
// sample media made with ffmpeg once per test run, the REST calls the tests make, and ffmpeg /
// ffprobe readers for what comes out (streams, sizes, frames, loudness).
#include "support/daemon_process.hpp"
#include "support/raw_http.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace reel::test {

// Runs a shell command and returns its stdout; throws when it fails.
inline std::string run_capture(const std::string& cmd) {
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (rc != 0) throw std::runtime_error("failed (" + std::to_string(rc) + "): " + cmd);
  return out;
}

inline void run_ok(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

// Five photos with distinct content (1200x800) and 30 s of music, made once per test run.
struct sample_media {
  temp_dir dir;
  std::vector<std::string> photos;
  std::string music;

  sample_media() {
    const std::string ff = "ffmpeg -hide_banner -loglevel error -y ";
    const char* sources[] = {
        "testsrc2=s=1200x800:r=1",
        "mandelbrot=s=1200x800:maxiter=200:start_scale=2",
        "gradients=s=1200x800:c0=0x1e3c72:c1=0xff7e5f:seed=7",
        "rgbtestsrc=s=1200x800:r=1",
        "cellauto=s=1200x800:rule=110:r=1",
    };
    for (int i = 0; i < 5; ++i) {
      photos.push_back(dir.file("photo" + std::to_string(i + 1) + ".jpg"));
      run_ok(ff + "-f lavfi -i " + sources[i] + " -frames:v 1 -q:v 3 " + photos.back());
    }
    music = dir.file("music.mp3");
    run_ok(ff +
           "-f lavfi -i sine=frequency=330:duration=30 -f lavfi -i "
           "anoisesrc=color=pink:amplitude=0.1:duration=30 -filter_complex amix=inputs=2 -ac 2 "
           "-c:a libmp3lame -b:a 128k " +
           music);
  }
  static const sample_media& get() {
    static sample_media m;
    return m;
  }
};

// What ffprobe says about a finished file.
struct probed {
  double duration_s = 0;
  int width = 0;
  int height = 0;
  std::string video_codec;
  std::string audio_codec;  // empty: no audio track
  std::string profile;
  std::string pix_fmt;
};

inline probed probe(const std::string& path) {
  auto j = nlohmann::json::parse(
      run_capture("ffprobe -v error -print_format json -show_format -show_streams '" + path + "'"));
  probed p;
  p.duration_s = std::stod(j["format"]["duration"].get<std::string>());
  for (const auto& s : j["streams"]) {
    if (s.value("codec_type", "") == "video") {
      p.video_codec = s.value("codec_name", "");
      p.width = s.value("width", 0);
      p.height = s.value("height", 0);
      p.profile = s.value("profile", "");
      p.pix_fmt = s.value("pix_fmt", "");
    } else if (s.value("codec_type", "") == "audio") {
      p.audio_codec = s.value("codec_name", "");
    }
  }
  return p;
}

// The frame at `t_s`, scaled to 320x180 grey bytes.
inline std::string frame_at(const std::string& path, double t_s) {
  char ts[32];
  std::snprintf(ts, sizeof ts, "%.3f", t_s);
  return run_capture("ffmpeg -v error -ss " + std::string(ts) + " -i '" + path +
                     "' -frames:v 1 -vf scale=320:180 -f rawvideo -pix_fmt gray -");
}

// Mean absolute difference of two grey frames (0: identical, 255: opposite).
inline double frame_difference(const std::string& a, const std::string& b) {
  REQUIRE(a.size() == b.size());
  REQUIRE(!a.empty());
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sum += std::abs(static_cast<int>(static_cast<unsigned char>(a[i])) -
                    static_cast<int>(static_cast<unsigned char>(b[i])));
  return sum / static_cast<double>(a.size());
}

// The share of pixels (0..1) that differ by more than `threshold` grey levels: what a drawn
// text changes, and encoder noise does not.
inline double changed_share(const std::string& a, const std::string& b, int threshold = 48) {
  REQUIRE(a.size() == b.size());
  REQUIRE(!a.empty());
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::abs(static_cast<int>(static_cast<unsigned char>(a[i])) -
                 static_cast<int>(static_cast<unsigned char>(b[i]))) > threshold)
      ++n;
  return static_cast<double>(n) / static_cast<double>(a.size());
}

// The loudest sample of the file's audio in dB (volumedetect); -91 or less is digital silence.
inline double max_volume_db(const std::string& path) {
  const auto out = run_capture("ffmpeg -hide_banner -nostats -i '" + path +
                               "' -map 0:a -af volumedetect -f null - 2>&1");
  const auto at = out.find("max_volume:");
  if (at == std::string::npos) throw std::runtime_error("no volumedetect output: " + out);
  const auto v = out.substr(at + 11);
  if (v.find("-inf") < v.find('\n')) return -1000;
  return std::stod(v);
}

// A reeld on its own state directory with fast render polls.
struct local_daemon {
  temp_dir dir;
  std::unique_ptr<daemon_process> daemon;

  local_daemon() { start(); }
  std::string state_dir() const { return dir.file("state"); }
  void start() {
    daemon = std::make_unique<daemon_process>(
        reeld_binary(), state_dir(),
        std::vector<std::string>{"--set", "render.poll_first_s=0.05", "--set",
                                 "render.poll_cap_s=0.2", "--set", "store.event_flush_ms=5"});
  }

  raw_response call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return http(daemon->port(), method, target, daemon->key(), body);
  }
  nlohmann::json call_json(const std::string& method, const std::string& target,
                           const nlohmann::json& body, int want) {
    auto r = call(method, target, body.is_null() ? std::string() : body.dump());
    if (r.status != want)
      throw std::runtime_error(method + " " + target + ": HTTP " + std::to_string(r.status) + " " +
                               r.body);
    return nlohmann::json::parse(r.body);
  }

  std::string new_session() {
    return call_json("POST", "/v1/sessions", nlohmann::json::object(), 201)["id"];
  }
  // Adds files by path; the raw answer (the test decides what it expects).
  raw_response add(const std::string& session, const std::vector<std::string>& paths) {
    return call("POST", "/v1/sessions/" + session + "/media",
                nlohmann::json{{"paths", paths}}.dump());
  }
  void add_ok(const std::string& session, const std::vector<std::string>& paths) {
    auto r = add(session, paths);
    REQUIRE_MESSAGE(r.status == 201, r.body);
  }
  // Says `text` and returns the turn's events (the SSE answer, read until the turn ends).
  std::vector<nlohmann::json> say(const std::string& session, const std::string& text) {
    raw_conn c(daemon->port());
    const auto body = nlohmann::json{{"text", text}}.dump();
    c.send("POST /v1/sessions/" + session + "/messages HTTP/1.1\r\nHost: 127.0.0.1:" +
           std::to_string(daemon->port()) + "\r\nAuthorization: Bearer " + daemon->key() +
           "\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    const auto text_in = c.read_all(std::chrono::seconds(20));
    std::vector<nlohmann::json> events;
    std::size_t at = 0;
    while ((at = text_in.find("data: ", at)) != std::string::npos) {
      const auto end = text_in.find('\n', at);
      auto j = nlohmann::json::parse(text_in.substr(at + 6, end - at - 6), nullptr, false);
      if (!j.is_discarded()) events.push_back(std::move(j));
      at = end;
    }
    return events;
  }
  // The final reply of a turn's events; empty when there was none.
  static std::string reply_of(const std::vector<nlohmann::json>& events) {
    for (const auto& e : events)
      if (e.value("event", "") == "chat.text" && e["data"].value("final", false))
        return e["data"].value("text", "");
    return {};
  }
  nlohmann::json state(const std::string& session) {
    return call_json("GET", "/v1/sessions/" + session + "/state", nullptr, 200);
  }
  // Starts a render and waits for it; returns the job as the API shows it at the end.
  nlohmann::json render(const std::string& session, const nlohmann::json& request,
                        std::chrono::seconds limit = std::chrono::seconds(150)) {
    auto job = call_json("POST", "/v1/sessions/" + session + "/renders", request, 202);
    return wait_finished(job["id"], limit);
  }
  nlohmann::json wait_finished(const std::string& id, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto j = call_json("GET", "/v1/renders/" + id, nullptr, 200);
      const auto s = j.value("state", "");
      if (s == "completed" || s == "failed" || s == "cancelled") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("render " + id + " did not finish in time");
  }
  // The finished file of a completed job.
  static std::string output_of(const nlohmann::json& job) {
    REQUIRE_MESSAGE(job.value("state", "") == "completed", job.dump());
    return job["output"]["path"].get<std::string>();
  }
  // Files left in the engine's work directory (temporary files of renders).
  std::size_t work_files() const {
    std::size_t n = 0;
    std::error_code ec;
    const auto root = state_dir() + "/engine/renders";
    if (!std::filesystem::exists(root, ec)) return 0;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         it != std::filesystem::recursive_directory_iterator(); ++it)
      ++n;
    return n;
  }
};

// One daemon for the tests that need no restart.
inline local_daemon& shared_daemon() {
  static local_daemon d;
  return d;
}

}  // namespace reel::test
