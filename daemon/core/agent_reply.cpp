// The agent's sentences in three languages. Each note kind is one row of three templates, so a
// new kind is added in one place; German and Chinese say the same as English, not word for word.
#include "core/agent_reply.hpp"

#include "core/timeline_summary.hpp"

#include <cmath>

namespace reel::core {
namespace {

enum class lang { en, de, zh };

lang lang_of(std::string_view l) {
  if (l == "de") return lang::de;
  if (l == "zh") return lang::zh;
  return lang::en;
}

std::string secs(std::int64_t ms, lang l) {
  auto s = format_seconds(ms);
  if (l == lang::de)
    for (auto& c : s)
      if (c == '.') c = ',';
  return s;
}

std::string pct(double fraction) {
  return format_volume(fraction);
}

// "the last second", "the last 2 seconds"; "in der letzten Sekunde", "in den letzten 2 Sekunden".
std::string last_part(std::int64_t ms, lang l);

// "1 second", "2.5 seconds"; "1 Sekunde", "2,5 Sekunden"; "3秒".
std::string span(std::int64_t ms, lang l) {
  const auto n = secs(ms, l);
  if (l == lang::zh) return n + "秒";
  if (l == lang::de) return n + (n == "1" ? " Sekunde" : " Sekunden");
  return n + (n == "1" ? " second" : " seconds");
}

std::string last_part(std::int64_t ms, lang l) {
  const bool one = secs(ms, l) == "1";
  if (l == lang::de) return one ? "in der letzten Sekunde" : "in den letzten " + span(ms, l);
  return one ? "the last second" : "the last " + span(ms, l);
}

std::string pick(lang l, std::string en, std::string de, std::string zh) {
  switch (l) {
    case lang::de:
      return de;
    case lang::zh:
      return zh;
    default:
      return en;
  }
}

// "photo 3", "the last clip", "every photo"; German "Foto 3"; Chinese "第3张照片".
std::string item_name(lang l, item_kind k, int n) {
  const int kind = static_cast<int>(k);
  const char* en[] = {"item", "photo", "clip"};
  const char* de[] = {"Element", "Foto", "Clip"};
  const char* de_every[] = {"jedes Element", "jedes Foto", "jeden Clip"};
  const char* de_last[] = {"das letzte Element", "das letzte Foto", "den letzten Clip"};
  const char* zh_cls[] = {"个片段", "张照片", "段视频"};
  switch (l) {
    case lang::en:
      if (n == 0) return std::string("every ") + en[kind];
      if (n == -1) return std::string("the last ") + en[kind];
      if (n < 0) return std::string(en[kind]) + " " + std::to_string(-n) + " from the end";
      return std::string(en[kind]) + " " + std::to_string(n);
    case lang::de:
      if (n == 0) return de_every[kind];
      if (n == -1) return de_last[kind];
      if (n < 0) return std::string(de[kind]) + " " + std::to_string(-n) + " von hinten";
      return std::string(de[kind]) + " " + std::to_string(n);
    case lang::zh:
      if (n == 0) return std::string("每") + zh_cls[kind];
      if (n == -1) return std::string("最后一") + zh_cls[kind];
      if (n < 0) return "倒数第" + std::to_string(-n) + zh_cls[kind];
      return "第" + std::to_string(n) + zh_cls[kind];
  }
  return {};
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string transition_name(lang l, const std::string& type) {
  if (type == "fade") return pick(l, "crossfades", "Überblendungen", "淡入淡出");
  if (type == "slide") return pick(l, "slides", "Schiebeübergänge", "滑动");
  if (type == "wipe") return pick(l, "wipes", "Wischübergänge", "擦除");
  return pick(l, "hard cuts (no transitions)", "harte Schnitte (keine Übergänge)",
              "无转场（硬切）");
}

std::string count(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string sources(lang l, const agent_note& n) {
  if (l == lang::zh) {
    std::string s;
    if (n.photos) s += std::to_string(n.photos) + "张照片";
    if (n.clips) s += (s.empty() ? "" : "和") + std::to_string(n.clips) + "段视频";
    return s.empty() ? "脚本" : s;
  }
  if (l == lang::de) {
    std::string s;
    if (n.photos) s += count(n.photos, "Foto", "Fotos");
    if (n.clips) s += (s.empty() ? "" : " und ") + count(n.clips, "Clip", "Clips");
    return s.empty() ? "deinem Skript" : s;
  }
  std::string s;
  if (n.photos) s += count(n.photos, "photo", "photos");
  if (n.clips) s += (s.empty() ? "" : " and ") + count(n.clips, "clip", "clips");
  return s.empty() ? "your script" : s;
}

std::string created(lang l, const agent_note& n) {
  const auto d = secs(n.ms, l);
  std::string out;
  if (l == lang::en) {
    out = "Made a " + d + "-second " + n.text + " video from " + sources(l, n);
    if (n.music) out += " with background music at " + pct(n.fraction);
    out += ".";
    if (!n.text2.empty()) out += " Title: \"" + n.text2 + "\".";
    if (n.n) out += " " + count(n.n, "caption", "captions") + " from your script.";
  } else if (l == lang::de) {
    out = "Ich habe aus " + sources(l, n) + " ein " + d + "-Sekunden-Video im Format " + n.text;
    if (n.music) out += " mit Hintergrundmusik bei " + pct(n.fraction);
    out += " gemacht.";
    if (!n.text2.empty()) out += " Titel: „" + n.text2 + "“.";
    if (n.n) out += " " + std::to_string(n.n) + " Untertitel aus deinem Skript.";
  } else {
    out = "已用" + sources(l, n) + "制作了一个" + d + "秒的" + n.text + "视频";
    if (n.music) out += "，背景音乐音量" + pct(n.fraction);
    out += "。";
    if (!n.text2.empty()) out += "标题：“" + n.text2 + "”。";
    if (n.n) out += "已根据脚本添加" + std::to_string(n.n) + "条字幕。";
  }
  return out;
}

std::string target_name(lang l, const agent_note& n) {
  switch (n.target) {
    case move_target::start:
      return pick(l, "to the start", "an den Anfang", "开头");
    case move_target::end:
      return pick(l, "to the end", "ans Ende", "末尾");
    default:
      return pick(l, "to position " + std::to_string(n.n2), "an Position " + std::to_string(n.n2),
                  "第" + std::to_string(n.n2) + "位");
  }
}

std::string help_text(lang l) {
  return pick(
      l,
      "I can: make a video from your photos, clips, music and script; set the length (\"30 "
      "seconds\"); change the format (vertical, square, 16:9); set transitions (fade, slide, "
      "wipe, none); add or remove music, set its volume or fade it out; add or change a title "
      "and text; add captions from a script; move or trim photos and clips; and undo.",
      "Ich kann: aus deinen Fotos, Clips, Musik und Skript ein Video machen; die Länge setzen "
      "(„30 Sekunden“); das Format ändern (Hochformat, quadratisch, 16:9); Übergänge wählen "
      "(Überblenden, Schieben, Wischen, keine); Musik hinzufügen oder entfernen, ihre "
      "Lautstärke setzen oder sie ausblenden; Titel und Text einfügen oder ändern; Untertitel "
      "aus einem Skript erzeugen; Fotos und Clips verschieben oder kürzen; und rückgängig "
      "machen.",
      "我可以：用你的照片、视频片段、音乐和脚本制作视频；设置时长（“30秒”）；更改画面比例"
      "（竖屏、方形、16:9）；设置转场（淡入淡出、滑动、擦除、无）；添加或删除音乐、调节音量或淡出；"
      "添加或修改标题和文字；根据脚本生成字幕；移动或裁剪照片和片段；以及撤销。");
}

std::string sentence(lang l, const agent_note& n) {
  const auto s = secs(n.ms, l);
  const auto sp = span(n.ms, l);
  const auto item = item_name(l, n.what, n.n);
  switch (n.kind) {
    case note_kind::created:
      return created(l, n);
    case note_kind::duration:
      return pick(l, "The video is now " + sp + " long.", "Das Video ist jetzt " + sp + " lang.",
                  "视频时长已改为" + s + "秒。");
    case note_kind::duration_limited:
      return pick(l, "Your clips only add up to " + sp + ", so that is the length now.",
                  "Deine Clips ergeben zusammen nur " + sp + ", so lang ist das Video jetzt.",
                  "素材总长只有" + s + "秒，所以视频现在是" + s + "秒。");
    case note_kind::duration_clamped:
      return pick(
          l, "A video can be 1 second to 10 minutes long, so I used " + sp + ".",
          "Ein Video kann 1 Sekunde bis 10 Minuten lang sein, ich habe " + sp + " genommen.",
          "视频时长需在1秒到10分钟之间，已设为" + s + "秒。");
    case note_kind::aspect: {
      const auto px = std::to_string(n.w) + "x" + std::to_string(n.h);
      return pick(l, "Switched to " + n.text + " (" + px + ").",
                  "Auf " + n.text + " (" + px + ") umgestellt.",
                  "画面已改为" + n.text + "（" + px + "）。");
    }
    case note_kind::fps:
      return pick(l, "Frame rate set to " + std::to_string(n.n) + " fps.",
                  "Bildrate auf " + std::to_string(n.n) + " fps gesetzt.",
                  "帧率已设为" + std::to_string(n.n) + " fps。");
    case note_kind::transition: {
      const auto name = transition_name(l, n.text);
      if (n.text == "none")
        return pick(l, "Transitions are now " + name + ".", "Übergänge: jetzt " + name + ".",
                    "转场已改为" + name + "。");
      return pick(l, "Transitions are now " + name + " (" + s + " s).",
                  "Übergänge sind jetzt " + name + " (" + s + " s).",
                  "转场已改为" + name + "（" + s + "秒）。");
    }
    case note_kind::music_added:
      return pick(l, "Added background music \"" + n.text + "\" at " + pct(n.fraction) + ".",
                  "Hintergrundmusik „" + n.text + "“ mit " + pct(n.fraction) + " hinzugefügt.",
                  "已添加背景音乐“" + n.text + "”，音量" + pct(n.fraction) + "。");
    case note_kind::music_exists:
      return pick(l, "The video already has music (\"" + n.text + "\").",
                  "Das Video hat schon Musik („" + n.text + "“).",
                  "视频已经有背景音乐（“" + n.text + "”）。");
    case note_kind::music_removed:
      return pick(l, "Removed the music.", "Musik entfernt.", "已删除背景音乐。");
    case note_kind::music_volume:
      return pick(l, "Music volume is now " + pct(n.fraction) + ".",
                  "Die Musik hat jetzt " + pct(n.fraction) + " Lautstärke.",
                  "背景音乐音量已调到" + pct(n.fraction) + "。");
    case note_kind::music_fade_out:
      return pick(l, "The music now fades out over " + last_part(n.ms, l) + ".",
                  "Die Musik blendet jetzt " + last_part(n.ms, l) + " aus.",
                  "背景音乐会在最后" + s + "秒淡出。");
    case note_kind::music_fade_in:
      return pick(l, "The music now fades in over " + sp + ".",
                  "Die Musik blendet jetzt über " + sp + " ein.",
                  "背景音乐会在开头" + s + "秒淡入。");
    case note_kind::title_added:
      return pick(l, "Added the title \"" + n.text + "\" (" + format_range(n.ms, n.n) + ").",
                  "Titel „" + n.text + "“ eingefügt (" + format_range(n.ms, n.n) + ").",
                  "已添加标题“" + n.text + "”（" + format_range(n.ms, n.n) + "）。");
    case note_kind::title_changed:
      return pick(l, "Changed the title to \"" + n.text + "\".",
                  "Titel in „" + n.text + "“ geändert.", "标题已改为“" + n.text + "”。");
    case note_kind::title_removed:
      return pick(l, "Removed the title.", "Titel entfernt.", "已删除标题。");
    case note_kind::title_styled:
      return pick(l, "Restyled the title.", "Titel umgestaltet.", "已修改标题样式。");
    case note_kind::text_added:
      return pick(l, "Added the text \"" + n.text + "\" (" + format_range(n.ms, n.n) + ").",
                  "Text „" + n.text + "“ eingefügt (" + format_range(n.ms, n.n) + ").",
                  "已添加文字“" + n.text + "”（" + format_range(n.ms, n.n) + "）。");
    case note_kind::text_replaced:
      return pick(l, "Changed \"" + n.text + "\" to \"" + n.text2 + "\".",
                  "„" + n.text + "“ in „" + n.text2 + "“ geändert.",
                  "已把“" + n.text + "”改为“" + n.text2 + "”。");
    case note_kind::texts_removed:
      return pick(l, "Removed the text overlays.", "Texteinblendungen entfernt.", "已删除文字。");
    case note_kind::texts_styled:
      return pick(l, "Restyled the text.", "Text umgestaltet.", "已修改文字样式。");
    case note_kind::captions_added:
      return pick(l, "Added " + count(n.n, "caption", "captions") + " from your script.",
                  std::to_string(n.n) + " Untertitel aus deinem Skript eingefügt.",
                  "已根据脚本添加" + std::to_string(n.n) + "条字幕。");
    case note_kind::captions_removed:
      return pick(l, "Removed the captions.", "Untertitel entfernt.", "已删除字幕。");
    case note_kind::motion_on:
      return pick(l, "Added a gentle Ken Burns move to the photos.",
                  "Die Fotos haben jetzt eine sanfte Ken-Burns-Bewegung.",
                  "已为照片添加轻微的缩放平移效果。");
    case note_kind::motion_off:
      return pick(l, "The photos are still now (no Ken Burns).",
                  "Die Fotos stehen jetzt still (kein Ken Burns).", "已去掉照片的缩放平移效果。");
    case note_kind::moved:
      return pick(l, "Moved " + item + " " + target_name(l, n) + ".",
                  capitalized(item) + " " + target_name(l, n) + " verschoben.",
                  "已把" + item + "移到" + target_name(l, n) + "。");
    case note_kind::swapped: {
      const auto other = item_name(l, n.what2, n.n2);
      return pick(l, "Swapped " + item + " and " + other + ".",
                  capitalized(item) + " und " + other + " getauscht.",
                  "已交换" + item + "和" + other + "。");
    }
    case note_kind::trimmed:
      return pick(l, capitalized(item) + " is now " + sp + ".",
                  capitalized(item) + " ist jetzt " + sp + " lang.", item + "现在是" + s + "秒。");
    case note_kind::trim_capped:
      return pick(l, capitalized(item) + " is only " + sp + " long, so it plays in full.",
                  capitalized(item) + " ist nur " + sp + " lang und läuft ganz.",
                  item + "只有" + s + "秒，已完整使用。");
    case note_kind::removed:
      return pick(l, "Removed " + item + ".", capitalized(item) + " entfernt.",
                  "已删除" + item + "。");
    case note_kind::keep_one:
      return pick(
          l, "A video needs at least one photo or clip, so I kept the last one.",
          "Ein Video braucht mindestens ein Foto oder einen Clip, den letzten habe ich behalten.",
          "视频至少需要一张照片或一段视频，最后一个已保留。");
    case note_kind::video_fade:
      return pick(l, "The video now fades to black over " + last_part(n.ms, l) + ".",
                  "Das Video blendet jetzt " + last_part(n.ms, l) + " ins Schwarze ab.",
                  "视频会在最后" + sp + "淡出到黑场。");
    case note_kind::undone:
      return pick(l, "Undid the last change.", "Letzte Änderung rückgängig gemacht.",
                  "已撤销上一步修改。");
    case note_kind::nothing_to_undo:
      return pick(l, "There is nothing to undo yet.", "Es gibt noch nichts rückgängig zu machen.",
                  "还没有可以撤销的修改。");
    case note_kind::no_media:
      return pick(l,
                  "There is nothing to edit yet: upload some photos, clips, music or a script, "
                  "then tell me what to make.",
                  "Es gibt noch nichts zu bearbeiten: lade Fotos, Clips, Musik oder ein Skript "
                  "hoch und sag mir, was ich daraus machen soll.",
                  "还没有可编辑的内容：请先上传照片、视频片段、音乐或脚本，然后告诉我要做什么。");
    case note_kind::no_visuals:
      return pick(l, "There are no photos or clips on the timeline to change.",
                  "In der Zeitleiste gibt es keine Fotos oder Clips zum Ändern.",
                  "时间线上没有可修改的照片或视频片段。");
    case note_kind::no_music_media:
      return pick(l,
                  "There is no music file in this session yet: upload an MP3, WAV, M4A or AAC "
                  "and ask again.",
                  "In dieser Sitzung gibt es noch keine Musikdatei: lade eine MP3-, WAV-, M4A- "
                  "oder AAC-Datei hoch und frag noch einmal.",
                  "当前会话还没有音乐文件：请上传MP3、WAV、M4A或AAC文件后再试。");
    case note_kind::no_music:
      return pick(l, "The video has no music yet.", "Das Video hat noch keine Musik.",
                  "视频还没有背景音乐。");
    case note_kind::no_script:
      return pick(l, "Captions come from a script: upload a .txt or .md file first.",
                  "Untertitel kommen aus einem Skript: lade zuerst eine .txt- oder .md-Datei hoch.",
                  "字幕来自脚本：请先上传.txt或.md文件。");
    case note_kind::no_title:
      return pick(l, "The video has no title yet.", "Das Video hat noch keinen Titel.",
                  "视频还没有标题。");
    case note_kind::no_texts:
      return pick(l, "The video has no text overlays.", "Das Video hat keine Texteinblendungen.",
                  "视频里没有文字。");
    case note_kind::no_captions:
      return pick(l, "The video has no captions.", "Das Video hat keine Untertitel.",
                  "视频里没有字幕。");
    case note_kind::no_such_item: {
      const int kind = static_cast<int>(n.what);
      const char* en_pl[] = {"items", "photos", "clips"};
      const char* de_pl[] = {"Elemente", "Fotos", "Clips"};
      const char* zh_cls[] = {"个片段", "张照片", "段视频"};
      return pick(l,
                  "There is no " + item + ": the video has " + std::to_string(n.n2) + " " +
                      en_pl[kind] + ".",
                  "Es gibt kein " + item + ": das Video hat " + std::to_string(n.n2) + " " +
                      de_pl[kind] + ".",
                  "没有" + item + "：视频里只有" + std::to_string(n.n2) + zh_cls[kind] + "。");
    }
    case note_kind::text_not_found:
      return pick(l, "I could not find the text \"" + n.text + "\".",
                  "Den Text „" + n.text + "“ habe ich nicht gefunden.",
                  "没有找到文字“" + n.text + "”。");
    case note_kind::title_needs_text:
      return pick(l,
                  "What should the title say? Put it in quotes, like: add a title \"Summer Sale\".",
                  "Was soll im Titel stehen? Schreib ihn in Anführungszeichen, etwa: Titel "
                  "„Sommer-Sale“ hinzufügen.",
                  "标题要写什么？请用引号写出来，例如：添加标题“夏季促销”。");
    case note_kind::greeting:
      return pick(l, "Hi! ", "Hallo! ", "你好！") + help_text(l);
    case note_kind::help:
      return help_text(l);
    case note_kind::unknown:
      return pick(l, "Sorry, I can't do that here yet. ", "Das kann ich hier leider noch nicht. ",
                  "抱歉，这个我暂时还做不到。") +
             help_text(l);
    case note_kind::failed:
      return pick(l, "Sorry, that edit went wrong, so I left the video as it was.",
                  "Das hat leider nicht geklappt, das Video ist unverändert.",
                  "抱歉，这次修改没有成功，视频保持不变。");
  }
  return {};
}

}  // namespace

std::string compose_reply(const std::vector<agent_note>& notes, std::string_view language) {
  const lang l = lang_of(language);
  std::string out;
  for (const auto& n : notes) {
    auto s = sentence(l, n);
    if (s.empty()) continue;
    if (!out.empty() && l != lang::zh) out += " ";
    out += s;
  }
  return out.empty() ? help_text(l) : out;
}

}  // namespace reel::core
