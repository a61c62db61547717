#include "core/intent_router.hpp"

#include "core/text_norm.hpp"

#include <array>
#include <string>
#include <vector>

namespace reel::core {
namespace {

// One row per direct action, checked in this order (the first that covers the message wins).
// Phrases are separated by '|' and tokenized like the message, so "send me" is two words and
// "导出" two characters. "<number>" stands for a resolution or count such as 1080p, 4k, 60fps.
struct rule {
  intent target;
  std::string_view triggers;  // at least one must occur
  std::string_view company;   // may stand beside a trigger; any other word makes it chat
};

constexpr std::array<rule, 4> rules = {{
    {intent::export_video,
     "export|exportieren|exportiere|exportier|download|downloaden|herunterladen|runterladen|"
     "herunter|runter|render|rendern|rendere|send|send me|give me|schick|schicke|schicken|sende|"
     "senden|导出|导出来|下载|渲染|输出|发给我|发我",
     "<number>|mp4|mov|file|hd|full hd|uhd|quality|high|highest|best|max|maximum|resolution|"
     "format|in|at|as|via|link|result|timeline|looks good|look good|looks great|good|great|"
     "perfect|nice|cool|fine|done|over|out|where|lade|datei|als|mit|qualität|hoher|hohe|"
     "höchster|beste|auflösung|über|高清|文件|链接|成|为|格式|一份"},
    {intent::upload, "upload|hochladen|hoch|上传",
     "file|files|photo|photos|image|images|picture|pictures|pic|pics|clips|media|footage|music|"
     "audio|song|track|some|these|those|more|new|another|other|from|url|link|via|computer|phone|"
     "datei|dateien|bild|bilder|foto|fotos|musik|neue|neues|weitere|paar|lade|von|文件|图片|"
     "照片|素材|音乐|一些|几个|几张|张|个|新的|更多|些"},
    {intent::credits,
     "credits|credit|balance|credit balance|guthaben|kontostand|积分|余额|点数|额度",
     "how many|how much|many|much|do|does|have|got|left|remaining|available|check|show|see|view|"
     "get|what|whats|is|are|account|wie viel|wie viele|viel|viele|habe|hab|hast|übrig|"
     "verfügbar|verfügbare|zeig|zeige|zeigen|anzeigen|prüfen|checken|konto|ist|查看|查询|查|"
     "看看|看|还有|还剩|剩余|剩下|剩|多少|可用|账户|账号|显示|有|是|还"},
    {intent::state,
     "status|state|tracks|track list|timeline|draft|progress|zeitleiste|spuren|stand|entwurf|"
     "fortschritt|状态|轨道|时间线|时间轴|进度|草稿",
     "show|list|display|view|see|check|get|give|what|whats|is|are|on|in|where|how|current|"
     "currently|latest|so far|session|all|overview|summary|export|render|rendering|download|"
     "zeig|zeige|zeigen|anzeigen|aktuell|wie|ist|sind|liste|auf|im|übersicht|显示|查看|看看|"
     "看|当前|目前|列出|导出|渲染|是|什么|怎么样|如何|所有|全部"},
}};

// Words that never change what is asked: politeness, pronouns, articles, the product's nouns.
constexpr std::string_view filler =
    "please|pls|plz|kindly|thanks|thank you|thx|ok|okay|hey|hi|hello|now|right now|just|"
    "go ahead|yes|yeah|so|then|again|and|also|can|could|would|will|you|i|me|my|mine|we|our|us|"
    "lets|let|the|a|an|it|this|that|of|for|to|want|like|id|need|video|videos|clip|project|final|"
    "finished|current|"
    "bitte|danke|jetzt|mal|doch|nun|gern|gerne|ja|hallo|kannst|könntest|du|sie|ich|mir|mich|"
    "mein|meine|meinen|wir|uns|das|die|der|den|dem|des|ein|eine|einen|es|und|auch|noch|nochmal|"
    "möchte|möchten|will|würde|projekt|fertige|fertig|finale|aktuelle|aktuellen|"
    "请|麻烦|帮我|帮忙|给我|一下|吧|吗|呢|啊|呀|哦|了|的|把|我|你|您|现在|可以|能|谢谢|好|"
    "要|想|视频|这个|那个|项目|最终|成片|也|再";

// Longer messages are conversations, not commands; this also bounds the work below.
constexpr std::size_t max_tokens = 40;
constexpr std::string_view number_token = "<number>";

struct compiled_rule {
  intent target;
  std::vector<phrase> triggers;
  std::vector<phrase> company;  // the rule's own company plus the shared filler
};

const std::vector<compiled_rule>& compiled_rules() {
  static const std::vector<compiled_rule> table = [] {
    std::vector<compiled_rule> out;
    const auto shared = compile_phrases(filler);
    for (const rule& r : rules) {
      compiled_rule c{r.target, compile_phrases(r.triggers), compile_phrases(r.company)};
      c.company.insert(c.company.end(), shared.begin(), shared.end());
      out.push_back(std::move(c));
    }
    return out;
  }();
  return table;
}

// "1080p", "4k", "60fps", "720": a resolution or count, not a word with meaning of its own.
bool is_number_like(const std::string& token) {
  std::size_t digits = 0;
  while (digits < token.size() && token[digits] >= '0' && token[digits] <= '9') ++digits;
  if (digits == 0) return false;
  const std::string_view suffix = std::string_view(token).substr(digits);
  return suffix.empty() || suffix == "p" || suffix == "k" || suffix == "fps";
}

bool matches_at(const std::vector<std::string>& tokens, std::size_t pos, const phrase& p) {
  if (p.size() > tokens.size() - pos) return false;
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (tokens[pos + k] != p[k]) return false;
  }
  return true;
}

// Can the whole message be tiled by the rule's phrases with at least one trigger among them?
// A small dynamic program over token positions, so overlapping phrases ("send" / "send me")
// need no ordering.
bool covers(const std::vector<std::string>& tokens, const compiled_rule& r) {
  const std::size_t n = tokens.size();
  // reach[pos * 2 + t]: position pos is reachable, t = a trigger has been used.
  std::vector<char> reach((n + 1) * 2, 0);
  reach[0] = 1;
  for (std::size_t pos = 0; pos < n; ++pos) {
    for (std::size_t t = 0; t < 2; ++t) {
      if (!reach[pos * 2 + t]) continue;
      for (const phrase& p : r.triggers) {
        if (matches_at(tokens, pos, p)) reach[(pos + p.size()) * 2 + 1] = 1;
      }
      for (const phrase& p : r.company) {
        if (matches_at(tokens, pos, p)) reach[(pos + p.size()) * 2 + t] = 1;
      }
    }
  }
  return reach[n * 2 + 1] != 0;
}

}  // namespace

std::string_view to_string(intent i) noexcept {
  switch (i) {
    case intent::export_video:
      return "export";
    case intent::credits:
      return "credits";
    case intent::state:
      return "state";
    case intent::upload:
      return "upload";
    case intent::chat:
      return "chat";
  }
  return "chat";
}

intent route_message(std::string_view text) {
  std::vector<std::string> tokens = tokenize(text);
  if (tokens.empty() || tokens.size() > max_tokens) return intent::chat;
  for (auto& t : tokens) {
    if (is_number_like(t)) t = number_token;
  }
  for (const compiled_rule& r : compiled_rules()) {
    if (covers(tokens, r)) return r.target;
  }
  return intent::chat;
}

}  // namespace reel::core
