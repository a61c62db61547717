// One turn of the local agent: read the prompt, undo or make or edit, check the result, reply.
// The draft only changes when the result is valid; anything unexpected becomes an apology and
// no change, because a chat turn must always end with words and never with a broken timeline.
#include "core/local_agent.hpp"

#include "core/agent_edit.hpp"
#include "core/agent_parse.hpp"

namespace reel::core {

namespace {

bool has_content(const std::optional<draft>& d) {
  if (!d) return false;
  for (const auto& t : d->tracks())
    if (t.segment_count() > 0) return true;
  return false;
}

void run(const agent_input& in, agent_output& out) {
  agent_request r = parse_request(in.prompt, in.language_hint);
  out.language = r.language;
  edit_context ctx(in.media);
  auto finish = [&] {
    out.tool_calls = ctx.tools;
    out.reply = compose_reply(ctx.notes, out.language);
  };

  if (r.undo) {
    if (in.history.empty()) {
      ctx.say({.kind = note_kind::nothing_to_undo});
    } else {
      out.new_draft = in.history.back();
      out.undo = true;
      if (auto d = draft::from_json(in.history.back()))
        out.summary = summarize_timeline(*d, ctx.catalog());
      ctx.did("undo", {.kind = note_kind::undone});
    }
    return finish();
  }

  std::optional<draft> current;
  if (in.draft.is_object())
    if (auto d = draft::from_json(in.draft)) current = std::move(*d);
  const bool content = has_content(current);
  const bool media = !in.media.empty();

  if (!r.understood() && !(r.mentions_video && !content && media)) {
    ctx.say({.kind = r.greeting ? note_kind::greeting
                     : r.help   ? note_kind::help
                                : note_kind::unknown});
    return finish();
  }
  std::optional<draft> work;
  if (r.create || !content) {
    if (!media) {
      ctx.say({.kind = note_kind::no_media});
      return finish();
    }
    work = create_video(r, ctx);
    if (!work) return finish();
  } else {
    work = *current;
  }
  apply_edits(*work, r, ctx);

  // Asked for what is already so ("make it vertical" when it is): the reply says it, but no
  // edit was applied, so no tool calls.
  const bool changed = !current || work->raw() != current->raw();
  if (!changed) ctx.tools.clear();
  if (changed) {
    if (validate_draft(work->raw())) {
      out.new_draft = work->raw();
      out.summary = summarize_timeline(*work, ctx.catalog());
    } else {
      ctx.notes = {{.kind = note_kind::failed}};
      ctx.tools.clear();
    }
  }
  finish();
}

}  // namespace

media_catalog agent_catalog(const std::vector<agent_media>& media) {
  media_catalog out;
  for (const auto& m : media) out[m.id] = media_info{m.name, m.kind};
  return out;
}

agent_output run_local_agent(const agent_input& in) {
  agent_output out;
  out.language = "en";
  try {
    run(in, out);
  } catch (...) {
    const auto language = out.language;
    out = agent_output{};
    out.language = language;
    out.reply = compose_reply({{.kind = note_kind::failed}}, language);
  }
  if (out.reply.empty()) out.reply = compose_reply({}, out.language);
  return out;
}

}  // namespace reel::core
