#include "core/intent_router.hpp"

#include "core/text_norm.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using reel::core::intent;
using reel::core::route_message;

struct row {
  std::string_view text;
  intent expected;
  std::string_view why = "";  // for the rows that are not obvious
};

constexpr intent E = intent::export_video;
constexpr intent C = intent::credits;
constexpr intent S = intent::state;
constexpr intent U = intent::upload;
constexpr intent X = intent::chat;

const row rows[] = {
    // export, English
    {"export", E},
    {"Export", E},
    {"EXPORT!!!", E, "case and punctuation do not matter"},
    {"export please", E},
    {"please export the video in 1080p", E},
    {"Export it.", E},
    {"export the final video as mp4", E},
    {"export in 4k", E},
    {"can you export it for me?", E},
    {"download", E},
    {"Download the video", E},
    {"I want to download it", E},
    {"where can I download the video?", E},
    {"send me the video", E},
    {"Send me the video please", E},
    {"send it", E},
    {"give me the file", E},
    {"render it", E},
    {"render the video now", E},
    {"render it out in high quality", E},
    {"looks good, export", E, "an approval before the command is not an edit"},
    {"ok, go ahead and export", E},
    {"export the timeline", E},
    {"download link please", E},
    {"ＥＸＰＯＲＴ", E, "fullwidth letters fold to ASCII"},
    {"  export  ", E},
    {"export 🚀", E, "emoji are punctuation"},
    // export, Chinese and German
    {"导出", E},
    {"导出视频", E},
    {"请导出视频", E},
    {"帮我把视频导出一下", E},
    {"导出成1080p", E},
    {"下载", E},
    {"下载视频", E},
    {"把视频发给我", E},
    {"渲染吧", E},
    {"导出来吧！", E},
    {"exportieren", E},
    {"Video exportieren", E},
    {"Exportiere das Video bitte in 4K", E},
    {"Bitte das Video herunterladen", E},
    {"Lade das Video herunter", E},
    {"Schick mir das Video", E},
    {"Kannst du mir das Video schicken?", E},
    // credits
    {"credits", C},
    {"Credits?", C},
    {"how many credits", C},
    {"How many credits do I have left?", C},
    {"check my credits", C},
    {"balance", C},
    {"what's my balance?", C, "apostrophes join: what's -> whats"},
    {"show credit balance", C},
    {"remaining credits", C},
    {"积分", C},
    {"余额", C},
    {"查看余额", C},
    {"我还有多少积分？", C},
    {"积分还剩多少", C},
    {"账户余额", C},
    {"Guthaben", C},
    {"Wie viel Guthaben habe ich noch?", C},
    {"Kontostand anzeigen", C},
    // state
    {"status", S},
    {"Status?", S},
    {"what's the status", S},
    {"show tracks", S},
    {"show the timeline", S},
    {"show me the timeline", S},
    {"what's on the timeline?", S},
    {"current state", S},
    {"export status", S, "the export is company here: the user asks about the render"},
    {"what is the render progress", S},
    {"show the draft", S},
    {"timeline summary", S},
    {"状态", S},
    {"查看状态", S},
    {"显示轨道", S},
    {"看看时间线", S},
    {"导出进度", S, "导出 qualifies 进度"},
    {"显示时间线", S},
    {"Zeitleiste", S},
    {"Zeig mir die Zeitleiste", S},
    {"Zeitleiste anzeigen", S},
    {"Wie ist der Status?", S},
    // upload
    {"upload", U},
    {"Upload files", U},
    {"I want to upload some photos", U},
    {"upload a video from url", U},
    {"upload more clips", U},
    {"上传", U},
    {"上传素材", U},
    {"我要上传几张图片", U},
    {"hochladen", U},
    {"Ich möchte ein paar Fotos hochladen", U},
    {"Lade die Bilder hoch", U},
    // near misses: keywords in passing, edits, questions, negations
    {"I exported it last week, now add music", X, "'exported' is not the word 'export'"},
    {"add a credits roll at the end", X, "an edit that mentions credits"},
    {"add credits at the end", X, "an edit"},
    {"the credits look too small", X, "talks about the credits roll"},
    {"make the end credits scroll slower", X},
    {"export the video but first make the title bigger", X, "an edit comes first"},
    {"add music and export", X, "an edit, the export can follow"},
    {"don't export yet", X, "a negation"},
    {"do not export", X},
    {"how do I export?", X, "a question for the agent"},
    {"why did the export fail?", X},
    {"the export looks blurry", X},
    {"exporting", X, "not an imperative"},
    {"exporter", X, "whole words only"},
    {"download some stock footage of beaches and add it", X, "an edit using a download"},
    {"render a 3D logo animation", X, "asks to generate content"},
    {"send the clip to the second track", X},
    {"balance the audio levels", X, "balance as a verb for an edit"},
    {"add a status bar at the top", X},
    {"what's the state of the art in AI video?", X},
    {"remove the second track", X},
    {"make the timeline 30 seconds long", X},
    {"move the title to the start of the timeline", X},
    {"upload is slow today", X},
    {"status quo", X},
    {"statusbar", X, "whole words only"},
    {"generate a 30-second promo video with background music", X},
    {"turn these images into a video", X},
    {"add BGM", X},
    {"hello", X},
    {"thanks!", X, "filler alone is no command"},
    {"video", X},
    {"", X},
    {"   ", X},
    {"?!", X},
    {"不要导出", X, "a negation"},
    {"先别导出", X},
    {"导出之前先加个背景音乐", X, "an edit before the export"},
    {"加个片尾字幕", X},
    {"积分不够了怎么办", X, "a question for the agent"},
    {"把第二个轨道删掉", X},
    {"上传的图片太暗了，调亮一点", X, "an edit of uploaded media"},
    {"Füge am Ende einen Abspann hinzu", X},
    {"Exportiere das Video, aber mach den Titel größer", X},
    {"Das Guthaben reicht nicht", X},
    {"Nicht exportieren", X},
    {"Lade Musik aus dem Internet herunter und füge sie hinzu", X},
    {"Export the video. Also, could you add a fade at the end, make the music quieter, "
     "put the logo in the corner, and then we can talk about the next one in the series?",
     X, "edits ride along with the export"},
};

TEST_CASE("intent router: the phrasing table") {
  CHECK(std::size(rows) >= 100);
  for (const row& r : rows) {
    INFO("text: \"" << r.text << "\" " << r.why);
    CHECK(to_string(route_message(r.text)) == to_string(r.expected));
  }
}

TEST_CASE("intent router: wire names") {
  CHECK(to_string(intent::export_video) == "export");
  CHECK(to_string(intent::credits) == "credits");
  CHECK(to_string(intent::state) == "state");
  CHECK(to_string(intent::upload) == "upload");
  CHECK(to_string(intent::chat) == "chat");
}

TEST_CASE("intent router: a long message is chat even when every word would qualify") {
  std::string s;
  for (int i = 0; i < 45; ++i) s += "please ";
  CHECK(route_message(s + "export") == intent::chat);
  CHECK(route_message("please please please export") == intent::export_video);
}

TEST_CASE("text norm: tokens fold case, width and apostrophes and split CJK per character") {
  using reel::core::tokenize;
  CHECK(tokenize("Don't EXPORT, ＥＸＰＯＲＴ!") ==
        std::vector<std::string>{"dont", "export", "export"});
  CHECK(tokenize("导出视频") == std::vector<std::string>{"导", "出", "视", "频"});
  CHECK(tokenize("GRÜSSE aus München: 1080p…") ==
        std::vector<std::string>{"grüsse", "aus", "münchen", "1080p"});
  CHECK(tokenize("**Export**—“now”") == std::vector<std::string>{"export", "now"});
  CHECK(tokenize("a\xC3"
                 "b \xE4\xBD") == std::vector<std::string>{"a", "b"});
  CHECK(tokenize("").empty());
}

TEST_CASE("intent router: invalid UTF-8 never breaks routing") {
  CHECK(route_message("export\xFF") == intent::export_video);
  CHECK(route_message("\xE5\xAF") == intent::chat);
}

}  // namespace
