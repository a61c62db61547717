// The local agent's grammar and timing helpers, below the table tests: how durations, formats,
// positions and languages are read, and how lengths are shared.
#include "core/agent_edit.hpp"
#include "core/agent_layout.hpp"
#include "core/agent_lexer.hpp"
#include "core/agent_parse.hpp"

#include <doctest/doctest.h>

#include <numeric>

using namespace reel::core;

TEST_CASE("durations in the ways people say them") {
  const std::pair<const char*, std::int64_t> rows[] = {
      {"30-second", 30000},
      {"30s", 30000},
      {"30 sec", 30000},
      {"thirty seconds", 30000},
      {"twenty-five seconds", 25000},
      {"half a minute", 30000},
      {"a minute", 60000},
      {"1.5 minutes", 90000},
      {"1 min 30 s", 90000},
      {"30 Sekunden", 30000},
      {"30-Sekunden-Video", 30000},
      {"fünfundzwanzig Sekunden", 25000},
      {"eine halbe Minute", 30000},
      {"eine Minute", 60000},
      {"anderthalb Minuten", 90000},
      {"1,5 Minuten", 90000},
      {"30秒", 30000},
      {"３０秒", 30000},
      {"三十秒", 30000},
      {"一分钟", 60000},
      {"一分半", 90000},
      {"半分钟", 30000},
      {"1分30秒", 90000},
      {"1500 ms", 1500},
  };
  for (const auto& [text, ms] : rows) {
    const std::string prompt = text;
    CAPTURE(prompt);
    CHECK(parse_request(text).duration_ms == ms);
  }
}

TEST_CASE("formats: names, platforms and ratios; the last one said wins") {
  const std::pair<const char*, std::pair<int, int>> rows[] = {
      {"vertical", {9, 16}},   {"9:16", {9, 16}},       {"TikTok", {9, 16}},
      {"Reels", {9, 16}},      {"Shorts", {9, 16}},     {"YouTube Shorts", {9, 16}},
      {"square", {1, 1}},      {"1:1", {1, 1}},         {"16:9", {16, 9}},
      {"landscape", {16, 9}},  {"YouTube", {16, 9}},    {"from 16:9 to 9:16", {9, 16}},
      {"9比16", {9, 16}},      {"竖屏", {9, 16}},       {"方形", {1, 1}},
      {"横屏", {16, 9}},       {"Hochformat", {9, 16}}, {"quadratisch", {1, 1}},
      {"Querformat", {16, 9}}, {"4:5", {4, 5}},         {"1920x1080", {16, 9}},
  };
  for (const auto& [text, aspect] : rows) {
    const std::string prompt = text;
    CAPTURE(prompt);
    CHECK(parse_request(text).aspect == aspect);
  }
  CHECK(size_for({16, 9}, 1080) == std::pair{1920, 1080});
  CHECK(size_for({9, 16}, 1080) == std::pair{1080, 1920});
  CHECK(size_for({1, 1}, 1080) == std::pair{1080, 1080});
  CHECK(size_for({4, 5}, 1080) == std::pair{1080, 1350});
  CHECK(size_for({16, 9}, 2160) == std::pair{3840, 2160});
}

TEST_CASE("language: Chinese by characters, German by its words, else the hint, else English") {
  const std::tuple<const char*, const char*, const char*> rows[] = {
      {"make it vertical", "", "en"},
      {"mach es vertikal", "", "de"},
      {"Füge Musik hinzu", "", "de"},
      {"改成竖屏", "", "zh"},
      {"把视频改成TikTok格式", "", "zh"},
      {"add a title '夏季促销'", "", "en"},
      {"Titel 'Summer Sale' bitte", "", "de"},
      {"9:16", "de", "de"},
      {"9:16", "", "en"},
      {"TikTok", "zh", "zh"},
      {"make it 30 seconds", "de", "en"},
  };
  for (const auto& [text, hint, lang] : rows) {
    const std::string prompt = text;
    CAPTURE(prompt);
    CHECK(detect_language(lex_prompt(text), hint) == lang);
  }
}

TEST_CASE("the lexer: quotes beside apostrophes, ordinals, Chinese numerals") {
  auto tokens = [](const char* text) {
    std::vector<agent_token> all;
    for (const auto& s : lex_prompt(text).sentences) all.insert(all.end(), s.begin(), s.end());
    return all;
  };
  const auto q = tokens("let's add a title 'Don't Stop' now");
  REQUIRE(q.size() == 6);
  CHECK(q[0].text == "lets");
  CHECK(q[4].kind == agent_token_kind::quote);
  CHECK(q[4].text == "Don't Stop");
  CHECK(tokens("„Hallo Welt“")[0].text == "Hallo Welt");
  CHECK(tokens("《夏季促销》")[0].text == "夏季促销");

  const std::pair<const char*, int> ordinals[] = {
      {"the 3rd photo", 3},   {"das 3. Foto", 3}, {"third", 3},     {"dritte", 3},
      {"第三张", 3},          {"倒数第二张", -2}, {"last", -1},     {"letzten", -1},
      {"second to last", -2}, {"最后一张", -1},   {"vorletzte", -2}};
  for (const auto& [text, ordinal] : ordinals) {
    const std::string prompt = text;
    CAPTURE(prompt);
    int found = 0;
    for (const auto& t : tokens(text))
      if (t.ordinal) found = t.ordinal;
    CHECK(found == ordinal);
  }
  // "30 second" is a length, not an ordinal.
  for (const auto& t : tokens("a 30 second video")) CHECK(t.ordinal == 0);
  // A sentence ends at a full stop, but not inside a number or a German ordinal.
  CHECK(lex_prompt("make it 2.5 seconds. Then add music").sentences.size() == 2);
  CHECK(lex_prompt("das 3. Foto nach vorne").sentences.size() == 1);

  CHECK(chinese_number("三十") == 30);
  CHECK(chinese_number("两") == 2);
  CHECK(chinese_number("十五") == 15);
  CHECK(chinese_number("一百二十") == 120);
  CHECK(chinese_number("一点五") == doctest::Approx(1.5));
  CHECK(chinese_number("十") == 10);
  CHECK(chinese_number("好") < 0);
  CHECK(fold_fullwidth("ＴｉｋＴｏｋ　９：１６") == "TikTok 9:16");
}

TEST_CASE("what a clause binds a length to: the video, a trim, a title, a transition, a fade") {
  auto r = parse_request("make the first clip 4 seconds and the video 20 seconds");
  REQUIRE(r.trims.size() == 1);
  CHECK(r.trims[0].item == item_ref{item_kind::clip, 1});
  CHECK(r.trims[0].duration_ms == 4000);
  CHECK(r.duration_ms == 20000);

  r = parse_request("add a title 'Sale' for 3 seconds in a 30-second video");
  CHECK(r.title_spec.duration_ms == 3000);
  CHECK(r.duration_ms == 30000);

  r = parse_request("15 seconds with a 1-second wipe");
  CHECK(r.duration_ms == 15000);
  CHECK(r.transition == transition_kind::wipe);
  CHECK(r.transition_ms == 1000);

  r = parse_request("fade the music out over 4 seconds, 20 seconds in total");
  CHECK(r.music_fade_out_ms == 4000);
  CHECK(r.duration_ms == 20000);

  r = parse_request("make the transitions 1 second");
  CHECK(!r.transition);
  CHECK(r.transition_ms == 1000);

  r = parse_request("move the third slide to the start");  // slides are pictures here
  CHECK(!r.transition);
  REQUIRE(r.moves.size() == 1);
  CHECK(r.moves[0].item == item_ref{item_kind::photo, 3});

  r = parse_request("make each photo 2 seconds");
  REQUIRE(r.trims.size() == 1);
  CHECK(r.trims[0].item == item_ref{item_kind::photo, 0});

  r = parse_request("make the first clip 4 seconds and the second one 3 seconds");
  REQUIRE(r.trims.size() == 2);
  CHECK(r.trims[1].item == item_ref{item_kind::clip, 2});
  CHECK(r.trims[1].duration_ms == 3000);

  // Making a video is asked with a verb and a video; "make it" and "make the video" edit.
  CHECK(parse_request("make a 30-second promo").create);
  CHECK(parse_request("turn these photos into a video").create);
  CHECK(!parse_request("make the video 30 seconds").create);
  CHECK(!parse_request("make it vertical").create);
  CHECK(!parse_request("create a title 'X'").create);
  CHECK(!parse_request("生成字幕").create);
}

TEST_CASE("sharing a length: equal shares, caps passed on, locks kept, whole milliseconds") {
  auto sum = [](const std::vector<std::int64_t>& v) {
    return std::accumulate(v.begin(), v.end(), std::int64_t{0});
  };
  auto a = share_lengths({{1}, {1}, {1}}, 10000);
  CHECK(sum(a) == 10000);
  CHECK(a == std::vector<std::int64_t>{3334, 3333, 3333});
  a = share_lengths({{1, 2000}, {1}, {1}}, 12000);  // the 2 s clip keeps its own length
  CHECK(a == std::vector<std::int64_t>{2000, 5000, 5000});
  a = share_lengths({{1, 1000}, {1, 2000}}, 12000);  // all capped: less than asked
  CHECK(sum(a) == 3000);
  share_slot locked{1};
  locked.locked = true;
  locked.locked_ms = 4000;
  a = share_lengths({locked, {1}, {1}}, 10000);
  CHECK(a == std::vector<std::int64_t>{4000, 3000, 3000});

  const auto [lengths, tr] = share_with_transitions({{1}, {1}, {1}, {1}, {1}}, 1000, 500);
  CHECK(tr * 2 <= *std::min_element(lengths.begin(), lengths.end()));
  CHECK(sum(lengths) - 4 * tr == 1000);

  const auto music = music_segments("a1", "song", 12000, 30000, 0.35, std::nullopt, 2000);
  REQUIRE(music.size() == 3);
  CHECK(segment_view(music[2]).start_ms() == 24000);
  CHECK(segment_view(music[2]).duration_ms() == 6000);
  CHECK(segment_view(music[2]).fade_out_ms() == 2000);
  CHECK(!segment_view(music[0]).fade_out_ms());
  CHECK(music_segments("a1", "song", std::nullopt, 30000, 0.35, std::nullopt, 2000).size() == 1);
}

TEST_CASE("a script gives a title from its first line and captions from the rest") {
  auto s = split_script("# Summer Sale.\n\nEverything is half price. Visit us!\n- Free shipping");
  CHECK(s.title == "Summer Sale");
  CHECK(s.sentences ==
        std::vector<std::string>{"Everything is half price.", "Visit us!", "Free shipping"});
  s = split_script("夏季大促。全场五折！欢迎光临。");
  CHECK(s.title == "夏季大促");
  CHECK(s.sentences == std::vector<std::string>{"全场五折！", "欢迎光临。"});
  CHECK(split_script("  \n ").title.empty());
}
