#pragma once
// Shared by the local agent's tests: sessions to start from (media and drafts made by the agent
// itself), readers for the draft properties the tables check, and the table row checker.
#include "core/agent_layout.hpp"
#include "core/draft.hpp"
#include "core/local_agent.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace agent_test {

using namespace reel::core;
using nlohmann::json;

inline agent_media photo(const char* id, const char* name) {
  return {id, name, media_kind::image};
}
inline agent_media clip(const char* id, const char* name, std::int64_t ms) {
  return {id, name, media_kind::video, ms, 1920, 1080, true};
}
inline agent_media music() {
  return {"a1", "lofi_beat.mp3", media_kind::audio, 12000};
}
inline agent_media script() {
  agent_media m{"s1", "script.txt", media_kind::text};
  m.text =
      "Summer Sale\nEverything is half price. Visit our shop today. Free shipping on every order!";
  return m;
}

inline std::vector<agent_media> photos5() {
  return {photo("p1", "beach.jpg"), photo("p2", "city.jpg"), photo("p3", "forest.jpg"),
          photo("p4", "mountain.jpg"), photo("p5", "sunset.jpg")};
}

// Where a row starts.
enum class start {
  empty_photos,   // no draft; 5 photos and a 12 s song
  empty_mixed,    // no draft; photo, photo, 6 s clip, photo, 3 s clip, song, script
  empty_script,   // no draft; a script and a song
  empty_none,     // no draft, no media
  photos,         // 30 s, 5 photos, crossfades, music at 35%; media as empty_photos
  photos_script,  // photos, with a script among the media
  vertical,       // 20 s, 9:16
  no_music,       // photos without music; a song among the media
  no_audio,       // photos without music and no song at all
  titled,         // photos with the title "Summer Sale"
  mixed,          // empty_mixed made into a video
};

struct session {
  json draft;
  std::vector<agent_media> media;
  std::vector<json> history;
};

inline json made(const char* prompt, std::vector<agent_media> media, json draft = json()) {
  const auto out = run_local_agent({prompt, std::move(draft), std::move(media), {}});
  REQUIRE_MESSAGE(out.new_draft, "fixture prompt made no draft: " << prompt);
  return *out.new_draft;
}

inline session make_session(start s) {
  auto with_music = photos5();
  with_music.push_back(music());
  switch (s) {
    case start::empty_photos:
      return {json(), with_music, {}};
    case start::empty_mixed: {
      const auto p = photos5();
      return {json(),
              {p[0], p[1], clip("c1", "beach_walk.mp4", 6000), p[2],
               clip("c2", "city_night.mp4", 3000), music(), script()},
              {}};
    }
    case start::empty_script:
      return {json(), {script(), music()}, {}};
    case start::empty_none:
      return {json(), {}, {}};
    case start::photos:
      return {made("make a 30-second video", with_music), with_music, {}};
    case start::photos_script: {
      auto media = with_music;
      media.push_back(script());
      return {made("make a 30-second video", with_music), media, {}};
    }
    case start::vertical:
      return {made("make a vertical 20-second video", with_music), with_music, {}};
    case start::no_music:
      return {made("make a 30-second video without music", with_music), with_music, {}};
    case start::no_audio:
      return {made("make a 30-second video", photos5()), photos5(), {}};
    case start::titled:
      return {
          made("add a title 'Summer Sale'", with_music, made("make a 30-second video", with_music)),
          with_music,
          {}};
    case start::mixed: {
      auto s2 = make_session(start::empty_mixed);
      s2.draft = made("make a video", s2.media);
      return s2;
    }
  }
  return {};
}

// Readers over an output draft.
inline std::optional<track_view> track_of(const draft& d,
                                          std::optional<std::size_t> agent_tracks::*which) {
  const auto i = find_agent_tracks(d).*which;
  if (!i) return std::nullopt;
  return d.track(*i);
}

inline std::vector<std::string> video_order(const draft& d) {
  std::vector<std::string> out;
  if (auto t = track_of(d, &agent_tracks::video))
    for (const auto& sg : t->segments()) out.push_back(sg.source().value_or("?"));
  return out;
}

inline std::size_t tracks_with_segments(const draft& d) {
  std::size_t n = 0;
  for (const auto& t : d.tracks()) n += t.segment_count() > 0;
  return n;
}

// What a row expects; unset fields are not checked.
struct expect {
  std::string lang = "en";
  bool changed = true;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::pair<int, int>> size;
  std::optional<std::size_t> tracks;
  std::optional<std::size_t> pictures;
  std::optional<double> volume;  // music; a negative value: no music track
  std::optional<std::string> transition;
  std::optional<std::int64_t> transition_ms;
  std::optional<std::string> title;  // "-": no title track
  std::optional<std::pair<std::int64_t, std::int64_t>> title_range;
  std::optional<std::string> text;  // an overlay with this text
  std::optional<std::pair<std::int64_t, std::int64_t>> text_range;
  std::optional<int> captions;  // number of caption segments; 0: no captions track
  std::optional<std::vector<std::string>> order;
  std::optional<std::pair<std::size_t, std::int64_t>> picture_ms;  // (index, length)
  std::optional<std::int64_t> fade_out_ms;
  std::optional<std::int64_t> fade_in_ms;
  std::optional<std::string> tool;
  std::optional<std::string> reply_has;
  bool undo = false;
};

struct row {
  const char* prompt;
  start from;
  expect e;
};

inline void check_row(const row& r) {
  const std::string prompt = r.prompt;
  CAPTURE(prompt);
  auto s = make_session(r.from);
  const auto out = run_local_agent({r.prompt, s.draft, s.media, s.history});
  CAPTURE(out.reply);
  const auto& e = r.e;
  CHECK(!out.reply.empty());
  CHECK(out.language == e.lang);
  CHECK(out.reply.find("went wrong") == std::string::npos);
  if (e.reply_has) CHECK(out.reply.find(*e.reply_has) != std::string::npos);
  if (e.tool)
    CHECK(std::find(out.tool_calls.begin(), out.tool_calls.end(), *e.tool) != out.tool_calls.end());
  CHECK(out.undo == e.undo);
  CHECK(out.new_draft.has_value() == e.changed);
  if (!out.new_draft) return;
  const auto valid = validate_draft(*out.new_draft);
  CHECK_MESSAGE(valid.has_value(), (valid ? std::string() : valid.error().message));
  CHECK(!out.summary.empty());
  const auto d = draft::from_json(*out.new_draft).value();
  if (e.duration_ms) CHECK(std::llabs(d.duration_ms() - *e.duration_ms) <= 1);
  if (e.size) {
    CHECK(d.width() == e.size->first);
    CHECK(d.height() == e.size->second);
  }
  if (e.tracks) CHECK(tracks_with_segments(d) == *e.tracks);
  const auto video = track_of(d, &agent_tracks::video);
  if (e.pictures) CHECK((video ? video->segment_count() : 0) == *e.pictures);
  if (e.transition) {
    REQUIRE(video);
    CHECK(to_string(current_transition(*video).type) == *e.transition);
    // Every picture after the first uses the same one.
    const auto sgs = video->segments();
    for (std::size_t i = 1; i < sgs.size(); ++i)
      CHECK(to_string(sgs[i].transition().value_or(transition_spec{}).type) == *e.transition);
  }
  if (e.transition_ms) CHECK(current_transition(*video).duration_ms == *e.transition_ms);
  const auto music = track_of(d, &agent_tracks::music);
  if (e.volume) {
    if (*e.volume < 0) {
      CHECK(!music);
    } else {
      REQUIRE(music);
      for (const auto& sg : music->segments())
        CHECK(std::abs(sg.volume().value_or(1) - *e.volume) < 0.005);
      CHECK(music->end_ms() == d.duration_ms());
    }
  }
  if (e.fade_out_ms) {
    REQUIRE(music);
    CHECK(music->segments().back().fade_out_ms() == e.fade_out_ms);
  }
  if (e.fade_in_ms) {
    REQUIRE(music);
    CHECK(music->segments().front().fade_in_ms() == e.fade_in_ms);
  }
  const auto title = track_of(d, &agent_tracks::title);
  if (e.title) {
    if (*e.title == "-") {
      CHECK(!title);
    } else {
      REQUIRE(title);
      REQUIRE(title->segment_count() == 1);
      CHECK(title->segments()[0].text() == *e.title);
    }
  }
  if (e.title_range) {
    REQUIRE(title);
    CHECK(title->start_ms() == e.title_range->first);
    CHECK(title->end_ms() == e.title_range->second);
  }
  if (e.text) {
    const auto text = track_of(d, &agent_tracks::text);
    REQUIRE(text);
    bool found = false;
    for (const auto& sg : text->segments()) {
      if (sg.text() != *e.text) continue;
      found = true;
      if (e.text_range) {
        CHECK(sg.start_ms() == e.text_range->first);
        CHECK(sg.end_ms() == e.text_range->second);
      }
    }
    CHECK(found);
  }
  if (e.captions) {
    const auto caps = track_of(d, &agent_tracks::captions);
    CHECK((caps ? static_cast<int>(caps->segment_count()) : 0) == *e.captions);
  }
  if (e.order) CHECK(video_order(d) == *e.order);
  if (e.picture_ms) {
    REQUIRE(video);
    REQUIRE(video->segment_count() > e.picture_ms->first);
    CHECK(video->segments()[e.picture_ms->first].duration_ms() == e.picture_ms->second);
  }
}

}  // namespace agent_test
