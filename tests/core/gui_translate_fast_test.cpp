// translate_gui_text's shortcuts (skip text and sentences without a trigger token, in one pass)
// against the reference that sends every sentence through the phrase tables, and the facts the
// shortcuts rest on (core/text_norm: tokens never straddle a sentence end).
#include "core/gui_translate.hpp"
#include "core/text_norm.hpp"
#include "core/turn_text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace reel::core;

// Words and marks a stream of agent text is made of, GUI talk included.
const std::vector<std::string>& vocabulary() {
  // clang-format off
  static const std::vector<std::string> v = {
      "Click",  "click",  "the",     "Export", "export", "button", "Open",  "Settings",
      "panel",  "drag",   "drop",    "here",   "files",  "photos", "to",    "upload",
      "preview", "in",    "timeline", "Zeile", "der",    "Antwort", "klicken", "Sie",
      "auf",    "Exportieren", "Zeitleiste", "点击", "导出", "按钮", "拖拽", "上传",
      "打开",   "面板",   "时间线",  "预览",   "第",     "行",     "video", "is",
      "ready",  "I",      "added",   "title",  "**Export**", "'Apply'", "\u201CSave\u201D",
      "don't",  "it's",   "https://example.com/x", "ＥＸＰＯＲＴ", "MENÜ", "\xFF",
      " ",      " ",      " ",       " ",      ", ",     ". ",     "! ",    "? ",
      "\n",     "\n\n",   "\u3002",  "\uFF01", "\uFF1F", "\uFF0C", "\u300D", "\u2019",
      "'",      "\"",     ")",       "*",      "_",      "- ",     "1.5",   "...",
      "\r\n",   ": ",     "; ",      "\u201D", "[#7]",
  };
  // clang-format on
  return v;
}

std::string random_text(std::mt19937& rng, int words) {
  const auto& v = vocabulary();
  std::string s;
  for (int i = 0; i < words; ++i) s += v[rng() % v.size()];
  return s;
}

void same_as_reference(const std::string& text) {
  const auto fast = translate_gui_text(text);
  const auto ref = translate_gui_text_reference(text);
  INFO("text: " << text);
  CHECK(fast.text == ref.text);
  CHECK(fast.actions == ref.actions);
  if (!may_hold_gui_talk(text)) {
    CHECK(fast.text == text);
    CHECK(fast.actions.empty());
  }
}

std::vector<std::string> tokens_of_sentences(std::string_view text) {
  std::vector<std::string> out;
  for (const text_span& s : split_sentences(text)) {
    for (auto& t : tokenize(text.substr(s.begin, s.end - s.begin))) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

TEST_CASE("gui translate fast path: the same answer as the reference on random agent text") {
  std::mt19937 rng(4);
  int plain = 0;
  for (int k = 0; k < 3000; ++k) {
    const auto text = random_text(rng, 1 + static_cast<int>(rng() % 40));
    same_as_reference(text);
    plain += may_hold_gui_talk(text) ? 0 : 1;
  }
  MESSAGE(plain << " of 3000 texts had no trigger token");
  CHECK(plain > 0);
}

TEST_CASE("gui translate fast path: GUI talk is always seen") {
  for (std::string_view s :
       {"Click the Export button.", "点击导出", "Klicken Sie auf Exportieren.", "导出",
        "Drag the clip here.", "Open the Settings panel.", "preview it in the timeline",
        "ＣＬＩＣＫ ＥＸＰＯＲＴ", "Öffnen Sie das MENÜ."}) {
    CHECK(may_hold_gui_talk(s));
    const auto t = translate_gui_text(s);
    CHECK((t.text != s || !t.actions.empty()));
  }
  CHECK_FALSE(may_hold_gui_talk("[#5] Zeile 5 der Antwort, 第5行。\n"));
  CHECK_FALSE(may_hold_gui_talk("I added the title \"Summer Sale\" at 0:03."));
}

TEST_CASE("text norm: a sentence end never falls inside a token") {
  // translate_gui_text checks the whole text for trigger tokens in one pass: that finds every
  // token any of its sentences has only because the sentences' tokens are the text's tokens.
  std::mt19937 rng(11);
  for (int k = 0; k < 3000; ++k) {
    const auto text = random_text(rng, 1 + static_cast<int>(rng() % 30));
    INFO("text: " << text);
    CHECK(tokens_of_sentences(text) == tokenize(text));
  }
}

TEST_CASE("text norm: for_each_token gives tokenize's tokens and stops when asked") {
  const std::string text = "Don't click ＥＸＰＯＲＴ, 点击导出 MENÜ \xFF ok";
  std::vector<std::string> seen;
  CHECK(for_each_token(text, [&](std::string_view t) {
    seen.emplace_back(t);
    return true;
  }));
  CHECK(seen == tokenize(text));
  int calls = 0;
  CHECK_FALSE(for_each_token(text, [&](std::string_view) { return ++calls < 2; }));
  CHECK(calls == 2);
}

TEST_CASE("turn text: the final text equals the reference translation, split anywhere") {
  // A stream of pieces (partial text, sometimes closed by a tool call) cut at random places:
  // the final translation may skip its pass over the whole text only when that changes nothing.
  std::mt19937 rng(7);
  int verbatim = 0;
  for (int k = 0; k < 1000; ++k) {
    const auto text = random_text(rng, 1 + static_cast<int>(rng() % 30));
    turn_text t;
    // The messages as turn_text keeps them (each run of partial text is one, whatever it holds:
    // only a final event can repeat earlier ones), and joined as it joins them: the text the
    // final translation is made of.
    std::vector<std::string> messages;
    std::string run;
    auto close = [&] {
      if (run.empty()) return;
      messages.push_back(run);
      run.clear();
    };
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t n = 1 + rng() % 12;
      // Cut on code point boundaries: agent items are JSON strings, whole characters.
      while (at + n < text.size() && (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80) ++n;
      n = std::min(n, text.size() - at);
      agent_item it;
      it.kind = agent_item_kind::text;
      it.partial = true;
      it.text = text.substr(at, n);
      t.push(it);
      run += it.text;
      at += n;
      if (rng() % 5 == 0) {
        agent_item call;
        call.kind = agent_item_kind::tool_call;
        call.name = "edit";
        t.push(call);
        close();
      }
    }
    t.flush();
    close();
    std::string joined;
    for (const auto& m : messages) {
      if (!joined.empty() && ends_sentence(joined)) joined += "\n\n";
      joined += m;
    }
    const auto got = t.final_translation();
    const auto ref = translate_gui_text_reference(joined);
    INFO("text: " << text);
    CHECK(got.text == ref.text);
    CHECK(got.actions == ref.actions);
    verbatim += got.text == joined ? 1 : 0;
  }
  CHECK(verbatim > 0);
}

TEST_CASE("turn text: a word that runs on from one message into the next is still seen") {
  turn_text t;
  agent_item a;
  a.kind = agent_item_kind::text;
  a.partial = true;
  a.text = "Please cli";
  t.push(a);
  agent_item call;
  call.kind = agent_item_kind::tool_call;
  call.name = "edit";
  t.push(call);  // closes "Please cli" (given out whole, untranslated: no GUI talk in it)
  a.text = "ck the Export button.";
  t.push(a);
  t.flush();
  const auto final_text = t.final_translation();
  CHECK(final_text.text == "Say \"export\" and I will render the video for you.");
  CHECK(final_text.actions == std::vector<gui_action>{gui_action::export_video});
}
