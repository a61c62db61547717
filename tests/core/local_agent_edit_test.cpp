// The local agent, table-driven (continued): titles, text overlays, captions, reordering,
// trimming, undo, several edits in one prompt, and prompts it cannot do.
#include "local_agent_fixture.hpp"

using namespace agent_test;

namespace {

using sv = std::vector<std::string>;
using range = std::pair<std::int64_t, std::int64_t>;

}  // namespace

TEST_CASE("titles: add, change, remove, restyle") {
  const row rows[] = {
      {"add a title 'Summer Sale' for 3 seconds",
       start::photos,
       {.duration_ms = 30000,
        .tracks = 3,
        .title = "Summer Sale",
        .title_range = range{0, 3000},
        .tool = "add_title"}},
      {"add the title \"Big Deals\" for 5 seconds",
       start::photos,
       {.title = "Big Deals", .title_range = range{0, 5000}}},
      {"Füge den Titel „Sommerschlussverkauf“ für 3 Sekunden hinzu",
       start::photos,
       {.lang = "de", .title = "Sommerschlussverkauf", .title_range = range{0, 3000}}},
      {"添加标题“夏季促销”，显示3秒",
       start::photos,
       {.lang = "zh", .duration_ms = 30000, .title = "夏季促销", .title_range = range{0, 3000}}},
      {"添加标题“夏季促销”显示5秒",
       start::photos,
       {.lang = "zh", .title = "夏季促销", .title_range = range{0, 5000}}},
      {"add a title Summer Sale", start::photos, {.title = "Summer Sale"}},
      {"add a title at the end: Thanks for watching",
       start::photos,
       {.title = "Thanks for watching"}},
      {"change the title to 'Winter Deals'",
       start::titled,
       {.title = "Winter Deals", .tool = "set_title", .reply_has = "Winter Deals"}},
      {"ändere den Titel in „Winterangebote“",
       start::titled,
       {.lang = "de", .title = "Winterangebote"}},
      {"把标题改成冬季特卖", start::titled, {.lang = "zh", .title = "冬季特卖"}},
      {"remove the title", start::titled, {.tracks = 2, .title = "-", .tool = "remove_title"}},
      {"Titel entfernen", start::titled, {.lang = "de", .title = "-"}},
      {"删除标题", start::titled, {.lang = "zh", .title = "-"}},
      {"make the title red", start::titled, {.title = "Summer Sale", .tool = "style_title"}},
      {"change 'Summer Sale' to 'Autumn Sale'", start::titled, {.title = "Autumn Sale"}},
      {"add a title", start::photos, {.changed = false, .reply_has = "quotes"}},
      {"add a title", start::photos_script, {.title = "Summer Sale"}},
      {"remove the title", start::photos, {.changed = false, .reply_has = "no title"}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("text overlays and captions") {
  const row rows[] = {
      {"add the text 'Buy now' at the end",
       start::photos,
       {.duration_ms = 30000,
        .text = "Buy now",
        .text_range = range{27000, 30000},
        .tool = "add_text"}},
      {"add text \"Free shipping\" from 5 to 8 seconds at the top",
       start::photos,
       {.text = "Free shipping", .text_range = range{5000, 8000}}},
      {"Text „Jetzt kaufen“ am Ende einfügen",
       start::photos,
       {.lang = "de", .text = "Jetzt kaufen", .text_range = range{27000, 30000}}},
      {"在结尾加上文字“立即购买”",
       start::photos,
       {.lang = "zh", .text = "立即购买", .text_range = range{27000, 30000}}},
      {"add a caption 'Limited offer' at 10 seconds",
       start::photos,
       {.text = "Limited offer", .text_range = range{10000, 13000}}},
      {"add text 'Hello' for 4 seconds at the start",
       start::photos,
       {.text = "Hello", .text_range = range{0, 4000}}},
      {"add captions", start::photos_script, {.captions = 3, .tool = "add_captions"}},
      {"Untertitel hinzufügen", start::photos_script, {.lang = "de", .captions = 3}},
      {"加字幕", start::photos_script, {.lang = "zh", .captions = 3}},
      {"remove the captions", start::mixed, {.captions = 0, .tool = "remove_captions"}},
      {"Untertitel entfernen", start::mixed, {.lang = "de", .captions = 0}},
      {"add captions", start::photos, {.changed = false, .reply_has = "script"}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("order: move and swap photos and clips") {
  const row rows[] = {
      {"move the third photo to the start",
       start::photos,
       {.duration_ms = 30000, .order = sv{"p3", "p1", "p2", "p4", "p5"}, .tool = "move_segment"}},
      {"move the last photo to the beginning",
       start::photos,
       {.order = sv{"p5", "p1", "p2", "p3", "p4"}}},
      {"move the first photo to the end",
       start::photos,
       {.order = sv{"p2", "p3", "p4", "p5", "p1"}}},
      {"put photo 2 after photo 4", start::photos, {.order = sv{"p1", "p3", "p4", "p2", "p5"}}},
      {"move the third photo to position 5",
       start::photos,
       {.order = sv{"p1", "p2", "p4", "p5", "p3"}}},
      {"swap the first and the last photo",
       start::photos,
       {.order = sv{"p5", "p2", "p3", "p4", "p1"}, .tool = "swap_segments"}},
      {"verschiebe das dritte Foto an den Anfang",
       start::photos,
       {.lang = "de", .order = sv{"p3", "p1", "p2", "p4", "p5"}}},
      {"setze das letzte Bild nach vorne",
       start::photos,
       {.lang = "de", .order = sv{"p5", "p1", "p2", "p3", "p4"}}},
      {"tausche das erste und das zweite Foto",
       start::photos,
       {.lang = "de", .order = sv{"p2", "p1", "p3", "p4", "p5"}}},
      {"把第三张照片移到开头",
       start::photos,
       {.lang = "zh", .order = sv{"p3", "p1", "p2", "p4", "p5"}}},
      {"把最后一张图片放到最前面",
       start::photos,
       {.lang = "zh", .order = sv{"p5", "p1", "p2", "p3", "p4"}}},
      {"交换第一张和第二张照片",
       start::photos,
       {.lang = "zh", .order = sv{"p2", "p1", "p3", "p4", "p5"}}},
      {"move the second clip to the start",
       start::mixed,
       {.order = sv{"c2", "p1", "p2", "c1", "p3"}}},
      // Every position in one prompt means the order before its edits.
      {"move the first photo to the end and the last photo to the start",
       start::photos,
       {.order = sv{"p5", "p2", "p3", "p4", "p1"}}},
      {"swap photos 1 and 3", start::photos, {.order = sv{"p3", "p2", "p1", "p4", "p5"}}},
      {"delete the third photo",
       start::photos,
       {.duration_ms = 24100,
        .pictures = 4,
        .volume = 0.35,
        .order = sv{"p1", "p2", "p4", "p5"},
        .tool = "remove_segment"}},
      {"entferne das erste Foto",
       start::photos,
       {.lang = "de", .order = sv{"p2", "p3", "p4", "p5"}}},
      {"删除第二张照片", start::photos, {.lang = "zh", .order = sv{"p1", "p3", "p4", "p5"}}},
      {"delete every photo", start::photos, {.pictures = 1, .reply_has = "at least one"}},
      {"move the seventh photo to the start",
       start::photos,
       {.changed = false, .reply_has = "no photo 7"}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("trims: one picture, every picture, a clip's own length") {
  const row rows[] = {
      {"make the first photo 4 seconds",
       start::photos,
       {.duration_ms = 27600, .picture_ms = std::pair{0, 4000}, .tool = "trim_segment"}},
      {"make each photo 2 seconds",
       start::photos,
       {.duration_ms = 8000, .picture_ms = std::pair{4, 2000}}},
      {"mach das erste Foto 4 Sekunden lang",
       start::photos,
       {.lang = "de", .picture_ms = std::pair{0, 4000}}},
      {"kürze das zweite Foto auf 2 Sekunden",
       start::photos,
       {.lang = "de", .picture_ms = std::pair{1, 2000}}},
      {"把第一张照片改成4秒", start::photos, {.lang = "zh", .picture_ms = std::pair{0, 4000}}},
      {"每张照片3秒",
       start::photos,
       {.lang = "zh", .duration_ms = 13000, .picture_ms = std::pair{2, 3000}}},
      {"make the first clip 4 seconds", start::mixed, {.picture_ms = std::pair{2, 4000}}},
      {"make the second clip 10 seconds",
       start::mixed,
       {.changed = false, .reply_has = "only 3 seconds"}},
      {"make the first clip 2 seconds",
       start::mixed,
       {.duration_ms = 12000, .picture_ms = std::pair{2, 2000}}},
      {"trim the first photo to 4 seconds and make the video 20 seconds",
       start::photos,
       {.duration_ms = 20000, .picture_ms = std::pair{0, 4000}}},
      {"make the first clip 4 seconds",
       start::photos,
       {.changed = false, .reply_has = "no clip 1"}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("undo restores the previous version") {
  for (const auto& [prompt, lang] :
       {std::pair{"undo", "en"}, std::pair{"rückgängig", "de"}, std::pair{"撤销", "zh"}}) {
    CAPTURE(prompt);
    auto s = make_session(start::photos);
    const auto before = make_session(start::vertical).draft;
    const auto out = run_local_agent({prompt, s.draft, s.media, {before}});
    CHECK(out.undo);
    CHECK(out.language == lang);
    REQUIRE(out.new_draft);
    CHECK(*out.new_draft == before);
    CHECK(out.tool_calls == std::vector<std::string>{"undo"});
  }
  check_row({"undo", start::photos, {.changed = false, .reply_has = "nothing to undo"}});
  check_row({"撤销", start::photos, {.lang = "zh", .changed = false, .reply_has = "没有"}});
}

TEST_CASE("several edits in one prompt are all applied") {
  const row rows[] = {
      {"make it vertical and 15 seconds with a wipe transition",
       start::photos,
       {.duration_ms = 15000, .size = std::pair{1080, 1920}, .transition = "wipe"}},
      {"mach es quadratisch, 20 Sekunden, ohne Übergänge",
       start::photos,
       {.lang = "de", .duration_ms = 20000, .size = std::pair{1080, 1080}, .transition = "none"}},
      {"改成竖屏，15秒，用擦除转场",
       start::photos,
       {.lang = "zh", .duration_ms = 15000, .size = std::pair{1080, 1920}, .transition = "wipe"}},
      {"make it square, remove the music and add a title 'Hello'",
       start::photos,
       {.size = std::pair{1080, 1080}, .volume = -1, .title = "Hello"}},
      {"Musik auf 10% und Titel „Hallo Welt“",
       start::photos,
       {.lang = "de", .volume = 0.1, .title = "Hallo Welt"}},
      {"音乐音量30%，并添加标题“你好”",
       start::photos,
       {.lang = "zh", .volume = 0.3, .title = "你好"}},
      {"make a 20-second vertical video with slide transitions, music at 50% and the title "
       "'Launch'",
       start::empty_photos,
       {.duration_ms = 20000,
        .size = std::pair{1080, 1920},
        .volume = 0.5,
        .transition = "slide",
        .title = "Launch"}},
      {"add a title 'Sale' for 3 seconds and make it 20 seconds",
       start::photos,
       {.duration_ms = 20000, .title = "Sale", .title_range = range{0, 3000}}},
      {"move the first photo to the end and fade out the music over 4 seconds",
       start::photos,
       {.order = sv{"p2", "p3", "p4", "p5", "p1"}, .fade_out_ms = 4000}},
      {"make the second photo 5 seconds and put it at the start",
       start::photos,
       {.order = sv{"p2", "p1", "p3", "p4", "p5"}, .picture_ms = std::pair{0, 5000}}},
      {"change the transition to wipe and make it 1 second",
       start::photos,
       {.duration_ms = 30000, .transition = "wipe", .transition_ms = 1000}},
      {"make the first photo 5 seconds, then add music at 40%",
       start::no_music,
       {.volume = 0.4, .picture_ms = std::pair{0, 5000}}},
  };
  for (const auto& r : rows) check_row(r);
}

TEST_CASE("what it cannot do gets a helpful reply and no change") {
  const row rows[] = {
      {"what's the weather like", start::photos, {.changed = false, .reply_has = "I can:"}},
      {"hello", start::empty_photos, {.changed = false, .reply_has = "Hi!"}},
      {"what can you do?", start::photos, {.changed = false, .reply_has = "I can:"}},
      {"Wie ist das Wetter?",
       start::photos,
       {.lang = "de", .changed = false, .reply_has = "Ich kann:"}},
      {"今天天气怎么样", start::photos, {.lang = "zh", .changed = false, .reply_has = "我可以"}},
      {"asdf qwer zxcv", start::photos, {.changed = false, .reply_has = "can't"}},
      {"", start::photos, {.changed = false, .reply_has = "I can:"}},
      {"make it pop", start::photos, {.changed = false}},
      {"add a voice-over", start::photos, {.changed = false}},
      {"move it", start::photos, {.changed = false}},
      {"the third photo", start::photos, {.changed = false}},
      {"remove", start::photos, {.changed = false}},
      {"🎉🎉🎉", start::photos, {.changed = false}},
      {"make it vertical", start::empty_none, {.changed = false, .reply_has = "upload"}},
  };
  for (const auto& r : rows) check_row(r);
}
