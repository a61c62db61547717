#pragma once
// Helpers for the engine tests: make small media with ffmpeg, read frames back, render drafts.
#include "core/render_plan.hpp"
#include "engine/child_process.hpp"
#include "engine/ffmpeg_runner.hpp"
#include "engine/media_probe.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace reel::test {

// Runs a command to its end and returns its stdout; fails the test when it fails.
inline std::string run_tool(const std::vector<std::string>& argv) {
  auto child = engine::child_process::spawn(argv);
  REQUIRE(child.has_value());
  std::string out, err;
  char buf[8192];
  for (int fd = child->take_stdout();;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
      ::close(fd);
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  for (int fd = child->take_stderr();;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
      ::close(fd);
      break;
    }
    err.append(buf, static_cast<std::size_t>(n));
  }
  const auto exit = child->wait();
  INFO(err);
  REQUIRE(exit.ok());
  return out;
}

// An ffmpeg lavfi source (`-f lavfi -i src`) written to `path` with `extra` output options.
inline void make_media(const std::string& src, const std::string& path,
                       std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{"ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                                "-f",     "lavfi",        "-i",        src};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(path);
  run_tool(argv);
}

// One frame at `seconds` as 8-bit luma, `w` x `h` bytes.
inline std::string gray_frame(const std::string& video, double seconds) {
  return run_tool({"ffmpeg", "-hide_banner", "-loglevel", "error", "-ss", std::to_string(seconds),
                   "-i", video, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"});
}

inline double mean_abs_diff(const std::string& a, const std::string& b) {
  REQUIRE(a.size() == b.size());
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sum += std::abs(static_cast<int>(static_cast<unsigned char>(a[i])) -
                    static_cast<int>(static_cast<unsigned char>(b[i])));
  return a.empty() ? 0 : sum / static_cast<double>(a.size());
}

// The mean absolute luma change from each frame to the next (ffmpeg's tblend + signalstats).
inline std::vector<double> frame_changes(const std::string& video) {
  const auto out = run_tool({"ffmpeg", "-hide_banner", "-loglevel", "error", "-i", video, "-vf",
                             "tblend=all_mode=difference,signalstats,metadata=print:key=lavfi."
                             "signalstats.YAVG:file=-",
                             "-f", "null", "-"});
  std::vector<double> v;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (auto eq = line.find("YAVG="); eq != std::string::npos)
      v.push_back(std::stod(line.substr(eq + 5)));
  return v;
}

inline std::map<std::string, core::plan_media> probe_all(
    const std::map<std::string, std::string>& files) {
  std::map<std::string, core::plan_media> m;
  for (const auto& [id, path] : files) {
    auto info = engine::probe_media_sync(path);
    REQUIRE_MESSAGE(info.has_value(), path);
    m[id] = engine::to_plan_media(*info, path);
  }
  return m;
}

inline core::render_settings small_settings(const temp_dir& dir, const std::string& name,
                                            int w = 640, int h = 360) {
  core::render_settings s;
  s.width = w;
  s.height = h;
  s.output_path = dir.file(name);
  s.work_dir = dir.path() + "/work";
  std::filesystem::create_directories(s.work_dir);
  return s;
}

inline std::size_t files_in(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

}  // namespace reel::test
