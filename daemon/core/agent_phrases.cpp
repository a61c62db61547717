#include "core/agent_phrases.hpp"

#include <array>
#include <utility>

namespace reel::core {
namespace {

struct row {
  agent_word word;
  std::string_view phrases;  // '|'-separated, tokenized like a prompt
  std::vector<std::string_view> stems = {};
};

// One row per agent_word (a test checks each has phrases); looked up by the row's own word.
const std::array<row, static_cast<std::size_t>(agent_word::count_)>& rows() {
  static const std::array<row, static_cast<std::size_t>(agent_word::count_)> table{{
      {agent_word::undo,
       "undo|undo that|revert|revert that|go back|take that back|take it back|previous version|"
       "rückgängig|zurücknehmen|widerrufen|vorherige version|撤销|撤回|回退|上一步|还原"},
      {agent_word::create_verb,
       "create|generate|produce|compile|assemble|put together|erstelle|erstellen|erstell|"
       "erzeuge|erzeugen|generiere|generieren|produziere|produzieren|制作|生成|创建|合成|剪辑"},
      {agent_word::make_verb,
       "make|build|turn|convert|mach|mache|machen|baue|bau|verwandle|做|剪|弄|变成|转成|做成"},
      {agent_word::create_noun,
       "video|movie|film|promo|slideshow|slide show|montage|reel|short|ad|advert|commercial|"
       "trailer|teaser|clip|diashow|werbevideo|werbefilm|视频|短片|宣传片|影片|片子|相册|短视频"},
      {agent_word::into, "into|in ein|in einen|zu einem|zu einer|成|为"},
      {agent_word::pronoun, "it|the|this|that|its|es|das|den|die|dies|dieses|ihn|这个|它|该|此"},
      {agent_word::source_noun,
       "these|those|my|from|out of|uploads|uploaded|files|diesen|meinen|meinem|meiner|aus|"
       "这些|我的|用|把|将"},
      {agent_word::vertical,
       "vertical|vertically|portrait|tiktok|tik tok|reels|reel|instagram reel|instagram story|"
       "stories|shorts|youtube shorts|yt shorts|snapchat|hochformat|hochkant|vertikal|"
       "vertikales|vertikalen|senkrecht|竖屏|竖版|竖向|竖着|竖的|抖音|快手|视频号",
       {"hochformat"}},
      {agent_word::square,
       "square|instagram post|instagram feed|feed post|quadratisch|quadratisches|quadrat|"
       "quadratformat|方形|正方形|方的|方屏",
       {"quadrat"}},
      {agent_word::landscape,
       "landscape|horizontal|horizontally|widescreen|wide screen|youtube|querformat|quer|"
       "breitbild|横屏|横版|横向|横的|宽屏|哔哩哔哩|西瓜视频",
       {"querformat"}},
      {agent_word::hd_word, "full hd|fullhd|hd|uhd|ultra hd|高清|超清"},
      {agent_word::fps_unit, "fps|frames per second|bilder pro sekunde|帧|帧每秒"},
      {agent_word::resolution_p, "p"},
      {agent_word::resolution_k, "k"},
      {agent_word::tr_fade,
       "fade|fades|crossfade|crossfades|cross fade|cross fades|cross dissolve|dissolve|"
       "dissolves|blend|blends|überblendung|überblendungen|überblenden|überblende|blende|"
       "blenden|淡入淡出|淡化|渐变|叠化|溶解|交叉溶解|交叉淡化",
       {"überblend", "crossfade"}},
      {agent_word::tr_slide,
       "slide|slides|sliding|slide in|push|schieben|schiebe|gleiten|gleitend|滑动|滑入|推入|推移",
       {"schiebeüber", "gleitüber"}},
      {agent_word::tr_wipe, "wipe|wipes|wiping|wischen|wisch|擦除|擦拭|划像|划入|划变", {"wisch"}},
      {agent_word::tr_none,
       "no transition|no transitions|without transition|without transitions|hard cut|hard cuts|"
       "straight cut|straight cuts|jump cut|jump cuts|cuts only|just cuts|only cuts|plain cuts|"
       "simple cuts|no fade|no fades|no crossfade|no crossfades|keine übergänge|kein übergang|"
       "ohne übergänge|ohne übergang|harte schnitte|harter schnitt|harten schnitten|"
       "keine überblendung|keine überblendungen|ohne überblendung|ohne überblendungen|"
       "无转场|不要转场|去掉转场|取消转场|删除转场|删掉转场|没有转场|不要过渡|去掉过渡|无过渡|"
       "硬切|直接切换"},
      {agent_word::tr_word,
       "transition|transitions|transition effect|übergang|übergänge|übergängen|überleitung|"
       "转场|过渡|切换效果|转场效果",
       {"übergang", "übergäng"}},
      {agent_word::music_noun,
       "music|background music|bgm|soundtrack|song|songs|tune|beat|audio|audio track|"
       "music track|sound|musik|hintergrundmusik|lied|tonspur|ton|音乐|背景音乐|配乐|歌曲|歌|"
       "音轨|声音|bgm",
       {"musik"}},
      {agent_word::add_verb,
       "add|put|include|insert|use|with|play|give it|throw in|put in|füge|füg|hinzu|"
       "hinzufügen|einfügen|mit|nimm|verwende|benutze|unterlege|leg|lege|加|添加|加上|配上|配|"
       "加入|加个|加一个|带|放|插入|放上",
       {"hinzufüg", "einfüg"}},
      {agent_word::remove_verb,
       "remove|delete|drop|take out|take away|get rid of|no|without|lose|kill|strip|clear|"
       "turn off|switch off|disable|stop|ausschalten|abschalten|deaktiviere|"
       "entferne|entfernen|entfern|lösche|löschen|lösch|weg|ohne|keine|kein|raus|streiche|"
       "去掉|删除|删掉|不要|移除|取消|去除|拿掉|关掉|关闭|没有|无|去",
       {"entfern", "lösch"}},
      {agent_word::change_verb,
       "change|rename|set|update|edit|replace|switch|make|should be|should say|ändere|ändern|"
       "änder|umbenennen|benenne|setze|setz|mach|mache|ersetze|改|改成|改为|换成|修改|更改|换|"
       "设为|设置为|设成|设置|调成|变成",
       {"änder"}},
      {agent_word::volume_word,
       "volume|loudness|level|levels|lautstärke|pegel|音量|声音大小",
       {"lautstärke"}},
      {agent_word::louder,
       "louder|turn up|turn it up|turn the music up|raise|increase|boost|more volume|lauter|"
       "erhöhe|erhöhen|anheben|大声|大一点|大点|调高|提高|增大|加大|响一点|调大"},
      {agent_word::quieter,
       "quieter|softer|lower|turn down|turn it down|turn the music down|decrease|reduce|"
       "less loud|too loud|leiser|reduziere|reduzieren|senke|senken|verringere|zu laut|小声|"
       "小一点|小点|调低|降低|减小|轻一点|弱一点|调小|太吵|太大声"},
      {agent_word::mute, "mute|muted|silence|stumm|stummschalten|静音"},
      {agent_word::fade_out,
       "fade out|fade it out|fade them out|fadeout|fade away|fade at the end|ausblenden|"
       "ausblendung|ausfaden|blende aus|blend aus|淡出|渐弱|渐隐",
       {"ausblend"}},
      {agent_word::fade_in,
       "fade in|fade it in|fade them in|fadein|einblenden|einblendung|einfaden|blende ein|"
       "淡入|渐强|渐显",
       {"einblend"}},
      {agent_word::fade_black,
       "fade to black|fade out to black|fades to black|fade the video out|fade out the video|"
       "fade out the picture|schwarzblende|abblenden|ins schwarze blenden|ins schwarz|"
       "淡出到黑|淡出到黑场|黑场|渐黑|淡入黑场"},
      {agent_word::fade_word, "fade|fades|fading|faden|渐"},
      {agent_word::out_word, "out|aus|away"},
      {agent_word::in_word, "in|ein"},
      {agent_word::title_noun,
       "title|titles|headline|heading|title card|title text|opening title|titel|überschrift|"
       "titeltext|titelkarte|标题|片名|大标题|题目|主标题",
       {"titel", "überschrift"}},
      {agent_word::text_noun,
       "text|texts|text overlay|overlay|overlays|caption|label|words|message|slogan|tagline|"
       "call to action|cta|note|texteinblendung|schriftzug|schrift|textzeile|hinweis|文字|文本|"
       "标语|口号|文案|字样",
       {"texteinblend"}},
      {agent_word::captions_noun,
       "captions|subtitles|subtitle|closed captions|subs|untertitel|untertiteln|字幕",
       {"untertitel"}},
      {agent_word::bigger,
       "bigger|larger|big|large|größer|groß|grösser|大一些|大一点|更大|放大|大些|加大"},
      {agent_word::smaller, "smaller|small|tiny|kleiner|klein|小一些|小一点|更小|缩小|小些"},
      {agent_word::motion_noun,
       "ken burns|kenburns|zoom|zooms|zooming|pan|pans|panning|motion|movement|bewegung|"
       "bewegungen|zoomen|zoomeffekt|动效|缩放|推拉|运动效果|镜头运动|动画"},
      {agent_word::photo_noun,
       "photo|photos|image|images|picture|pictures|pic|pics|still|stills|slide|slides|bild|"
       "bilder|bildern|foto|fotos|fotografie|aufnahme|图片|照片|图|相片|张|幅",
       {"foto"}},
      {agent_word::clip_noun,
       "clip|clips|video|videos|footage|shot|shots|scene|scenes|szene|szenen|ausschnitt|镜头|"
       "视频|视频片段"},
      {agent_word::item_noun,
       "segment|segments|part|parts|item|items|element|one|abschnitt|teil|teile|片段|段|个|部分|"
       "素材"},
      {agent_word::move_verb,
       "move|put|place|bring|shift|reorder|drag|verschiebe|verschieben|schieb|setze|stelle|"
       "stell|pack|packe|bewege|移到|移动|移|放到|挪到|挪|调到|放在|排到|提到"},
      {agent_word::swap_verb,
       "swap|switch|exchange|flip|trade|interchange|tausche|vertausche|tauschen|vertauschen|"
       "wechsle|交换|互换|调换|对调"},
      {agent_word::to_start,
       "to the start|to the beginning|to the front|at the start|at the beginning|to the top|"
       "first|start|beginning|front|an den anfang|zum anfang|nach vorne|nach vorn|an den start|"
       "an den beginn|ganz vorne|anfang|beginn|开头|最前面|最前|前面|第一位|开始"},
      {agent_word::to_end,
       "to the end|at the end|to the back|to the bottom|end|back|ans ende|an das ende|zum ende|"
       "nach hinten|ganz hinten|ende|schluss|结尾|最后|末尾|最后面|后面|最后一位"},
      {agent_word::before_word, "before|in front of|ahead of|vor|vors|之前|前"},
      {agent_word::after_word, "after|behind|following|nach|hinter|之后|后"},
      {agent_word::position_word, "position|place|slot|spot|stelle|platz|位置|位"},
      {agent_word::all_quant,
       "each|every|all|all the|jedes|jede|jeden|jeder|alle|allen|每|每张|每个|每段|所有|全部|各"},
      {agent_word::for_marker, "for|lasting|long|für|lang|dauer|显示|持续|停留|保持|时长"},
      {agent_word::at_marker, "at|bei|um|ab|在|于"},
      {agent_word::from_marker, "from|von|从|自"},
      {agent_word::until_marker, "to|until|till|bis|到|至"},
      {agent_word::pos_top,
       "top|at the top|upper|oben|oberen|obere|oberer|顶部|上方|顶端|上面|顶上|上部"},
      {agent_word::pos_center,
       "center|centre|centered|centred|middle|mitte|mittig|zentriert|中间|中央|居中|正中"},
      {agent_word::pos_bottom,
       "bottom|at the bottom|lower|unten|unteren|untere|unterer|底部|下方|底端|下面|底下|下部"},
      {agent_word::at_start,
       "at the start|at the beginning|at the very start|in the beginning|start|beginning|intro|"
       "opening|am anfang|zu beginn|zum start|am start|anfang|beginn|开头|开始|片头|一开始"},
      {agent_word::at_end,
       "at the end|at the very end|in the end|end|ending|outro|close|am ende|zum schluss|"
       "am schluss|ende|schluss|结尾|最后|片尾|末尾|结束"},
      {agent_word::in_middle, "in the middle|middle|halfway|in der mitte|mitte|中间|中段"},
      {agent_word::unit_s,
       "s|sec|secs|second|seconds|sek|sekunde|sekunden|秒|秒钟",
       {"sekünd", "sekund"}},
      {agent_word::unit_min, "m|min|mins|minute|minutes|minuten|minütig|分钟|分", {"minüt"}},
      {agent_word::unit_ms, "ms|millisecond|milliseconds|millisekunden|毫秒"},
      {agent_word::half, "half|halbe|halben|halb|半"},
      {agent_word::one_article, "a|an|one|ein|eine|einer|einen|一"},
      {agent_word::percent_word, "percent|per cent|pct|prozent"},
      {agent_word::and_word,
       "and|then|also|plus|as well as|and then|and also|und|dann|sowie|außerdem|und dann|"
       "和|并|并且|然后|再|还有|同时|以及|另外"},
      {agent_word::greeting,
       "hi|hello|hey|hallo|moin|servus|guten tag|good morning|你好|您好|嗨|哈喽"},
      {agent_word::help_word,
       "help|what can you do|what do you do|how does this work|hilfe|was kannst du|"
       "wie funktioniert|帮助|你能做什么|你会什么|能做什么|怎么用"},
      {agent_word::title_lead,
       "to|to be|to say|to read|into|as|be|is|should be|say|says|saying|read|reads|called|"
       "named|titled|that says|which says|zu|in|auf|als|lautet|lauten|heißt|heissen|mit dem text|"
       "改成|改为|换成|改|为|是|成|叫|叫做|写|写着"},
      {agent_word::text_trailer, "hinzu|ein|an|bitte|please|吧|一下|呢"},
      {agent_word::english_marker,
       "the|a|an|and|with|make|add|to|it|of|into|these|please|music|title|seconds|second|photo|"
       "photos|images|move|change|remove|set|video|clip|clips|transition|transitions|vertical|"
       "square|undo|turn|create|first|last|use|put|background|promo|for|from|my|at|is|"
       "should|can|you|me|some|text|captions|minute|volume|fade|slide|wipe|none|end|start"},
      {agent_word::german_marker,
       "und|mit|mach|mache|füge|hinzu|ein|eine|einen|einem|einer|das|die|der|den|dem|des|es|"
       "sekunden|sekunde|musik|titel|bilder|bild|fotos|foto|ist|auf|zu|bitte|erstelle|aus|"
       "meinen|meinem|diesen|nach|vorne|hinten|übergang|übergänge|ändere|entferne|lauter|"
       "leiser|hochformat|querformat|rückgängig|verschiebe|kürze|lang|ohne|keine|kein|"
       "untertitel|hintergrundmusik|setze|lösche|dritte|erste|zweite|letzte|anfang|ende|"
       "minuten|halbe|quadratisch|überblendung|ich|möchte|mir|bitte|wischen|schieben|dies"},
  }};
  return table;
}

struct compiled {
  std::vector<std::vector<phrase>> phrases;
  std::vector<std::span<const std::string_view>> stems;
};

const compiled& table() {
  static const compiled c = [] {
    compiled out;
    out.phrases.resize(rows().size());
    out.stems.resize(rows().size());
    for (const auto& r : rows()) {
      out.phrases[static_cast<std::size_t>(r.word)] = compile_phrases(r.phrases);
      out.stems[static_cast<std::size_t>(r.word)] = r.stems;
    }
    return out;
  }();
  return c;
}

}  // namespace

std::span<const phrase> phrases_of(agent_word w) {
  return table().phrases.at(static_cast<std::size_t>(w));
}

std::span<const std::string_view> stems_of(agent_word w) {
  return table().stems.at(static_cast<std::size_t>(w));
}

std::string_view color_of(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 36> colors{{
      {"white", "white"},   {"weiß", "white"},    {"weiss", "white"},   {"白色", "white"},
      {"black", "black"},   {"schwarz", "black"}, {"黑色", "black"},    {"red", "red"},
      {"rot", "red"},       {"红色", "red"},      {"yellow", "yellow"}, {"gelb", "yellow"},
      {"黄色", "yellow"},   {"blue", "blue"},     {"blau", "blue"},     {"蓝色", "blue"},
      {"green", "green"},   {"grün", "green"},    {"绿色", "green"},    {"orange", "orange"},
      {"橙色", "orange"},   {"pink", "pink"},     {"rosa", "pink"},     {"粉色", "pink"},
      {"purple", "purple"}, {"lila", "purple"},   {"紫色", "purple"},   {"gold", "gold"},
      {"golden", "gold"},   {"金色", "gold"},     {"gray", "gray"},     {"grey", "gray"},
      {"grau", "gray"},     {"灰色", "gray"},     {"silver", "silver"}, {"银色", "silver"},
  }};
  for (const auto& [k, v] : colors)
    if (k == word) return v;
  return {};
}

}  // namespace reel::core
