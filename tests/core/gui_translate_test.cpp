#include "core/gui_translate.hpp"

#include "core/intent_router.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using reel::core::gui_action;
using reel::core::translate_gui_text;

constexpr gui_action EXP = gui_action::export_video;
constexpr gui_action UPL = gui_action::upload;
constexpr gui_action SUM = gui_action::show_summary;
constexpr gui_action STA = gui_action::state;

// The canned sentences, so the table below reads as behaviour.
constexpr std::string_view en_export = "Say \"export\" and I will render the video for you.";
constexpr std::string_view en_upload =
    "Send me the files (or say \"upload\") and I will add them to the project.";
constexpr std::string_view en_words =
    "Describe the change in words (for example \"move the title to 0:05\") and I will make it.";
constexpr std::string_view en_summary = "Say \"show the timeline\" and I will list the tracks.";
constexpr std::string_view en_state =
    "Say \"status\" and I will show you the current state of the project.";
constexpr std::string_view zh_export = "回复“导出”，我就会为你渲染视频。";
constexpr std::string_view zh_upload = "直接发送文件（或回复“上传”），我会把它们加入项目。";
constexpr std::string_view zh_words = "用文字描述你想要的修改（例如“把标题移到第5秒”），我来完成。";
constexpr std::string_view zh_summary = "回复“显示时间线”，我会列出当前的轨道。";
constexpr std::string_view zh_state = "回复“状态”，我会为你显示项目的当前状态。";
constexpr std::string_view de_export =
    "Sagen Sie „exportieren“, dann rendere ich das Video für Sie.";
constexpr std::string_view de_words =
    "Beschreiben Sie die Änderung in Worten (zum Beispiel „verschiebe den Titel auf 0:05“), "
    "dann setze ich sie um.";
constexpr std::string_view de_summary =
    "Sagen Sie „Zeitleiste anzeigen“, dann liste ich die Spuren auf.";
constexpr std::string_view de_state =
    "Sagen Sie „Status“, dann zeige ich Ihnen den aktuellen Stand des Projekts.";

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += p;
  return s;
}

struct row {
  std::string name;
  std::string in;
  std::string out;
  std::vector<gui_action> actions;
};

const std::vector<row>& rows() {
  static const std::vector<row> table = {
      // English
      {"export button after a statement",
       "Your video is ready! Click the Export button to download it.",
       cat({"Your video is ready! ", en_export}),
       {EXP}},
      {"bold export label",
       "Click **Export** in the top right corner.",
       std::string(en_export),
       {EXP}},
      {"subordinate lead-in is replaced too",
       "To download the video, click the Export button.",
       std::string(en_export),
       {EXP}},
      {"short lead-in is replaced too", "Then, click Export.", std::string(en_export), {EXP}},
      {"informative clause stays",
       "Your video is ready, click Export to download it.",
       cat({"Your video is ready. ", en_export}),
       {EXP}},
      {"preview in timeline",
       "I added the title, preview it in the timeline.",
       cat({"I added the title. ", en_summary}),
       {SUM}},
      {"open the timeline",
       "Open the timeline to preview the result.",
       std::string(en_summary),
       {SUM}},
      {"drag to move",
       "Drag the music clip onto the second track to move it.",
       std::string(en_words),
       {}},
      {"drop onto the timeline",
       "Drop it onto the timeline where you want it.",
       std::string(en_words),
       {}},
      {"drag to upload",
       "Drag and drop your photos here to upload them.",
       std::string(en_upload),
       {UPL}},
      {"open a panel", "Open the Tracks panel to check the volume.", std::string(en_state), {STA}},
      {"click a panel",
       "Click the Settings tab to change the resolution.",
       std::string(en_state),
       {STA}},
      {"click a quoted label",
       "Click 'Apply' to confirm.",
       "Say \"Apply\" and I will do it for you.",
       {}},
      {"click a curly-quoted label",
       "Click \u201CSave draft\u201D to keep your changes.",
       "Say \"Save draft\" and I will do it for you.",
       {}},
      {"click a named button",
       "Click the Apply button to confirm.",
       "Say \"apply\" and I will do it for you.",
       {}},
      {"click with no label",
       "Click on the clip to select it.",
       "Tell me what you want done and I will do it for you.",
       {}},
      {"export panel and button: export wins",
       "Open the Export panel and click Export.",
       std::string(en_export),
       {EXP}},
      {"several instructions, several actions",
       "Done! Click Export to render. You can also preview it in the timeline.",
       cat({"Done! ", en_export, " ", en_summary}),
       {EXP, SUM}},
      {"a repeated instruction is said once",
       "Click Export. Then click the Export button again. Enjoy!",
       cat({en_export, " Enjoy!"}),
       {EXP}},
      {"bullets keep their marker",
       "Next steps:\n- Click Export to render the video.\n- Open the Settings panel for the "
       "resolution.\n",
       cat({"Next steps:\n- ", en_export, "\n- ", en_state, "\n"}),
       {EXP, STA}},
      {"two instructions in one sentence",
       "Great! Now you can drag the title to reposition it, or click Export when you're happy.",
       cat({"Great! ", en_words, " ", en_export}),
       {EXP}},
      {"a button inside a window is a click, not a panel",
       "You can click the play button in the preview window to watch it.",
       "Say \"play\" and I will do it for you.",
       {}},
      {"zh: three clauses, two instructions",
       "我已为你生成视频，打开预览窗口即可查看，满意后点击导出。",
       cat({"我已为你生成视频。", zh_state, zh_export}),
       {STA, EXP}},
      {"a repeat after a lead keeps only the lead",
       "Click Export. Your video is ready, click Export.",
       cat({en_export, " Your video is ready."}),
       {EXP}},
      {"the agent saying what it will do is not GUI talk",
       "I'll use 1080p when I export.",
       "I'll use 1080p when I export.",
       {}},
      {"zh: 一点 is not a click", "导出前再调亮一点。", "导出前再调亮一点。", {EXP}},
      {"zh: 按照 is not a press", "已按照你的要求导出视频。", "已按照你的要求导出视频。", {EXP}},
      {"no GUI talk",
       "I added background music at 35% volume. Anything else?",
       "I added background music at 35% volume. Anything else?",
       {}},
      {"an export mentioned in passing",
       "I will export the video in 1080p.",
       "I will export the video in 1080p.",
       {}},
      {"a URL is a real link",
       "Click here to download: https://cdn.example.com/v.mp4",
       "Click here to download: https://cdn.example.com/v.mp4",
       {}},
      {"dragon is not drag",
       "The dragon flies over the city.",
       "The dragon flies over the city.",
       {}},
      {"opens is not open",
       "The scene opens with a sunrise over the panel of mountains.",
       "The scene opens with a sunrise over the panel of mountains.",
       {}},
      {"decimals do not split sentences",
       "Set to 1.5x. Click Export.",
       cat({"Set to 1.5x. ", en_export}),
       {EXP}},
      {"empty", "", "", {}},
      // Chinese
      {"zh: export button after a clause",
       "视频已生成，点击右上角的导出按钮即可下载。",
       cat({"视频已生成。", zh_export}),
       {EXP}},
      {"zh: click export", "点击导出", std::string(zh_export), {EXP}},
      {"zh: drag to reorder", "你可以直接拖拽片段调整顺序。", std::string(zh_words), {}},
      {"zh: drag to upload", "将图片拖拽到这里上传。", std::string(zh_upload), {UPL}},
      {"zh: preview in the timeline", "在时间线中预览效果。", std::string(zh_summary), {SUM}},
      {"zh: open a panel", "打开素材面板查看已上传的文件。", std::string(zh_state), {STA}},
      {"zh: bare 导出 adds the action only", "视频已经可以导出了。", "视频已经可以导出了。", {EXP}},
      {"zh: click a quoted label", "点击「应用」保存修改。", "回复“应用”，我来帮你完成。", {}},
      {"zh: mixed sentences",
       "标题已添加！点击导出按钮即可下载。还需要其他修改吗？",
       cat({"标题已添加！", zh_export, "还需要其他修改吗？"}),
       {EXP}},
      // German
      {"de: click export",
       "Klicken Sie auf „Exportieren“, um das Video herunterzuladen.",
       std::string(de_export),
       {EXP}},
      {"de: drag and drop",
       "Ziehen Sie die Datei per Drag & Drop in die Zeitleiste.",
       std::string(de_words),
       {}},
      {"de: open a panel",
       "Öffnen Sie das Panel „Spuren“, um die Lautstärke zu prüfen.",
       std::string(de_state),
       {STA}},
      {"de: preview in the timeline",
       "Sehen Sie sich die Vorschau in der Zeitleiste an.",
       std::string(de_summary),
       {SUM}},
      {"de: statement then instruction",
       "Die Musik ist jetzt leiser, klicken Sie auf Exportieren.",
       cat({"Die Musik ist jetzt leiser. ", de_export}),
       {EXP}},
  };
  return table;
}

TEST_CASE("gui translate: the phrase table") {
  for (const row& r : rows()) {
    INFO(r.name << "\n  in:  " << r.in);
    const auto t = translate_gui_text(r.in);
    CHECK(t.text == r.out);
    CHECK(t.actions == r.actions);
  }
}

TEST_CASE("gui translate: what the rewritten text tells the user to say routes to that action") {
  using reel::core::intent;
  using reel::core::route_message;
  for (std::string_view s : {"export", "导出", "exportieren"}) {
    CHECK(route_message(s) == intent::export_video);
  }
  for (std::string_view s : {"upload", "上传"}) CHECK(route_message(s) == intent::upload);
  for (std::string_view s :
       {"show the timeline", "显示时间线", "Zeitleiste anzeigen", "status", "状态", "Status"}) {
    CHECK(route_message(s) == intent::state);
  }
}

TEST_CASE("gui translate: action wire names") {
  CHECK(to_string(gui_action::export_video) == "export");
  CHECK(to_string(gui_action::upload) == "upload");
  CHECK(to_string(gui_action::show_summary) == "show_summary");
  CHECK(to_string(gui_action::state) == "state");
}

TEST_CASE("gui translate: text without GUI talk comes back byte for byte") {
  const std::string texts[] = {
      "  leading blanks and\r\nCRLF lines.\n\nTrailing blank line.\n",
      "Emoji 🎬 and 中文 mixed. Ending without a stop",
      "Invalid \xFF\xFE bytes stay.",
  };
  for (const auto& s : texts) {
    const auto t = translate_gui_text(s);
    CHECK(t.text == s);
    CHECK(t.actions.empty());
  }
}

}  // namespace
