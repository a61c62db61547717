// Ken Burns geometry: where the window is at each end of a move, and the one-time crop + scale
// that makes the canvas the move is drawn from.
//
// Why `perspective` and not the usual recipe: `zoompan` (and scale + crop) cut the window out of
// the picture at whole-pixel positions (zoompan even rounds x and y to even numbers in yuv420p)
// and with whole-pixel sizes, so a slow move advances 0, 1, 0, 2... pixels per frame: the
// one-pixel stair-steps. `perspective` maps every output pixel to a fractional source position
// and interpolates (bilinear; bicubic at quality high), so the window glides by exactly the
// fraction it should. It costs more per frame than zoompan, so the rest of the design keeps its
// input small: the still is decoded, cropped to the region the move ever shows and scaled ONCE
// (`loop` then repeats that frame), and the canvas is never larger than it must be (standard:
// the largest window maps 1:1 to the output, so a zoom-in draws from an output-sized canvas).
//
// With sense=destination the four canvas corners are sent to where they land in the output;
// the output keeps the canvas size, and the top-left out_w x out_h is the frame. Over the move the
// window centre goes linearly and its size geometrically (a constant zoom speed), so the window
// stays inside the canvas between two ends that are inside it.
#include "core/render_plan_internal.hpp"

#include <algorithm>
#include <cmath>

namespace reel::core::render_detail {

namespace {

struct window {
  double cx, cy, w, h;  // centre and size in the (padded) picture's pixels
};

int even_round(double v) {
  return static_cast<int>(std::llround(v / 2.0)) * 2;
}

}  // namespace

kb_canvas plan_ken_burns(int pic_w, int pic_h, fit_mode fit, const motion_spec& mo, int out_w,
                         int out_h, render_quality q) {
  const double aspect = static_cast<double>(out_w) / out_h;
  // The virtual picture: the picture itself (cover), or the picture centred on black bars that
  // give it the output's aspect (contain). Whole pixels, so the one-time crop is exact.
  int vw = pic_w, vh = pic_h, ox = 0, oy = 0;
  if (fit == fit_mode::contain) {
    if (static_cast<double>(pic_w) / pic_h > aspect) {
      vh = std::max(pic_h, static_cast<int>(std::lround(pic_w / aspect)));
      oy = (vh - pic_h) / 2;
    } else {
      vw = std::max(pic_w, static_cast<int>(std::lround(pic_h * aspect)));
      ox = (vw - pic_w) / 2;
    }
  }
  // z = 1 is the largest output-shaped window inside the virtual picture; z < 1 would show
  // beyond it, so it is read as 1.
  const double base_w = std::min<double>(vw, vh * aspect);
  auto window_of = [&](const frame_point& p) {
    window win{};
    win.w = base_w / std::max(p.z, 1.0);
    win.h = win.w / aspect;
    win.cx = std::clamp(ox + p.x * pic_w, win.w / 2, vw - win.w / 2);
    win.cy = std::clamp(oy + p.y * pic_h, win.h / 2, vh - win.h / 2);
    return win;
  };
  const window a = window_of(mo.from);
  const window b = window_of(mo.to);
  kb_canvas kb;
  kb.moves =
      std::abs(a.cx - b.cx) > 1e-6 || std::abs(a.cy - b.cy) > 1e-6 || std::abs(a.w - b.w) > 1e-6;

  // The union of all windows of the move, rounded outwards to whole pixels.
  const double l = std::min(a.cx - a.w / 2, b.cx - b.w / 2);
  const double r = std::max(a.cx + a.w / 2, b.cx + b.w / 2);
  const double t = std::min(a.cy - a.h / 2, b.cy - b.h / 2);
  const double btm = std::max(a.cy + a.h / 2, b.cy + b.h / 2);
  const int ux0 = std::clamp(static_cast<int>(std::floor(l + 1e-6)), 0, vw - 1);
  const int ux1 = std::clamp(static_cast<int>(std::ceil(r - 1e-6)), ux0 + 1, vw);
  const int uy0 = std::clamp(static_cast<int>(std::floor(t + 1e-6)), 0, vh - 1);
  const int uy1 = std::clamp(static_cast<int>(std::ceil(btm - 1e-6)), uy0 + 1, vh);

  // Canvas pixels per picture pixel: the largest window maps to the output width (no
  // downscaling inside the move); high also avoids upscaling, up to twice the output.
  const double big = std::max(a.w, b.w);
  const double small = std::min(a.w, b.w);
  double f = out_w / big;
  if (q == render_quality::high && kb.moves) f = std::min(out_w / small, 2.0 * out_w / big);
  kb.canvas_w = std::max(out_w, even_round((ux1 - ux0) * f));
  kb.canvas_h = std::max(out_h, even_round((uy1 - uy0) * f));
  if (!kb.moves) {
    kb.canvas_w = out_w;
    kb.canvas_h = out_h;
  }
  const double fx = static_cast<double>(kb.canvas_w) / (ux1 - ux0);
  const double fy = static_cast<double>(kb.canvas_h) / (uy1 - uy0);

  // The part of the real picture inside the union; the rest (contain) is black padding.
  const int rx0 = std::max(ux0, ox), rx1 = std::min(ux1, ox + pic_w);
  const int ry0 = std::max(uy0, oy), ry1 = std::min(uy1, oy + pic_h);
  kb.crop_x = rx0 - ox;
  kb.crop_y = ry0 - oy;
  kb.crop_w = std::max(1, rx1 - rx0);
  kb.crop_h = std::max(1, ry1 - ry0);
  kb.scaled_w = std::clamp(even_round(kb.crop_w * fx), 2, kb.canvas_w);
  kb.scaled_h = std::clamp(even_round(kb.crop_h * fy), 2, kb.canvas_h);
  kb.pad_x = std::clamp(even_round((rx0 - ux0) * fx), 0, kb.canvas_w - kb.scaled_w);
  kb.pad_y = std::clamp(even_round((ry0 - uy0) * fy), 0, kb.canvas_h - kb.scaled_h);

  auto point_of = [&](const window& w) {
    return kb_point{(w.cx - ux0) * fx, (w.cy - uy0) * fy, w.w * fx / out_w};
  };
  kb.from = point_of(a);
  kb.to = point_of(b);
  return kb;
}

}  // namespace reel::core::render_detail
