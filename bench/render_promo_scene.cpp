#include "render_promo_scene.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

extern char** environ;

namespace reel::bench {

namespace {

constexpr std::array<const char*, 5> motions = {"zoom_in", "pan_left", "zoom_out", "pan_right",
                                                "pan_up"};

// Photo-like sources: detail (fractal, test chart), gradients with grain, a soft pattern.
std::array<std::string, 5> photo_sources(int w, int h) {
  const std::string s = "s=" + std::to_string(w) + "x" + std::to_string(h);
  return {
      "mandelbrot=" + s + ":start_scale=2.5:end_pts=1", "testsrc2=" + s,
      "gradients=" + s + ":c0=0x2050a0:c1=0xf0c040:x0=0:y0=0:x1=" + std::to_string(w) +
          ":y1=" + std::to_string(h) + ",noise=alls=6",
      "mandelbrot=" + s + ":start_x=-0.743643887:start_y=0.131825904:start_scale=0.01:end_pts=1",
      "smptehdbars=" + s + ",gblur=sigma=20,noise=alls=5"};
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

measured_run run_measured(const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addclose(&fa, err[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  measured_run r;
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    r.stderr_tail = "cannot start " + argv[0];
    return r;
  }
  std::array<pollfd, 2> fds{{{out[0], POLLIN, 0}, {err[0], POLLIN, 0}}};
  std::array<char, 8192> buf{};
  int open = 2;
  while (open > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    for (auto& p : fds) {
      if (p.fd < 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const auto n = ::read(p.fd, buf.data(), buf.size());
      if (n <= 0) {
        ::close(p.fd);
        p.fd = -1;
        --open;
      } else if (p.fd == err[0]) {
        r.stderr_tail.append(buf.data(), static_cast<std::size_t>(n));
        if (r.stderr_tail.size() > 8000) r.stderr_tail.erase(0, r.stderr_tail.size() - 4000);
      }
    }
  }
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
            ru.ru_stime.tv_usec / 1e6;
  r.max_rss_kb = ru.ru_maxrss;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return r;
}

promo_inputs make_inputs(const std::string& dir, std::int64_t music_ms, int photo_w, int photo_h) {
  promo_inputs in;
  in.font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const auto sources = photo_sources(photo_w, photo_h);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string path = dir + "/photo" + std::to_string(i + 1) + ".jpg";
    auto r =
        run_measured({"ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                      sources[i], "-frames:v", "1", "-pix_fmt", "yuvj420p", "-q:v", "3", path});
    if (!r.ok) throw std::runtime_error("cannot make " + path + ": " + r.stderr_tail);
    in.photos.push_back(path);
  }
  in.music = dir + "/music.mp3";
  const std::string secs = std::to_string(music_ms / 1000.0);
  auto r = run_measured({"ffmpeg",
                         "-hide_banner",
                         "-loglevel",
                         "error",
                         "-y",
                         "-f",
                         "lavfi",
                         "-i",
                         "sine=f=220:d=" + secs,
                         "-f",
                         "lavfi",
                         "-i",
                         "sine=f=330:d=" + secs,
                         "-f",
                         "lavfi",
                         "-i",
                         "anoisesrc=c=pink:a=0.05:d=" + secs,
                         "-filter_complex",
                         "[0][1][2]amix=inputs=3,aformat=channel_layouts=stereo",
                         "-c:a",
                         "libmp3lame",
                         "-b:a",
                         "192k",
                         in.music});
  if (!r.ok) throw std::runtime_error("cannot make the music: " + r.stderr_tail);
  return in;
}

// Each photo shows for `seg` ms; the next starts `transition_ms` before it ends, so five
// photos fill the duration exactly: 5 * seg - 4 * transition = duration.
static std::int64_t segment_ms(const promo_shape& s) {
  return (s.duration_ms + 4 * s.transition_ms) / 5;
}

core::draft make_promo_draft(const promo_shape& shape) {
  auto d = core::draft::make_empty(shape.width, shape.height, shape.fps);
  d.set_title("Reel promo");
  const std::int64_t seg = segment_ms(shape);
  auto video = d.add_track(core::track_kind::video, "Photos");
  for (int i = 0; i < 5; ++i) {
    auto s = video.add_segment();
    s.set_source("photo" + std::to_string(i + 1))
        .set_start_ms(i * (seg - shape.transition_ms))
        .set_duration_ms(seg)
        .set_fit(core::fit_mode::cover)
        .set_motion(*core::motion_preset(motions[static_cast<std::size_t>(i)]));
    if (i > 0) s.set_transition({core::transition_kind::fade, shape.transition_ms});
  }
  auto title = d.add_track(core::track_kind::text, "Title");
  title.add_segment()
      .set_text("Reel Promo")
      .set_start_ms(shape.duration_ms / 60)
      .set_duration_ms(shape.duration_ms * 2 / 15)
      .set_style({std::nullopt, 96.0 * shape.height / 1080, std::string("white"),
                  core::text_position::center, std::string("black@0.4")})
      .set_fades(shape.duration_ms / 75, shape.duration_ms / 75);
  auto music = d.add_track(core::track_kind::audio, "BGM");
  music.add_segment()
      .set_source("music")
      .set_start_ms(0)
      .set_duration_ms(shape.duration_ms)
      .set_volume(0.8)
      .set_fades(500, std::min<std::int64_t>(2000, shape.duration_ms / 4));
  d.set_duration_ms(shape.duration_ms);
  return d;
}

std::vector<std::string> reference_command(const promo_shape& shape, const promo_inputs& in,
                                           const std::string& output) {
  // Worked out as on paper: the photo is 3000x2000; at zoom 1 the window is the largest
  // output-shaped rectangle in it; a zoom of 1.2 shows 1/1.2 of that. Each photo is cropped to
  // the area its move covers and scaled once so the largest window is the output size; then
  // perspective slides that canvas under the frame, its corners interpolated linearly.
  const double W = shape.width, H = shape.height, aspect = W / H;
  const int photo_w = shape.photo_w, photo_h = shape.photo_h;
  const double base_w = std::min<double>(photo_w, photo_h * aspect);
  const int fps = shape.fps;
  const std::int64_t seg_f = segment_ms(shape) * fps / 1000;
  const std::int64_t tr_f = shape.transition_ms * fps / 1000;
  const std::int64_t m = seg_f - 1;
  struct end {
    double x, y, z;
  };
  const std::array<std::array<end, 2>, 5> moves{{{{{0.5, 0.5, 1}, {0.5, 0.5, 1.2}}},
                                                 {{{0.6, 0.5, 1.2}, {0.4, 0.5, 1.2}}},
                                                 {{{0.5, 0.5, 1.2}, {0.5, 0.5, 1}}},
                                                 {{{0.4, 0.5, 1.2}, {0.6, 0.5, 1.2}}},
                                                 {{{0.5, 0.6, 1.2}, {0.5, 0.4, 1.2}}}}};
  std::vector<std::string> argv{"ffmpeg", "-hide_banner", "-loglevel", "error", "-y"};
  for (const auto& p : in.photos) argv.insert(argv.end(), {"-i", p});
  argv.insert(argv.end(), {"-i", in.music});
  std::string g;
  for (int i = 0; i < 5; ++i) {
    const auto& mv = moves[static_cast<std::size_t>(i)];
    double l[2], t[2], ww[2];
    for (int k = 0; k < 2; ++k) {
      ww[k] = base_w / mv[static_cast<std::size_t>(k)].z;
      const double wh = ww[k] / aspect;
      l[k] =
          std::clamp(mv[static_cast<std::size_t>(k)].x * photo_w, ww[k] / 2, photo_w - ww[k] / 2) -
          ww[k] / 2;
      t[k] = std::clamp(mv[static_cast<std::size_t>(k)].y * photo_h, wh / 2, photo_h - wh / 2) -
             wh / 2;
    }
    const int cx = static_cast<int>(std::min(l[0], l[1]));
    const int cy = static_cast<int>(std::min(t[0], t[1]));
    const int cw = static_cast<int>(std::ceil(std::max(l[0] + ww[0], l[1] + ww[1]))) - cx;
    const int ch =
        static_cast<int>(std::ceil(std::max(t[0] + ww[0] / aspect, t[1] + ww[1] / aspect))) - cy;
    const double f = W / std::max(ww[0], ww[1]);
    const int sw = std::max<int>(shape.width, static_cast<int>(std::lround(cw * f / 2)) * 2);
    const int sh = std::max<int>(shape.height, static_cast<int>(std::lround(ch * f / 2)) * 2);
    // Where the canvas's corners land in the frame at the start (a) and the end (b).
    double ax0[2], ay0[2], ax1[2], ay1[2];
    for (int k = 0; k < 2; ++k) {
      const double s = W / (ww[k] * f);  // output px per canvas px
      ax0[k] = -(l[k] - cx) * f * s;
      ay0[k] = -(t[k] - cy) * f * s;
      ax1[k] = ax0[k] + sw * s;
      ay1[k] = ay0[k] + sh * s;
    }
    auto lin = [&](const double* v) {
      return "'" + fmt(v[0]) + "+" + fmt(v[1] - v[0]) + "*on/" + std::to_string(m) + "'";
    };
    const std::string X0 = lin(ax0), X1 = lin(ax1), Y0 = lin(ay0), Y1 = lin(ay1);
    g += "[" + std::to_string(i) + ":v]crop=" + std::to_string(cw) + ":" + std::to_string(ch) +
         ":" + std::to_string(cx) + ":" + std::to_string(cy) + ",scale=" + std::to_string(sw) +
         ":" + std::to_string(sh) +
         ":flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p,loop=loop=" +
         std::to_string(seg_f - 1) + ":size=1,settb=1/" + std::to_string(fps) +
         ",setpts=N,perspective=x0=" + X0 + ":y0=" + Y0 + ":x1=" + X1 + ":y1=" + Y0 + ":x2=" + X0 +
         ":y2=" + Y1 + ":x3=" + X1 + ":y3=" + Y1 +
         ":sense=destination:eval=frame,crop=" + std::to_string(shape.width) + ":" +
         std::to_string(shape.height) + ":0:0[p" + std::to_string(i) + "];";
  }
  std::string last = "[p0]";
  std::int64_t len = seg_f;
  for (int i = 1; i < 5; ++i) {
    const std::string out = "[x" + std::to_string(i) + "]";
    g += last + "[p" + std::to_string(i) +
         "]xfade=transition=fade:duration=" + fmt(static_cast<double>(tr_f) / fps) +
         ":offset=" + fmt(static_cast<double>(len - tr_f) / fps) + out + ";";
    last = out;
    len += seg_f - tr_f;
  }
  const double a = shape.duration_ms / 60 / 1000.0, b = a + shape.duration_ms * 2 / 15 / 1000.0;
  const double fade = shape.duration_ms / 75 / 1000.0;
  g += last + "drawtext=fontfile=" + in.font +
       ":text=Reel Promo:fontsize=" + std::to_string(96 * shape.height / 1080) +
       ":fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2:box=1:boxcolor=black@0.4:boxborderw=" +
       std::to_string(29 * shape.height / 1080) + ":enable='between(t," + fmt(a) + "," + fmt(b) +
       ")':alpha='min(1,min(t-" + fmt(a) + "," + fmt(b) + "-t)/" + fmt(fade) + ")'[v];";
  const double secs = shape.duration_ms / 1000.0;
  const double fo = std::min<double>(2.0, secs / 4);
  g +=
      "[5:a]volume=0.8,afade=t=in:d=0.5,afade=t=out:st=" + fmt(secs - fo) + ":d=" + fmt(fo) + "[a]";
  argv.insert(argv.end(), {"-filter_complex",
                           g,
                           "-map",
                           "[v]",
                           "-map",
                           "[a]",
                           "-c:v",
                           "libx264",
                           "-preset",
                           shape.preset,
                           "-crf",
                           shape.crf,
                           "-profile:v",
                           "high",
                           "-pix_fmt",
                           "yuv420p",
                           "-r",
                           std::to_string(fps),
                           "-c:a",
                           "aac",
                           "-b:a",
                           "160k",
                           "-t",
                           fmt(secs),
                           "-movflags",
                           "+faststart",
                           output});
  return argv;
}

}  // namespace reel::bench
