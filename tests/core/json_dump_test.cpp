// core::json_dump against nlohmann's own dump(): the same bytes for every value, the same
// exception for invalid UTF-8; on a table of edge cases and on random strings and documents.
#include "core/json_dump.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
using reel::core::append_json_string;
using reel::core::json_dump;

// Both dump the same text, or both throw nlohmann's type_error.
void check_same(const json& j) {
  std::string expected;
  bool nlohmann_threw = false;
  try {
    expected = j.dump();
  } catch (const json::type_error&) {
    nlohmann_threw = true;
  }
  if (nlohmann_threw) {
    CHECK_THROWS_AS(json_dump(j), json::type_error);
  } else {
    CHECK(json_dump(j) == expected);
  }
}

const std::vector<std::string>& edge_strings() {
  static const std::vector<std::string> v = {
      "",
      "plain ASCII",
      "quote \" backslash \\ slash /",
      "\b\f\n\r\t",
      std::string("nul \0 inside", 12),
      "\x01\x02\x1f\x7f",
      "Zeile 7 der Antwort, 第7行。\n",
      "emoji \xF0\x9F\x8E\xAC and \xE2\x80\x9Cquotes\xE2\x80\x9D",
      "U+10FFFF \xF4\x8F\xBF\xBF",
      "lone continuation \x80",
      "overlong \xC0\x80",
      "overlong 3 \xE0\x80\x80",
      "surrogate \xED\xA0\x80",
      "past the end \xF4\x90\x80\x80",
      "F5 \xF5\x80\x80\x80",
      "truncated \xE4\xB8",
      "truncated at the end \xF0\x9F\x8E",
      "\xFF",
  };
  return v;
}

}  // namespace

TEST_CASE("json_dump: strings on the edge, alone and inside documents") {
  for (const auto& s : edge_strings()) {
    CAPTURE(s);
    check_same(json(s));
    check_same(json{{"text", s}, {"final", false}, {"n", 3}});
    check_same(json::array({s, 1.5, nullptr, true}));
    check_same(json{{s, "as a key"}});
    std::string out = "kept";
    bool valid = true;
    try {
      (void)json(s).dump();
    } catch (const json::type_error&) {
      valid = false;
    }
    CHECK(append_json_string(out, s) == valid);
    if (!valid) CHECK(out == "kept");  // nothing appended
  }
}

TEST_CASE("json_dump: every kind of value, nested") {
  const json doc = {
      {"null", nullptr},
      {"bools", {true, false}},
      {"ints", {0, -1, 42, 9007199254740993LL, std::numeric_limits<std::int64_t>::min()}},
      {"unsigned", std::numeric_limits<std::uint64_t>::max()},
      {"floats", {0.1, -2.5e-10, 1e300, 3.0}},
      {"empty", {{"object", json::object()}, {"array", json::array()}, {"string", ""}}},
      {"deep", {{"a", {{"b", {{"c", json::array({json::array({1}), json::object()})}}}}}}},
      {"turn", "t_1"},
  };
  check_same(doc);
}

TEST_CASE("json_dump: random strings (mostly valid UTF-8, some damaged) match nlohmann") {
  std::mt19937 rng(20261122);
  const std::vector<std::string> pieces = {
      "a",    "Z",    " ", "\"", "\\", "\n", "\t",
      "\x01", "\x7f", "é", "第", "行", "。", "\xF0\x9F\x8E\xAC",
      "[#12]"};
  std::uniform_int_distribution<int> len(0, 40), pick(0, static_cast<int>(pieces.size()) - 1),
      byte(0, 255), chance(0, 9);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int n = len(rng);
    for (int i = 0; i < n; ++i) {
      if (chance(rng) == 0)
        s += static_cast<char>(byte(rng));  // any byte: sometimes invalid UTF-8
      else
        s += pieces[static_cast<std::size_t>(pick(rng))];
    }
    CAPTURE(round);
    check_same(json(s));
    check_same(json{{"turn", "t"}, {"text", s}, {"final", chance(rng) < 5}});
  }
}
