#include "core/gui_translate.hpp"

#include "core/text_norm.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>

namespace reel::core {
namespace {

// What a sentence asks the user to do in the web editor.
enum class hint { none, export_video, upload, describe_edit, show_summary, state, click };
enum class lang { en, de, zh };

struct lexicon {
  std::vector<phrase> export_words = compile_phrases(
      "export|exportieren|exportiere|exporting|download|downloaden|herunterladen|导出|下载");
  std::vector<phrase> press = compile_phrases(
      "click|clicking|clicks|press|pressing|tap|hit|select|choose|klicken|klicke|klick|klickt|"
      "drücken|drücke|wählen|wähle|tippen|tippe|点击|单击|点一下|按下|点按|选择");
  std::vector<phrase> button =
      compile_phrases("button|buttons|knopf|schaltfläche|taste|icon|symbol|按钮|按键|图标");
  std::vector<phrase> drag = compile_phrases("drag|dragging|拖");
  std::vector<phrase> drop = compile_phrases("drop|dropping|ziehen|ziehe|zieh");
  std::vector<phrase> drop_place = compile_phrases(
      "here|onto|into|area|zone|file|files|timeline|track|window|hierher|hinein|datei|dateien|"
      "zeitleiste|spur|bereich|fenster");
  std::vector<phrase> upload =
      compile_phrases("upload|uploading|uploaded|hochladen|hochzuladen|上传");
  std::vector<phrase> here = compile_phrases("here|hierher|hier|这里|此处");
  std::vector<phrase> media = compile_phrases(
      "file|files|photo|photos|image|images|picture|pictures|media|footage|datei|dateien|bild|"
      "bilder|foto|fotos|文件|图片|照片|素材");
  std::vector<phrase> timeline = compile_phrases("timeline|zeitleiste|时间线|时间轴");
  std::vector<phrase> timeline_verb =
      compile_phrases("preview|previewing|vorschau|open|öffnen|öffne|预览|查看|打开|检查");
  std::vector<phrase> open = compile_phrases("open|opening|öffnen|öffne");
  std::vector<phrase> open_alone = compile_phrases("打开|展开");
  std::vector<phrase> panel = compile_phrases(
      "panel|panels|tab|menu|sidebar|editor|window|settings|library|inspector|properties|"
      "toolbar|dashboard|pane|registerkarte|menü|seitenleiste|fenster|einstellungen|"
      "bibliothek|leiste|面板|菜单|标签|设置|侧边栏|窗口|编辑器|素材库");
  std::vector<phrase> click = compile_phrases("click|klicken|klicke|klick|点击|单击|点一下");
  std::vector<phrase> bare_export = compile_phrases("导出");  // adds the export action only
  std::vector<phrase> label_skip = compile_phrases("on|the|auf|den|die|das|the");
  // A first clause that starts like this is not a statement of its own ("To export, ...").
  std::vector<phrase> subordinators = compile_phrases(
      "if|when|to|once|after|before|for|whenever|wenn|um|falls|nachdem|sobald|bevor|damit|如果|"
      "要|若|想|为了|当|在");
  std::vector<phrase> german = compile_phrases(
      "sie|klicken|klicke|auf|und|der|die|das|ist|ihr|ihre|ihren|schaltfläche|zeitleiste|öffnen|"
      "ziehen|bitte|können|dann|um|wenn|hier|oben|rechts|links|mit|zum|zur|den|dem|per");
};

const lexicon& words() {
  static const lexicon l;
  return l;
}

// The tokens without which a sentence holds no GUI talk: every branch of classify() needs a
// phrase of one of these lists (export_words, drag, drop, timeline, panel, open_alone, click),
// and the bare "导出" needs its first token. A phrase cannot match unless its first token is in
// the sentence, so a sentence holding none of these first tokens is kept as it is, and the
// phrase tables are not scanned for it (most of a stream's sentences).
class trigger_tokens {
 public:
  explicit trigger_tokens(const lexicon& w) {
    for (const auto* list : {&w.export_words, &w.drag, &w.drop, &w.timeline, &w.panel,
                             &w.open_alone, &w.click, &w.bare_export}) {
      for (const phrase& p : *list) {
        const std::string& t = p.front();
        if (t.size() <= max_packed) {
          packed_.push_back(pack(t));
        } else {
          long_.push_back(t);
        }
      }
    }
    std::sort(packed_.begin(), packed_.end());
    std::sort(long_.begin(), long_.end());
    for (auto k : packed_) seen_[slot(k)] = true;
  }

  bool is_trigger(std::string_view token) const {
    if (token.size() > max_packed) {
      return std::binary_search(long_.begin(), long_.end(), token, std::less<>{});
    }
    const auto k = pack(token);
    return seen_[slot(k)] && std::binary_search(packed_.begin(), packed_.end(), k);
  }
  bool any_in(const std::vector<std::string>& tokens) const {
    return std::any_of(tokens.begin(), tokens.end(),
                       [&](const std::string& t) { return is_trigger(t); });
  }
  bool any_in(std::string_view text) const {
    return !for_each_token(text, [&](std::string_view t) { return !is_trigger(t); });
  }

 private:
  // Tokens of up to 7 bytes (most words, every CJK character) are compared as one integer, and
  // a bitmap turns almost every token that is not a trigger away with one load.
  static constexpr std::size_t max_packed = 7;
  static std::uint64_t pack(std::string_view t) {
    std::uint64_t k = t.size();
    for (char c : t) k = (k << 8) | static_cast<unsigned char>(c);
    return k;
  }
  static std::size_t slot(std::uint64_t k) {
    return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> 52);  // 12 bits
  }

  std::vector<std::uint64_t> packed_;
  std::vector<std::string> long_;
  std::array<bool, 4096> seen_{};
};

const trigger_tokens& triggers() {
  static const trigger_tokens t(words());
  return t;
}

hint classify(const std::vector<std::string>& t, const lexicon& w) {
  if (contains_any(t, w.export_words) && (contains_any(t, w.press) || contains_any(t, w.button))) {
    return hint::export_video;
  }
  if (contains_any(t, w.drag) || (contains_any(t, w.drop) && contains_any(t, w.drop_place))) {
    const bool upload =
        contains_any(t, w.upload) ||
        (contains_any(t, w.here) && contains_any(t, w.media) && !contains_any(t, w.timeline));
    return upload ? hint::upload : hint::describe_edit;
  }
  if (contains_any(t, w.timeline) && contains_any(t, w.timeline_verb)) return hint::show_summary;
  // "click the play button in the preview window" is a button, not a panel to look at.
  if (contains_any(t, w.panel) &&
      (contains_any(t, w.open) || (contains_any(t, w.click) && !contains_any(t, w.button)))) {
    return hint::state;
  }
  if (contains_any(t, w.open_alone)) return hint::state;
  if (contains_any(t, w.click)) return hint::click;
  return hint::none;
}

// The words that carry the instruction: its clause is where the rewrite starts.
std::vector<const std::vector<phrase>*> key_words(hint h, const lexicon& w) {
  switch (h) {
    case hint::export_video:
      return {&w.press, &w.button};
    case hint::upload:
    case hint::describe_edit:
      return {&w.drag, &w.drop};
    case hint::show_summary:
      return {&w.timeline_verb};
    case hint::state:
      return {&w.open, &w.open_alone, &w.click};
    case hint::click:
      return {&w.click};
    case hint::none:
      break;
  }
  return {};
}

lang language_of(std::string_view body, const std::vector<std::string>& tokens, const lexicon& w) {
  if (has_cjk(body)) return lang::zh;
  if (contains_any(tokens, w.german)) return lang::de;
  for (const auto& t : tokens) {
    for (std::string_view umlaut : {"ä", "ö", "ü", "ß"}) {
      if (t.find(umlaut) != std::string::npos) return lang::de;
    }
  }
  return lang::en;
}

// The label of the thing to click: a quoted or bold label, else the words between the click
// verb and a following "button". Empty when there is none.
std::string click_label(std::string_view body, const std::vector<std::string>& tokens,
                        const lexicon& w) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> quotes = {{
      {"\u201C", "\u201D"},
      {"\u2018", "\u2019"},
      {"\u300C", "\u300D"},
      {"\u300E", "\u300F"},
      {"\u3010", "\u3011"},
      {"\u201E", "\u201C"},
      {"\u00AB", "\u00BB"},
      {"**", "**"},
      {"\"", "\""},
      {"'", "'"},
  }};
  std::optional<std::pair<std::size_t, std::string_view>> best;
  for (auto [open, close] : quotes) {
    for (std::size_t at = body.find(open); at != std::string_view::npos;
         at = body.find(open, at + 1)) {
      // A ' after a letter is an apostrophe ("Let's"), not a quote.
      if (open == "'" && at > 0 && body[at - 1] != ' ') continue;
      const std::size_t from = at + open.size();
      const std::size_t to = body.find(close, from);
      if (to == std::string_view::npos) break;
      const std::string_view label = body.substr(from, to - from);
      if (!label.empty() && label.size() <= 40 && label.find('\n') == std::string_view::npos &&
          (!best || at < best->first)) {
        best = std::pair{at, label};
      }
      break;
    }
  }
  if (best) return std::string(best->second);

  std::size_t pos = std::string::npos;
  for (const phrase& c : w.click) {
    if (auto at = find_phrase(tokens, c); at != std::string::npos) {
      pos = std::min(pos, at + c.size());
    }
  }
  if (pos == std::string::npos) return {};
  while (pos < tokens.size() && contains_any(std::span(tokens).subspan(pos, 1), w.label_skip)) {
    ++pos;
  }
  std::string label;
  for (std::size_t k = pos; k < tokens.size() && k < pos + 4; ++k) {
    if (contains_any(std::span(tokens).subspan(k, 1), w.button)) return label;
    if (!label.empty() && !(has_cjk(label) && has_cjk(tokens[k]))) label += ' ';
    label += tokens[k];
  }
  return {};
}

std::string replacement(hint h, lang l, const std::string& label) {
  switch (h) {
    case hint::export_video:
      if (l == lang::zh) return "回复“导出”，我就会为你渲染视频。";
      if (l == lang::de) return "Sagen Sie „exportieren“, dann rendere ich das Video für Sie.";
      return "Say \"export\" and I will render the video for you.";
    case hint::upload:
      if (l == lang::zh) return "直接发送文件（或回复“上传”），我会把它们加入项目。";
      if (l == lang::de) {
        return "Senden Sie mir die Dateien (oder sagen Sie „hochladen“), dann füge ich sie dem "
               "Projekt hinzu.";
      }
      return "Send me the files (or say \"upload\") and I will add them to the project.";
    case hint::describe_edit:
      if (l == lang::zh) return "用文字描述你想要的修改（例如“把标题移到第5秒”），我来完成。";
      if (l == lang::de) {
        return "Beschreiben Sie die Änderung in Worten (zum Beispiel „verschiebe den Titel auf "
               "0:05“), dann setze ich sie um.";
      }
      return "Describe the change in words (for example \"move the title to 0:05\") and I will "
             "make it.";
    case hint::show_summary:
      if (l == lang::zh) return "回复“显示时间线”，我会列出当前的轨道。";
      if (l == lang::de) return "Sagen Sie „Zeitleiste anzeigen“, dann liste ich die Spuren auf.";
      return "Say \"show the timeline\" and I will list the tracks.";
    case hint::state:
      if (l == lang::zh) return "回复“状态”，我会为你显示项目的当前状态。";
      if (l == lang::de) {
        return "Sagen Sie „Status“, dann zeige ich Ihnen den aktuellen Stand des Projekts.";
      }
      return "Say \"status\" and I will show you the current state of the project.";
    case hint::click:
      if (label.empty()) {
        if (l == lang::zh) return "告诉我你想做什么，我来帮你完成。";
        if (l == lang::de) return "Sagen Sie mir, was Sie möchten, dann erledige ich das für Sie.";
        return "Tell me what you want done and I will do it for you.";
      }
      if (l == lang::zh) return "回复“" + label + "”，我来帮你完成。";
      if (l == lang::de) return "Sagen Sie „" + label + "“, dann erledige ich das für Sie.";
      return "Say \"" + label + "\" and I will do it for you.";
    case hint::none:
      break;
  }
  return {};
}

std::optional<gui_action> action_of(hint h) {
  switch (h) {
    case hint::export_video:
      return gui_action::export_video;
    case hint::upload:
      return gui_action::upload;
    case hint::show_summary:
      return gui_action::show_summary;
    case hint::state:
      return gui_action::state;
    default:
      return std::nullopt;
  }
}

// Clauses end after , ; ，；(a colon introduces the instruction, so it does not split).
std::vector<std::string_view> split_clauses(std::string_view body) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < body.size();) {
    std::size_t len = 0;
    if (body[i] == ',' || body[i] == ';') {
      len = 1;
    } else if (body.substr(i).starts_with("\uFF0C") || body.substr(i).starts_with("\uFF1B")) {
      len = 3;
    }
    if (len == 0) {
      ++i;
      continue;
    }
    out.push_back(body.substr(start, i + len - start));
    i += len;
    start = i;
  }
  if (start < body.size()) out.push_back(body.substr(start));
  return out;
}

bool starts_with_any(const std::vector<std::string>& tokens, const std::vector<phrase>& list) {
  return std::any_of(list.begin(), list.end(),
                     [&](const phrase& p) { return find_phrase(tokens, p) == 0; });
}

struct rewrite {
  std::string lead;         // what comes before the canned text: a bullet, or the lead clauses
  std::string canned;       // the replacement proper
  bool whole = false;       // the whole sentence is replaced (else `lead` is a sentence)
  std::vector<hint> hints;  // every instruction met, the lead's first
};

rewrite rewrite_sentence(std::string_view body, hint h, const std::vector<std::string>& tokens,
                         const lexicon& w) {
  const lang l = language_of(body, tokens, w);
  rewrite r;
  r.canned = replacement(h, l, h == hint::click ? click_label(body, tokens, w) : "");

  const auto clauses = split_clauses(body);
  std::size_t key = 0;
  std::size_t prefix_tokens = 0;
  const auto keys = key_words(h, w);
  for (std::size_t i = 0; i < clauses.size(); ++i) {
    const auto t = tokenize(clauses[i]);
    if (std::any_of(keys.begin(), keys.end(), [&](auto* k) { return contains_any(t, *k); })) {
      key = i;
      break;
    }
    prefix_tokens += t.size();
  }
  // A short or subordinate lead-in ("Then,", "To export,") does not stand alone.
  r.whole =
      key == 0 || prefix_tokens <= 3 || starts_with_any(tokenize(clauses.front()), w.subordinators);
  if (r.whole) {
    r.hints.push_back(h);
    for (std::string_view bullet : {"- ", "* ", "\u2022 ", "> "}) {
      if (body.starts_with(bullet)) r.lead = bullet;
    }
    return r;
  }
  std::string_view prefix =
      body.substr(0, static_cast<std::size_t>(clauses[key].data() - body.data()));
  for (bool more = true; more;) {
    more = false;
    for (std::string_view tail : {" ", ",", ";", "\uFF0C", "\uFF1B"}) {
      if (prefix.ends_with(tail)) {
        prefix.remove_suffix(tail.size());
        more = true;
      }
    }
  }
  // The lead may hold an instruction of its own ("drag the title, or click Export").
  const auto lead_tokens = tokenize(prefix);
  if (const hint lead_hint = classify(lead_tokens, w); lead_hint != hint::none) {
    rewrite inner = rewrite_sentence(prefix, lead_hint, lead_tokens, w);
    r.lead = inner.lead + inner.canned;
    r.hints = std::move(inner.hints);
  } else {
    r.lead.assign(prefix);
    r.lead += l == lang::zh ? "\u3002" : ".";
  }
  r.hints.push_back(h);
  if (l != lang::zh) r.canned.insert(0, " ");
  return r;
}

}  // namespace

bool may_hold_gui_talk(std::string_view text) {
  return triggers().any_in(text);
}

std::string_view to_string(gui_action a) noexcept {
  switch (a) {
    case gui_action::export_video:
      return "export";
    case gui_action::upload:
      return "upload";
    case gui_action::show_summary:
      return "show_summary";
    case gui_action::state:
      return "state";
  }
  return "state";
}

namespace {

// `filter`: skip the text, or a sentence, that holds no trigger token (the same answer, sooner).
gui_translation translate(std::string_view text, bool filter) {
  const lexicon& w = words();
  const trigger_tokens& trig = triggers();
  gui_translation out;
  auto add_action = [&](gui_action a) {
    if (std::find(out.actions.begin(), out.actions.end(), a) == out.actions.end()) {
      out.actions.push_back(a);
    }
  };
  // Most text holds no GUI talk at all: one pass over it, and it comes back as it is. A sentence
  // boundary never falls inside a token (sentences end after punctuation, which separates
  // tokens), so the tokens of the whole text are those of its sentences.
  if (filter && !trig.any_in(text)) {
    out.text.assign(text);
    return out;
  }
  std::vector<std::string> used;  // canned replacements already written: say each once
  std::size_t copied = 0;
  for (const text_span& s : split_sentences(text)) {
    const std::string_view body = text.substr(s.begin, s.end - s.begin);
    const auto tokens = tokenize(body);
    if (filter && !trig.any_in(tokens)) continue;  // no GUI talk: kept byte for byte
    const hint h = body.find("://") == std::string_view::npos ? classify(tokens, w) : hint::none;
    if (h == hint::none) {
      if (contains_any(tokens, w.bare_export)) add_action(gui_action::export_video);
      continue;
    }
    const rewrite r = rewrite_sentence(body, h, tokens, w);
    for (hint met : r.hints) {
      if (auto a = action_of(met)) add_action(*a);
    }
    out.text.append(text.substr(copied, s.begin - copied));
    copied = s.end;
    std::string_view canned = r.canned;
    if (canned.starts_with(' ')) canned.remove_prefix(1);  // the joiner after a lead
    const bool repeat = std::find(used.begin(), used.end(), canned) != used.end();
    if (!repeat) {
      used.emplace_back(canned);
      out.text += r.lead;
      out.text += r.canned;
    } else if (!r.whole) {
      out.text += r.lead;
    } else {
      // Drop the repeated sentence with the blanks after it, and any left before a line end.
      while (copied < text.size() && (text[copied] == ' ' || text[copied] == '\t')) ++copied;
      if (copied == text.size() || text[copied] == '\n' || text[copied] == '\r') {
        while (!out.text.empty() && (out.text.back() == ' ' || out.text.back() == '\t')) {
          out.text.pop_back();
        }
      }
    }
  }
  out.text.append(text.substr(copied));
  return out;
}

}  // namespace

gui_translation translate_gui_text(std::string_view text) {
  return translate(text, true);
}

gui_translation translate_gui_text_reference(std::string_view text) {
  return translate(text, false);
}

}  // namespace reel::core
