// bench_render_promo: Reel's renderer against the best hand-written ffmpeg command for the same
// promo (five 3000x2000 photos, Ken Burns, crossfades, a title, music), 16:9 and 9:16. Prints a
// markdown table: wall time, CPU time and peak RSS (medians of --runs), their ratios, targets.
// See bench/README.md.
#include "core/render_plan.hpp"
#include "engine/ffmpeg_runner.hpp"
#include "engine/media_probe.hpp"
#include "machine.hpp"
#include "render_promo_scene.hpp"
#include "support/temp_dir.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace {

using namespace reel;
using bench::fixed;

struct options {
  int runs = 3;
  bool quick = false;
  std::string aspects = "16:9,9:16";
  std::string quality = "standard";
  std::string results;  // also write the table here
  int parallel = 1;
  std::string keep;  // copy the last outputs here
};

struct sample {
  double wall_s = 0, cpu_s = 0;
  long rss_kb = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return 0;
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

sample median_of(const std::vector<sample>& s) {
  std::vector<double> w, c, r;
  for (const auto& x : s) {
    w.push_back(x.wall_s);
    c.push_back(x.cpu_s);
    r.push_back(static_cast<double>(x.rss_kb));
  }
  return {median(w), median(c), static_cast<long>(median(r))};
}

struct aspect_result {
  std::string name;
  sample reel, ref;
  std::string output_check;
  bool output_ok = false;
};

aspect_result measure(const options& o, const std::string& aspect, const bench::promo_inputs& in,
                      const std::string& dir) {
  bench::promo_shape shape;
  if (aspect == "9:16") std::swap(shape.width, shape.height);
  if (aspect == "1:1") shape.width = shape.height = 1080;
  if (o.quick) {
    shape.duration_ms = 2000;
    shape.photo_w = 1500;
    shape.photo_h = 1000;
  }
  shape.quality = o.quality;
  const auto q =
      core::render_quality_from_string(o.quality).value_or(core::render_quality::standard);
  shape.preset = q == core::render_quality::draft  ? "ultrafast"
                 : q == core::render_quality::high ? "medium"
                                                   : "veryfast";
  shape.crf = q == core::render_quality::draft  ? "28"
              : q == core::render_quality::high ? "20"
                                                : "23";

  // The same path reeld takes: probe each file, plan, run.
  std::map<std::string, core::plan_media> media;
  for (std::size_t i = 0; i < in.photos.size(); ++i) {
    auto info = engine::probe_media_sync(in.photos[i]);
    if (!info) throw std::runtime_error(info.error().message);
    media["photo" + std::to_string(i + 1)] = engine::to_plan_media(*info, in.photos[i]);
  }
  auto music = engine::probe_media_sync(in.music);
  if (!music) throw std::runtime_error(music.error().message);
  media["music"] = engine::to_plan_media(*music, in.music);
  const auto draft = bench::make_promo_draft(shape);

  aspect_result res;
  res.name = aspect + " (" + std::to_string(shape.width) + "x" + std::to_string(shape.height) + ")";
  std::vector<sample> reel, ref;
  const std::string out = dir + "/reel.mp4";
  for (int run = 0; run < o.runs; ++run) {
    // Alternate who goes first, so a change in the machine's load hits both alike.
    for (int k = 0; k < 2; ++k) {
      if ((k == 0) == (run % 2 == 0)) {
        core::render_settings s;
        s.width = shape.width;
        s.height = shape.height;
        s.quality = q;
        s.output_path = out;
        s.work_dir = dir;
        s.parallel = o.parallel;
        auto plan = core::make_render_plan(draft, media, s);
        if (!plan) throw std::runtime_error(plan.error().message);
        auto r = engine::run_plan_sync(std::move(*plan));
        if (!r) throw std::runtime_error("Reel render failed: " + r.error().message);
        reel.push_back({r->wall_s, r->usage.user_s + r->usage.sys_s, r->usage.max_rss_kb});
      } else {
        auto r = bench::run_measured(bench::reference_command(shape, in, dir + "/ref.mp4"));
        if (!r.ok) throw std::runtime_error("reference command failed: " + r.stderr_tail);
        ref.push_back({r.wall_s, r.cpu_s, r.max_rss_kb});
      }
    }
  }
  if (!o.keep.empty()) {
    std::string tag = aspect;
    std::replace(tag.begin(), tag.end(), ':', 'x');
    std::filesystem::copy_file(out, o.keep + "/reel_" + tag + ".mp4",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(dir + "/ref.mp4", o.keep + "/ref_" + tag + ".mp4",
                               std::filesystem::copy_options::overwrite_existing);
  }
  res.reel = median_of(reel);
  res.ref = median_of(ref);

  auto info = engine::probe_media_sync(out);
  if (info) {
    const double secs = info->duration_ms / 1000.0;
    res.output_ok = std::abs(secs - shape.duration_ms / 1000.0) <= 0.1 &&
                    info->width == shape.width && info->height == shape.height &&
                    info->video_codec == "h264" && info->audio_codec == "aac";
    res.output_check = fixed(secs, 3) + " s, " + std::to_string(info->width) + "x" +
                       std::to_string(info->height) + ", " + info->video_codec + "+" +
                       info->audio_codec;
  } else {
    res.output_check = info.error().message;
  }
  return res;
}

std::string table(const options& o, const std::vector<aspect_result>& rs, bool& all_pass) {
  std::ostringstream t;
  const auto secs = o.quick ? "2 s" : "30 s";
  t << "### Reel vs hand-written ffmpeg: " << secs << " promo, 5 photos "
    << (o.quick ? "1500x1000" : "3000x2000") << ", quality " << o.quality << ", median of "
    << o.runs << "\n\n"
    << bench::snapshot().line() << "\n\n"
    << "| aspect | measure | Reel | hand-written ffmpeg | Reel / ffmpeg | target | result |\n"
    << "|---|---|---|---|---|---|---|\n";
  all_pass = true;
  for (const auto& r : rs) {
    const double wall_ratio = r.reel.wall_s / std::max(r.ref.wall_s, 1e-9);
    const bool wall_ok = wall_ratio <= 1.05;
    const double rss_mb = r.reel.rss_kb / 1024.0;
    const bool rss_ok = rss_mb < 600;
    all_pass = all_pass && wall_ok && rss_ok && r.output_ok;
    auto verdict = [&](bool ok) {
      return o.quick ? std::string("(smoke)") : ok ? std::string("PASS") : std::string("**FAIL**");
    };
    t << "| " << r.name << " | wall time | " << fixed(r.reel.wall_s) << " s | "
      << fixed(r.ref.wall_s) << " s | " << fixed(wall_ratio) << "x | <= 1.05x | "
      << verdict(wall_ok) << " |\n";
    t << "| | CPU time (user+sys) | " << fixed(r.reel.cpu_s) << " s | " << fixed(r.ref.cpu_s)
      << " s | " << fixed(r.reel.cpu_s / std::max(r.ref.cpu_s, 1e-9)) << "x | | |\n";
    t << "| | peak RSS | " << fixed(rss_mb, 0) << " MB | " << fixed(r.ref.rss_kb / 1024.0, 0)
      << " MB | " << fixed(static_cast<double>(r.reel.rss_kb) / std::max(r.ref.rss_kb, 1L))
      << "x | < 600 MB | " << verdict(rss_ok) << " |\n";
    t << "| | Reel's output | " << r.output_check << " | | | " << secs << " +-0.1, h264+aac | "
      << (r.output_ok ? "PASS" : "**FAIL**") << " |\n";
  }
  return t.str();
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"bench_render_promo: Reel's renderer against a hand-written ffmpeg command"};
  app.add_option("--runs", o.runs, "runs per side (the median is shown)")->check(CLI::Range(1, 20));
  app.add_option("--aspects", o.aspects, "comma-separated: 16:9, 9:16, 1:1");
  app.add_option("--quality", o.quality, "draft | standard | high");
  app.add_option("--results", o.results, "also write the table to this file");
  app.add_option("--parallel", o.parallel, "ffmpeg processes Reel may use")
      ->check(CLI::Range(1, 64));
  app.add_option("--keep", o.keep, "copy the last Reel and reference outputs into this directory");
  app.add_flag("--quick", o.quick,
               "smoke run: 2 s of 16:9 at quality draft from 1500x1000 photos, one run");
  CLI11_PARSE(app, argc, argv);
  if (o.quick) {
    o.runs = 1;
    if (app.count("--aspects") == 0) o.aspects = "16:9";
    if (app.count("--quality") == 0) o.quality = "draft";
  }

  try {
    test::temp_dir dir;
    const auto in = o.quick ? bench::make_inputs(dir.path(), 2000, 1500, 1000)
                            : bench::make_inputs(dir.path(), 30000, 3000, 2000);
    std::vector<aspect_result> rs;
    std::stringstream list(o.aspects);
    for (std::string a; std::getline(list, a, ',');) {
      std::cerr << "== " << a << "\n";
      rs.push_back(measure(o, a, in, dir.path()));
    }
    bool pass = false;
    const std::string t = table(o, rs, pass);
    std::cout << t;
    if (!o.results.empty()) std::ofstream(o.results) << t;
    // Performance verdicts are in the table; the exit status says whether it all worked.
    for (const auto& r : rs)
      if (!r.output_ok) return 1;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_render_promo: " << e.what() << "\n";
    return 1;
  }
}
