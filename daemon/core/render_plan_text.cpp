// Text segments as drawtext filters over the finished picture. The text goes through a file
// (textfile=, expansion=none): nothing a user types can break the filter graph or expand as
// %{...}. The font is chosen per text: the CJK font when the text has CJK characters (DejaVu
// has none), else the main font.
#include "core/render_plan_internal.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace reel::core::render_detail {

namespace {

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD for a bad sequence.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  const int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t cp = b & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

bool is_cjk(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) ||  // Hangul Jamo
         (c >= 0x2E80 && c <= 0x9FFF) ||  // radicals, punctuation, kana, CJK ideographs
         (c >= 0xA960 && c <= 0xA97F) ||  // Hangul Jamo extended
         (c >= 0xAC00 && c <= 0xD7AF) ||  // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||  // compatibility forms
         (c >= 0xFF00 && c <= 0xFFEF) ||  // full-width forms
         (c >= 0x20000 && c <= 0x3FFFF);  // extension planes
}

// Roughly how wide the longest line is, in units of the font size (full-width glyphs are 1,
// others about 0.6): enough to shrink a long title so that it fits the frame.
double text_width_em(std::string_view s) {
  double widest = 0, line = 0;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = next_code_point(s, i);
    if (c == '\n') {
      widest = std::max(widest, line);
      line = 0;
    } else {
      line += is_cjk(c) ? 1.0 : 0.6;
    }
  }
  return std::max(widest, line);
}

std::string alpha_expr(double a, double b, double fi, double fo) {
  // Fade in over fi seconds from a, out over fo seconds to b.
  std::string e = "1";
  if (fo > 0) e = "if(gt(t," + num(b - fo) + "),max(0," + num(b) + "-t)/" + num(fo) + "," + e + ")";
  if (fi > 0) e = "if(lt(t," + num(a + fi) + "),max(0,t-" + num(a) + ")/" + num(fi) + "," + e + ")";
  return e;
}

}  // namespace

bool has_cjk(std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size();)
    if (is_cjk(next_code_point(utf8, i))) return true;
  return false;
}

std::optional<std::string> filter_color(std::string_view c) {
  std::string_view base = c;
  std::string_view alpha;
  if (auto at = c.find('@'); at != std::string_view::npos) {
    base = c.substr(0, at);
    alpha = c.substr(at + 1);
    if (alpha.empty() || alpha.size() > 8) return std::nullopt;
    for (char ch : alpha)
      if (!std::isdigit(static_cast<unsigned char>(ch)) && ch != '.') return std::nullopt;
  }
  auto hex = [](std::string_view h) {
    return (h.size() == 6 || h.size() == 8) && std::all_of(h.begin(), h.end(), [](char ch) {
             return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
           });
  };
  bool ok = false;
  if (!base.empty() && base[0] == '#')
    ok = hex(base.substr(1));
  else if (base.size() > 2 && base[0] == '0' && (base[1] == 'x' || base[1] == 'X'))
    ok = hex(base.substr(2));
  else
    ok = !base.empty() && base.size() <= 32 && std::all_of(base.begin(), base.end(), [](char ch) {
      return std::isalpha(static_cast<unsigned char>(ch)) != 0;
    });
  if (!ok) return std::nullopt;
  return std::string(c);
}

result<std::string> build_text(plan_context& ctx, const draft& d) {
  std::string out;
  int n = 0;
  const auto tracks = d.find_tracks(track_kind::text);
  for (std::size_t t : tracks) {
    const auto segs = d.track(t).segments();
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& s = segs[i];
      const std::int64_t start = ctx.frames(s.start_ms());
      const std::int64_t end = ctx.frames(s.end_ms());
      if (end <= start) continue;
      // In a part of a parallel render, times are the part's: shifted, and only what shows.
      const std::int64_t from = ctx.range_from;
      if (end <= from || (ctx.range_to > 0 && start >= ctx.range_to)) continue;
      const auto text = s.text();
      if (!text || text->empty())
        return make_error(errc::bad_request, "track " + std::to_string(t + 1) + ", segment " +
                                                 std::to_string(i + 1) + ": text is empty");
      const text_style st = s.style();
      // Size: px at the draft's height, scaled to the output; default 6.5% of the short side;
      // shrunk so that the longest line fits 90% of the width.
      const double scale =
          ctx.draft_height > 0 ? static_cast<double>(ctx.height) / ctx.draft_height : 1.0;
      double size =
          st.size && *st.size > 0 ? *st.size * scale : 0.065 * std::min(ctx.width, ctx.height);
      const double em = text_width_em(*text);
      if (em * size > 0.9 * ctx.width) size = 0.9 * ctx.width / em;
      size = std::clamp(size, 8.0, 0.5 * ctx.height);

      const std::string file = ctx.settings.work_dir + "/text" + std::to_string(n++) + ".txt";
      ctx.files->push_back({file, *text});
      const std::string& font = has_cjk(*text) ? ctx.settings.fonts.cjk : ctx.settings.fonts.main;
      const std::string color = st.color ? filter_color(*st.color).value_or("white") : "white";
      std::string y = "(h-text_h)/2";
      if (st.pos == text_position::top) y = "h*0.1";
      if (st.pos == text_position::bottom) y = "h*0.9-text_h";

      // Fades: fi/fo, or a fade transition into the text.
      std::int64_t fi_ms = s.fade_in_ms().value_or(0);
      if (const auto tr = s.transition(); tr && tr->type != transition_kind::none && fi_ms == 0)
        fi_ms = tr->duration_ms;
      const double a = static_cast<double>(start - from) / ctx.fps;
      const double b = static_cast<double>(end - from) / ctx.fps;
      const double len = b - a;
      const double fi = std::min(fi_ms / 1000.0, len / 2);
      const double fo = std::min(s.fade_out_ms().value_or(0) / 1000.0, len / 2);

      std::string f = "drawtext=fontfile=" + escape_filter_value(font) +
                      ":textfile=" + escape_filter_value(file) +
                      ":expansion=none:fontsize=" + num(std::round(size)) +
                      ":fontcolor=" + escape_filter_value(color) +
                      ":line_spacing=" + num(std::round(size * 0.2)) + ":x=(w-text_w)/2:y=" + y +
                      ":enable='between(t," + num(a) + "," + num(b - 0.5 / ctx.fps) + ")'";
      if (fi > 0 || fo > 0) f += ":alpha='" + alpha_expr(a, b, fi, fo) + "'";
      if (st.bg) {
        if (auto bg = filter_color(*st.bg))
          f += ":box=1:boxcolor=" + escape_filter_value(*bg) +
               ":boxborderw=" + num(std::round(size * 0.3));
      }
      if (!out.empty()) out += ",";
      out += f;
    }
  }
  return out;
}

}  // namespace reel::core::render_detail
