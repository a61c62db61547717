// The prompt grammar. A prompt is lexed into sentences; a sentence is split into clauses at
// "and" words ("und", "和"), and each clause goes through the recognizers below in a fixed order,
// each taking the words it understood. The order settles what a word means: "fade out" is taken
// as a music fade before "fade" can be read as a transition; "the first clip 4 seconds" is taken
// as a trim before "4 seconds" can be read as the video's length.
#include "core/agent_parse.hpp"

#include "core/agent_clause.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace reel::core {

using namespace agent_detail;

bool agent_request::understood() const {
  return undo || create || duration_ms || duration_delta_ms != 0 || duration_scale != 1 ||
         video_fade_out_ms || !removes.empty() || aspect || size || short_side || fps ||
         transition || transition_ms || music != add_remove::none || music_volume ||
         music_volume_step != 0 || music_fade_out_ms || music_fade_in_ms ||
         title != title_action::none || replace_text || !texts.empty() || remove_texts ||
         captions != add_remove::none || motion != add_remove::none || !moves.empty() ||
         !swaps.empty() || !trims.empty();
}

std::string detect_language(const agent_lexed& lexed, std::string_view hint) {
  std::size_t cjk = 0, latin = 0, de = 0, en = 0;
  for (const auto& sentence : lexed.sentences) {
    const clause c(lexed, sentence);
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto& t = c[i];
      if (t.kind == agent_token_kind::quote || t.text.empty()) continue;
      const auto lead = static_cast<unsigned char>(t.text[0]);
      if (lead >= 0xE0) {
        ++cjk;
        continue;
      }
      if (t.kind != agent_token_kind::word) continue;
      ++latin;
      if (c.at(i, agent_word::german_marker).len == 1) ++de;
      if (c.at(i, agent_word::english_marker).len == 1) ++en;
      // Umlauts and ß are German's own.
      if (t.text.find_first_of("\xC3") != std::string::npos &&
          (t.text.find("ä") != std::string::npos || t.text.find("ö") != std::string::npos ||
           t.text.find("ü") != std::string::npos || t.text.find("ß") != std::string::npos))
        ++de;
    }
  }
  if (cjk > 0 && cjk >= latin) return "zh";
  if (de > en) return "de";
  if (en > de) return "en";
  if (hint == "de" || hint == "zh" || hint == "en") return std::string(hint);
  return "en";
}

namespace {

std::pair<int, int> reduced(int w, int h) {
  const int g = std::gcd(w, h);
  return {w / g, h / g};
}

// A measure is bound to a keyword when it sits right before it ("1-second crossfade") or shortly
// after it ("crossfade of 1 second").
bool near(const measure& m, const hit& h, std::size_t after_gap) {
  return (m.end() <= h.at && h.at - m.end() <= 1) ||
         (m.at >= h.end() && m.at - h.end() <= after_gap);
}

bool detect_create(const clause& c) {
  const bool noun = c.has(agent_word::create_noun);
  const bool media = c.has(agent_word::photo_noun) || c.has(agent_word::source_noun);
  if (c.has(agent_word::create_verb) && (noun || media) && !c.has(agent_word::title_noun) &&
      !c.has(agent_word::captions_noun))
    return true;
  for (std::size_t v = 0; v < c.size(); ++v) {
    const auto mv = c.at(v, agent_word::make_verb);
    if (!mv) continue;
    // "turn these photos into a video": an object with media, then into, then a video noun.
    if (const auto into = c.find(agent_word::into, mv.end())) {
      if (c.find(agent_word::create_noun, into.end())) {
        bool only_pronoun = into.at > mv.end();
        for (std::size_t k = mv.end(); k < into.at; ++k)
          only_pronoun = only_pronoun && c.at(k, agent_word::pronoun);
        if (!only_pronoun) return true;
      }
    }
    // "make a 30-second video", "mach ein Video", "做一个视频": an article, then a video noun.
    const auto next = mv.end();
    if (c.at(next, agent_word::pronoun)) continue;
    const bool article = c.at(next, agent_word::one_article) ||
                         c.at(next, agent_word::source_noun) ||
                         (next < c.size() && (c[next].text == "me" || c[next].text == "mir" ||
                                              c[next].text == "new" || c[next].text == "neues"));
    // Chinese counts characters, so its window is wider ("做成一个30秒的宣传视频").
    const bool cjk = next < c.size() && static_cast<unsigned char>(c[next].text[0]) >= 0xE0;
    if (auto n = c.find(agent_word::create_noun, next);
        n && (article || n.at == next) && n.at <= next + (cjk ? 10 : 5))
      return true;
  }
  return false;
}

void parse_fps(clause& c, agent_request& r) {
  for (std::size_t i = 0; i + 1 < c.size(); ++i) {
    if (!c.number_at(i)) continue;
    if (auto u = c.at(i + 1, agent_word::fps_unit)) {
      if (c[i].value >= 1 && c[i].value <= 120) r.fps = c[i].value;
      c.take(i, u.end() - i);
    }
  }
}

void parse_resolution(clause& c, agent_request& r) {
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.number_at(i) && c.at(i + 1, agent_word::resolution_p)) {
      const int v = static_cast<int>(c[i].value);
      if (v == 360 || v == 480 || v == 540 || v == 720 || v == 1080 || v == 1440 || v == 2160) {
        r.short_side = v;
        c.take(i, 2);
      }
    } else if (c.number_at(i) && c.at(i + 1, agent_word::resolution_k)) {
      const int v = static_cast<int>(c[i].value);
      if (v == 2 || v == 4 || v == 8) {
        r.short_side = v == 2 ? 1440 : 2160;
        c.take(i, 2);
      }
    } else if (auto h = c.at(i, agent_word::hd_word)) {
      r.short_side = c[i].text == "uhd" || c[i].text == "ultra" || c[i].text == "超" ? 2160 : 1080;
      c.take(h);
    }
  }
}

void parse_aspect(clause& c, agent_request& r) {
  std::size_t best = npos;
  auto consider = [&](std::size_t at, std::pair<int, int> a,
                      std::optional<std::pair<int, int>> px) {
    if (best != npos && at < best) return;
    best = at;
    r.aspect = a;
    r.size = px;
  };
  const std::pair<agent_word, std::pair<int, int>> words[] = {{agent_word::vertical, {9, 16}},
                                                              {agent_word::square, {1, 1}},
                                                              {agent_word::landscape, {16, 9}}};
  for (const auto& [w, a] : words) {
    for (const auto& h : c.find_all(w)) {
      consider(h.at, a, std::nullopt);
      c.take(h);
    }
  }
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.used(i) || c[i].kind != agent_token_kind::ratio) continue;
    const double w = c[i].value;
    const double h = c[i].value2;
    if (w >= 1 && h >= 1 && w <= 64 && h <= 64 && w / h <= 4 && h / w <= 4) {
      consider(i, reduced(static_cast<int>(w), static_cast<int>(h)), std::nullopt);
      c.take(i);
    } else if (w >= 64 && h >= 64 && w <= 7680 && h <= 7680) {
      const int wi = static_cast<int>(w) / 2 * 2;
      const int hi = static_cast<int>(h) / 2 * 2;
      consider(i, reduced(wi, hi), std::pair{wi, hi});
      c.take(i);
    }
  }
}

void parse_fades(clause& c, parse_state& st) {
  auto& r = st.r;
  // "fade to black at the end": the picture fades out (before "fade" can mean anything else).
  if (auto h = c.find(agent_word::fade_black)) {
    c.take(h);
    r.video_fade_out_ms = 1000;
    for (const auto& m : find_durations(c)) {
      if (m.value > 5000 || !near(m, h, 4)) continue;
      r.video_fade_out_ms = std::llround(m.value);
      c.take(m.at, m.len);
      break;
    }
  }
  // 淡入淡出 ("fade in fade out") is the crossfade transition, not two music fades.
  for (std::size_t i = 0; i + 3 < c.size(); ++i)
    if (c[i].text == "淡" && c[i + 1].text == "入" && c[i + 2].text == "淡" &&
        c[i + 3].text == "出")
      return;
  if (c.has(agent_word::tr_word)) return;  // "fade transitions"
  auto fade = [&](agent_word phrase, agent_word particle) -> hit {
    if (auto h = c.find(phrase)) return h;
    // "fade the music out": fade, then the particle within three words.
    for (auto f = c.find(agent_word::fade_word); f; f = c.find(agent_word::fade_word, f.end())) {
      for (std::size_t k = f.end(); k < c.size() && k <= f.end() + 3; ++k)
        if (auto p = c.at(k, particle)) {
          c.take(p);
          return f;
        }
    }
    return {};
  };
  const auto durations = find_durations(c);
  auto length_near = [&](const hit& h, std::int64_t fallback) -> std::int64_t {
    for (const auto& m : durations) {
      if (c.used(m.at) || m.value > 20000 || !near(m, h, 4)) continue;
      c.take(m.at, m.len);
      return std::llround(m.value);
    }
    return fallback;
  };
  if (auto h = fade(agent_word::fade_out, agent_word::out_word)) {
    c.take(h);
    r.music_fade_out_ms = length_near(h, 2000);
    st.last = subject::music;
  }
  if (auto h = fade(agent_word::fade_in, agent_word::in_word)) {
    c.take(h);
    r.music_fade_in_ms = length_near(h, 1000);
    st.last = subject::music;
  }
}

void parse_transitions(clause& c, parse_state& st) {
  auto& r = st.r;
  std::vector<hit> bound;
  if (auto h = c.find(agent_word::tr_none)) {
    r.transition = transition_kind::none;
    c.take(h);
    bound.push_back(h);
  }
  const auto word = c.find(agent_word::tr_word);
  if (word && c.has(agent_word::remove_verb)) {
    r.transition = transition_kind::none;
    c.take(c.find(agent_word::remove_verb));
  }
  const bool ordinals = !find_items(c).empty();
  std::size_t best = npos;
  const std::pair<agent_word, transition_kind> kinds[] = {
      {agent_word::tr_wipe, transition_kind::wipe},
      {agent_word::tr_slide, transition_kind::slide},
      {agent_word::tr_fade, transition_kind::fade}};
  for (const auto& [w, kind] : kinds) {
    // "slides" may be the pictures ("move the third slide"): a transition only when not
    // pointing at an item.
    if (w == agent_word::tr_slide && ordinals && !word) continue;
    for (const auto& h : c.find_all(w)) {
      if (best == npos || h.at > best) {
        best = h.at;
        r.transition = kind;
      }
      c.take(h);
      bound.push_back(h);
    }
  }
  if (word) {
    c.take(word);
    bound.push_back(word);
  }
  bool timed = false;
  for (const auto& m : find_durations(c)) {
    if (m.value > 5000) continue;
    const bool close =
        std::any_of(bound.begin(), bound.end(), [&](const hit& h) { return near(m, h, 3); });
    if (!close) continue;
    r.transition_ms = std::llround(m.value);
    c.take(m.at, m.len);
    timed = true;
    break;
  }
  // "add transitions": a crossfade; "make the transitions 1 second" keeps the kind there is.
  if (word && best == npos && !timed && !r.transition) r.transition = transition_kind::fade;
  if (word || best != npos || !bound.empty()) st.last = subject::transition;
}

bool own_volume_word(const std::string& w) {
  return w == "louder" || w == "quieter" || w == "softer" || w == "lauter" || w == "leiser" ||
         w == "大" || w == "小" || w == "响" || w == "轻" || w == "太";
}

void parse_music(clause& c, parse_state& st) {
  auto& r = st.r;
  const auto music = c.find(agent_word::music_noun);
  const auto vol = c.find(agent_word::volume_word);
  const bool about_music = music || vol || st.last == subject::music;
  if (auto m = c.find(agent_word::mute); m && (about_music || !c.has(agent_word::clip_noun))) {
    r.music_volume = 0.0;
    c.take(m);
  }
  if (about_music) {
    if (const auto ps = find_percents(c); !ps.empty()) {
      r.music_volume = std::clamp(ps.front().value, 0.0, 1.0);
      c.take(ps.front().at, ps.front().len);
    } else if (vol) {
      // "volume 50": a bare number after the word, read as percent.
      for (std::size_t i = vol.end(); i < c.size() && i <= vol.end() + 3; ++i) {
        if (!c.number_at(i) || c.at(i + 1, agent_word::unit_s) || c[i].value > 100) continue;
        r.music_volume = c[i].value / 100.0;
        c.take(i);
        break;
      }
    }
  }
  const bool text_subject = c.has(agent_word::title_noun) || c.has(agent_word::text_noun);
  for (const auto& [w, step] :
       {std::pair{agent_word::louder, 0.15}, std::pair{agent_word::quieter, -0.15}}) {
    const auto h = c.find(w);
    if (!h || text_subject || (!about_music && !own_volume_word(c[h.at].text))) continue;
    r.music_volume_step = step;
    c.take(h);
    st.last = subject::music;
  }
  if (!music) return;
  st.last = subject::music;
  if (auto rm = c.find(agent_word::remove_verb)) {
    r.music = add_remove::remove;
    c.take(rm);
  } else if (auto add = c.find(agent_word::add_verb)) {
    r.music = add_remove::add;
    c.take(add);
  } else if (!r.music_volume && r.music_volume_step == 0 && !r.music_fade_out_ms &&
             !r.music_fade_in_ms) {
    r.music = add_remove::add;  // "background music please", "配乐"
  }
  c.take(music);
  if (vol) c.take(vol);
}

void parse_motion(clause& c, agent_request& r) {
  const auto h = c.find(agent_word::motion_noun);
  if (!h) return;
  if (auto rm = c.find(agent_word::remove_verb)) {
    r.motion = add_remove::remove;
    c.take(rm);
  } else {
    r.motion = add_remove::add;
  }
  c.take(h);
}

bool is_longer(const std::string& w) {
  return w == "longer" || w == "länger" || w == "more" || w == "mehr" || w == "长" || w == "多";
}
bool is_shorter(const std::string& w) {
  return w == "shorter" || w == "kürzer" || w == "less" || w == "weniger" || w == "短" || w == "少";
}

void parse_duration(clause& c, parse_state& st) {
  for (const auto& m : find_durations(c)) {
    // "添加标题“X”，显示3秒": a "for" with a text just before it times that text.
    const auto for_marked = c.ending(m.at, agent_word::for_marker);
    if (for_marked && (st.last == subject::title || st.last == subject::text)) {
      auto& t =
          st.last == subject::title || st.r.texts.empty() ? st.r.title_spec : st.r.texts.back();
      t.duration_ms = std::llround(m.value);
      c.take(for_marked.at, m.end() - for_marked.at);
      continue;
    }
    const std::size_t next = m.end() + (m.end() < c.size() && c[m.end()].text == "更" ? 1 : 0);
    if (next < c.size() && !c.used(next) && (is_longer(c[next].text) || is_shorter(c[next].text))) {
      const auto ms = std::llround(m.value);
      st.r.duration_delta_ms += is_longer(c[next].text) ? ms : -ms;
      c.take(m.at, next + 1 - m.at);
      continue;
    }
    // "change the transition to slide and make it 1 second": the transition's length.
    if (st.last == subject::transition && m.value <= 2000 && !c.has(agent_word::create_noun)) {
      st.r.transition_ms = std::llround(m.value);
      c.take(m.at, m.len);
      continue;
    }
    st.r.duration_ms = std::llround(m.value);
    c.take(m.at, m.len);
  }
  // "make it a bit shorter", "etwas länger", "短一点": a quarter more or a fifth less.
  if (st.last != subject::none && st.last != subject::music) return;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.used(i) || c[i].kind != agent_token_kind::word) continue;
    const auto& w = c[i].text;
    if (w == "more" || w == "mehr" || w == "多" || w == "less" || w == "weniger" || w == "少")
      continue;
    if (is_longer(w)) st.r.duration_scale = 1.25, c.take(i);
    if (is_shorter(w)) st.r.duration_scale = 0.8, c.take(i);
  }
}

void parse_clause(clause& c, parse_state& st) {
  st.create_clause = detect_create(c);
  if (st.create_clause) st.r.create = true;
  parse_fps(c, st.r);
  parse_resolution(c, st.r);
  parse_aspect(c, st.r);
  parse_fades(c, st);
  parse_transitions(c, st);
  parse_moves_and_trims(c, st);
  parse_music(c, st);
  parse_texts(c, st);
  parse_motion(c, st.r);
  parse_duration(c, st);
}

}  // namespace

agent_request parse_request(std::string_view prompt, std::string_view language_hint) {
  agent_request r;
  // An instruction fits in a few hundred bytes; reading a pasted essay whole would only cost
  // time (some recognizers look at every pair of words).
  constexpr std::size_t max_prompt_bytes = 4096;
  const auto lexed = lex_prompt(prompt.substr(0, max_prompt_bytes));
  r.language = detect_language(lexed, language_hint);
  parse_state st{r};
  bool greeting = false;
  bool help = false;
  for (const auto& sentence : lexed.sentences) {
    clause whole(lexed, sentence);
    if (whole.has(agent_word::undo)) r.undo = true;
    greeting = greeting || whole.has(agent_word::greeting);
    help = help || whole.has(agent_word::help_word);
    parse_swaps(whole, st);
    std::size_t from = 0;
    for (std::size_t i = 0; i <= whole.size(); ++i) {
      const hit h = i < whole.size() ? whole.at(i, agent_word::and_word) : hit{};
      if (i < whole.size() && !h) continue;
      if (i > from) {
        auto part = whole.sub(from, i);
        parse_clause(part, st);
      }
      if (h) {
        from = h.end();
        i = h.end() - 1;
      }
    }
  }
  if (!r.understood()) {
    for (const auto& sentence : lexed.sentences)
      r.mentions_video = r.mentions_video || clause(lexed, sentence).has(agent_word::create_noun);
    r.help = help;
    r.greeting = greeting && !help;
  }
  return r;
}

}  // namespace reel::core
