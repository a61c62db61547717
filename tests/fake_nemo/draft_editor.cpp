#include "fake_nemo/draft_editor.hpp"

#include <algorithm>
#include <optional>
#include <regex>

namespace reel::fake_nemo {
namespace {

using nlohmann::json;

constexpr int tt_video = 0;
constexpr int tt_audio = 1;
constexpr int tt_text = 7;

std::int64_t number_at(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

// The next free "<prefix><n>" id among the draft's tracks and segments.
std::string next_id(const json& draft, const std::string& prefix) {
  std::int64_t max = 0;
  auto consider = [&](const json& obj) {
    const auto it = obj.find("id");
    if (it == obj.end() || !it->is_string()) return;
    const auto& s = it->get_ref<const std::string&>();
    if (s.rfind(prefix, 0) != 0) return;
    try {
      max = std::max<std::int64_t>(max, std::stoll(s.substr(prefix.size())));
    } catch (const std::exception&) {
    }
  };
  for (const auto& t : draft.value("t", json::array())) {
    consider(t);
    for (const auto& sg : t.value("sg", json::array())) consider(sg);
  }
  return prefix + std::to_string(max + 1);
}

json* find_track(json& draft, int tt) {
  for (auto& t : draft["t"]) {
    if (t.value("tt", -1) == tt) return &t;
  }
  return nullptr;
}

bool remove_tracks(json& draft, int tt) {
  auto& tracks = draft["t"];
  const auto before = tracks.size();
  json kept = json::array();
  for (auto& t : tracks) {
    if (t.value("tt", -1) != tt) kept.push_back(std::move(t));
  }
  tracks = std::move(kept);
  return tracks.size() != before;
}

json& add_track(json& draft, int tt, std::string name) {
  json track = {{"id", next_id(draft, "trk_")},
                {"tt", tt},
                {"n", std::move(name)},
                {"sg", json::array()},
                {"x_track", {{"lock", false}}}};
  draft["t"].push_back(std::move(track));
  return draft["t"].back();
}

std::int64_t timeline_end(const json& draft) {
  std::int64_t end = 0;
  for (const auto& t : draft.value("t", json::array())) {
    for (const auto& sg : t.value("sg", json::array())) {
      end = std::max(end, number_at(sg, "s") + number_at(sg, "d"));
    }
  }
  return end;
}

std::optional<std::string> quoted(const std::string& text) {
  // Double quotes, then curly quotes, then single quotes that open after a space (so the
  // apostrophe in "let's" does not start a quote).
  static const std::regex double_re(R"re("([^"]+)")re");
  static const std::regex curly_re("\xE2\x80\x9C(.+?)\xE2\x80\x9D");
  static const std::regex single_re(R"re((^|\s)'(.+?)'(?=$|[\s.,!?;:]))re");
  std::smatch m;
  if (std::regex_search(text, m, double_re)) return m[1].str();
  if (std::regex_search(text, m, curly_re)) return m[1].str();
  if (std::regex_search(text, m, single_re)) return m[2].str();
  return std::nullopt;
}

bool has(const std::string& lower, const char* pattern) {
  return std::regex_search(lower, std::regex(pattern));
}

std::string seconds(std::int64_t ms) {
  const auto s = ms / 1000;
  const auto rest = ms % 1000;
  return rest == 0 ? std::to_string(s) : std::to_string(s) + "." + std::to_string(rest / 100);
}

}  // namespace

json initial_draft(std::string_view task_name) {
  return json{{"v", 1},
              {"t", json::array()},
              {"d", 0},
              {"m", {{"name", std::string(task_name)}, {"w", 1920}, {"h", 1080}, {"fps", 30}}},
              {"x_future", {{"k", {1, 2}}}}};
}

edit_outcome apply_message(json& draft, std::string_view message,
                           const std::vector<media_ref>& media) {
  if (!draft.is_object()) draft = initial_draft("project");
  if (!draft.contains("t") || !draft["t"].is_array()) draft["t"] = json::array();
  const std::string text(message);
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  edit_outcome out;
  std::vector<std::string> said;
  const bool removing_title = has(lower, R"((remove|delete|drop)\s+(the\s+)?(title|caption))");
  const bool removing_music =
      has(lower, R"((remove|delete|drop|mute)\s+(the\s+)?(background\s+)?(music|bgm|soundtrack))");

  if (removing_title && remove_tracks(draft, tt_text)) {
    out.operations.push_back({{"op", "remove_track"}, {"tt", tt_text}});
    said.push_back("Removed the title.");
  }
  if (removing_music && remove_tracks(draft, tt_audio)) {
    out.operations.push_back({{"op", "remove_track"}, {"tt", tt_audio}});
    said.push_back("Removed the background music.");
  }

  // The video track: built from the uploads when the user asks for a video and there is none.
  if (!find_track(draft, tt_video) &&
      has(lower, R"(generat|creat|make|turn|build|compose|video|promo|clip|rough cut)")) {
    auto& track = add_track(draft, tt_video, "Video");
    std::int64_t at = 0;
    int used = 0;
    for (const auto& m : media) {
      if (m.kind == media_kind::audio) continue;
      const auto d = std::clamp<std::int64_t>(m.duration_ms, 1000, 60000);
      track["sg"].push_back(
          {{"id", next_id(draft, "seg_")}, {"s", at}, {"d", d}, {"n", m.name}, {"src", m.id}});
      at += d;
      ++used;
    }
    if (used == 0) {
      track["sg"].push_back({{"id", next_id(draft, "seg_")},
                             {"s", 0},
                             {"d", 5000},
                             {"n", "generated scene"},
                             {"src", "gen_1"}});
      said.push_back("I generated a first scene for you.");
    } else {
      said.push_back("I put together a video from your " + std::to_string(used) + " upload" +
                     (used == 1 ? "." : "s."));
    }
    out.operations.push_back({{"op", "add_track"}, {"tt", tt_video}, {"segments", used}});
  }

  // Length: "30 seconds", "30-second", "10s".
  static const std::regex length_re(R"((\d+)\s*-?\s*(s|sec|secs|second|seconds)\b)");
  std::smatch lm;
  if (std::regex_search(lower, lm, length_re)) {
    const auto target = std::clamp<std::int64_t>(std::stoll(lm[1].str()), 1, 3600) * 1000;
    if (auto* video = find_track(draft, tt_video); video && !(*video)["sg"].empty()) {
      auto& sgs = (*video)["sg"];
      const auto n = static_cast<std::int64_t>(sgs.size());
      std::int64_t at = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        const auto d = i + 1 == n ? target - at : target / n;
        sgs[static_cast<std::size_t>(i)]["s"] = at;
        sgs[static_cast<std::size_t>(i)]["d"] = d;
        at += d;
      }
    }
    draft["d"] = target;
    out.operations.push_back({{"op", "set_duration"}, {"d", target}});
    said.push_back("Set the length to " + seconds(target) + " seconds.");
  }

  // Title: needs quoted text and a title word, and not a removal.
  if (!removing_title && has(lower, R"(title|caption|heading)")) {
    if (const auto title = quoted(text)) {
      json* track = find_track(draft, tt_text);
      if (track && !(*track)["sg"].empty()) {
        (*track)["sg"][0]["txt"] = *title;
      } else {
        auto& t = track ? *track : add_track(draft, tt_text, "Title");
        t["sg"].push_back({{"id", next_id(draft, "seg_")},
                           {"s", 0},
                           {"d", 3000},
                           {"txt", *title},
                           {"n", "Title"}});
      }
      out.operations.push_back({{"op", "set_title"}, {"tt", tt_text}, {"text", *title}});
      said.push_back("Added the title \"" + *title + "\" (0-3s).");
    }
  }

  // Background music.
  if (!removing_music && has(lower, R"(music|bgm|soundtrack)")) {
    static const std::regex name_re(R"((music|bgm|soundtrack)\s+['"](.+?)['"])", std::regex::icase);
    static const std::regex vol_re(R"((\d{1,3})\s*%)");
    std::smatch nm;
    std::smatch vm;
    const std::string name = std::regex_search(text, nm, name_re) ? nm[2].str() : "Lo-fi";
    const int vol =
        std::regex_search(lower, vm, vol_re) ? std::clamp(std::stoi(vm[1].str()), 0, 100) : 35;
    const auto span = std::max<std::int64_t>(timeline_end(draft), number_at(draft, "d"));
    json* track = find_track(draft, tt_audio);
    if (!track) track = &add_track(draft, tt_audio, "BGM");
    (*track)["sg"] = json::array({{{"id", next_id(draft, "seg_")},
                                   {"s", 0},
                                   {"d", span > 0 ? span : 10000},
                                   {"n", name},
                                   {"vol", vol}}});
    out.operations.push_back({{"op", "set_music"}, {"tt", tt_audio}, {"name", name}, {"vol", vol}});
    said.push_back("Added background music \"" + name + "\" at " + std::to_string(vol) + "%.");
  }

  out.changed = !out.operations.empty();
  if (out.changed) draft["d"] = std::max(timeline_end(draft), number_at(draft, "d"));
  if (!out.changed) {
    out.reply =
        "I can add a title, background music, or change the length. Open the media panel to "
        "see your uploads.";
    return out;
  }
  for (const auto& s : said) out.reply += s + " ";
  out.reply += "Preview in timeline, then click the Export button when you're happy.";
  return out;
}

std::string summarize(const json& draft) {
  const auto tracks = draft.value("t", json::array());
  std::string out = "Timeline (" + std::to_string(tracks.size()) + " track" +
                    (tracks.size() == 1 ? "" : "s") + "):";
  int i = 0;
  for (const auto& t : tracks) {
    const int tt = t.value("tt", -1);
    const auto sgs = t.value("sg", json::array());
    std::int64_t first = sgs.empty() ? 0 : INT64_MAX;
    std::int64_t last = 0;
    for (const auto& sg : sgs) {
      first = std::min(first, number_at(sg, "s"));
      last = std::max(last, number_at(sg, "s") + number_at(sg, "d"));
    }
    const auto range = seconds(first) + "-" + seconds(last) + "s";
    const json seg0 = sgs.empty() ? json::object() : sgs[0];
    out += " " + std::to_string(++i) + ". ";
    if (tt == tt_video) {
      out += "Video: " + seg0.value("n", std::string("clip")) + " (" + range + ")";
    } else if (tt == tt_audio) {
      out += "BGM: " + seg0.value("n", std::string("music")) + " (" + range + ", " +
             std::to_string(seg0.value("vol", 100)) + "%)";
    } else if (tt == tt_text) {
      out += "Title: \"" + seg0.value("txt", std::string()) + "\" (" + range + ")";
    } else {
      out += "Track " + std::to_string(tt) + " (" + range + ")";
    }
  }
  return out;
}

}  // namespace reel::fake_nemo
