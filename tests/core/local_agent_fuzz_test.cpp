// The local agent never crashes and never stays silent: token soup built from its own
// vocabulary, numbers, quotes, punctuation and broken UTF-8, over empty and full sessions, always
// gives a reply, and a draft only when that draft is valid. The generator is seeded, so a failure
// is reproducible; the prompt is printed with it.
#include "core/agent_parse.hpp"
#include "core/agent_phrases.hpp"
#include "local_agent_fixture.hpp"

#include <fstream>
#include <random>
#include <sstream>

using namespace agent_test;

namespace {

std::vector<std::string> vocabulary() {
  std::vector<std::string> out;
  for (int w = 0; w < static_cast<int>(agent_word::count_); ++w)
    for (const auto& p : phrases_of(static_cast<agent_word>(w))) {
      std::string s;
      for (const auto& t : p)
        s += (s.empty() || static_cast<unsigned char>(t[0]) >= 0xE0 ? "" : " ") + t;
      out.push_back(s);
    }
  for (const char* extra : {"3",
                            "0.5",
                            "30s",
                            "1,5",
                            "9:16",
                            "1080x1920",
                            "0:0",
                            "100%",
                            "250%",
                            "-5",
                            "99999999999999999999",
                            "1e308",
                            "三十",
                            "第三",
                            "倒数第二",
                            "一百二十",
                            "百分之",
                            "3rd",
                            "3.",
                            "0",
                            "0s",
                            "'Summer Sale'",
                            "\"Big\"",
                            "„Hallo“",
                            "“夏季”",
                            "'unclosed",
                            "\"",
                            "«»",
                            "''",
                            ",",
                            ".",
                            "，",
                            "。",
                            "!",
                            "?",
                            "\n",
                            ":",
                            "\xff",
                            "\xe4\xb8",
                            "\xc3",
                            "🎉",
                            "ＴｉｋＴｏｋ",
                            "３０秒",
                            "\t",
                            "the",
                            "it",
                            "photo",
                            "clip",
                            "7",
                            "-1",
                            "first",
                            "last",
                            "every",
                            "each",
                            "to",
                            "from",
                            "at",
                            "for"})
    out.push_back(extra);
  return out;
}

std::string soup(std::mt19937& rng, const std::vector<std::string>& words) {
  std::uniform_int_distribution<std::size_t> len(0, 14);
  std::uniform_int_distribution<std::size_t> pick(0, words.size() - 1);
  std::uniform_int_distribution<int> glue(0, 4);
  std::string out;
  for (std::size_t n = len(rng); n > 0; --n) {
    if (!out.empty() && glue(rng) != 0) out += ' ';
    out += words[pick(rng)];
  }
  return out;
}

std::optional<json> cloud_example() {
  std::ifstream in(std::string(REEL_SOURCE_DIR) + "/proto/examples/draft.cloud.json");
  if (!in.good()) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str(), nullptr, false);
}

}  // namespace

TEST_CASE("token soup over empty and full sessions: a reply always, a valid draft or none") {
  std::vector<session> sessions;
  for (const auto s :
       {start::empty_photos, start::empty_mixed, start::empty_script, start::empty_none,
        start::photos, start::mixed, start::titled, start::vertical, start::no_audio}) {
    auto ses = make_session(s);
    ses.history = {make_session(start::vertical).draft};
    sessions.push_back(std::move(ses));
  }
  if (auto cloud = cloud_example(); cloud && cloud->is_object())
    sessions.push_back({*cloud, make_session(start::empty_mixed).media, {}});
  sessions.push_back({json::parse(R"({"t":"not an array"})"), photos5(), {}});
  sessions.push_back(
      {json::parse(R"({"t":[{"tt":0,"sg":[{"st":-5,"d":"x"}]},7]})"), photos5(), {}});

  // A draft that was broken before the prompt may stay broken: then the agent changes nothing
  // and says the edit went wrong. Every other session must never see that reply.
  std::vector<bool> valid_before;
  for (const auto& s : sessions)
    valid_before.push_back(s.draft.is_null() || validate_draft(s.draft).has_value());

  const auto words = vocabulary();
  std::mt19937 rng(20251121);
  int changed = 0;
  for (int i = 0; i < 1500; ++i) {
    const auto prompt = soup(rng, words);
    const auto& s = sessions[static_cast<std::size_t>(i) % sessions.size()];
    CAPTURE(prompt);
    CAPTURE(i);
    CHECK_NOTHROW(parse_request(prompt));
    const auto out = run_local_agent({prompt, s.draft, s.media, s.history, "de"});
    REQUIRE(!out.reply.empty());
    if (valid_before[static_cast<std::size_t>(i) % sessions.size()])
      CHECK(out.reply.find("went wrong") == std::string::npos);
    CHECK((out.language == "en" || out.language == "de" || out.language == "zh"));
    if (!out.new_draft) {
      CHECK(out.tool_calls.empty());
      continue;
    }
    ++changed;
    CHECK(!out.tool_calls.empty());
    if (out.undo) {
      CHECK(*out.new_draft == s.history.back());
      continue;
    }
    const auto valid = validate_draft(*out.new_draft);
    CHECK_MESSAGE(valid.has_value(), (valid ? std::string() : valid.error().message));
    CHECK(!out.summary.empty());
    // Pure: the same input gives the same output.
    if (i % 10 == 0) {
      const auto again = run_local_agent({prompt, s.draft, s.media, s.history, "de"});
      CHECK(again.new_draft == out.new_draft);
      CHECK(again.reply == out.reply);
    }
  }
  // The soup is made of the agent's own words, so many prompts do edit something.
  CHECK(changed > 300);
}

TEST_CASE("a very long prompt is read up to its first 4 KiB, quickly") {
  std::string prompt;
  while (prompt.size() < 200000) prompt += "make make turn the photo into 9:16 and fade 淡入淡出 '";
  auto s = make_session(start::photos);
  const auto out = run_local_agent({"make it vertical " + prompt, s.draft, s.media, {}});
  CHECK(!out.reply.empty());
  REQUIRE(out.new_draft);
  CHECK(draft::from_json(*out.new_draft).value().height() == 1920);
}
