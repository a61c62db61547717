// reel make FILES... [--music F] [--script F] -p PROMPT [-o OUT]: the whole job in one command
// (spec/local-api.md "reel, the command line"): a new session (local by default), the files
// added in order (music and script after them), the prompt said with the agent's answer
// streamed, an export, a progress bar while it renders, the file saved. Each step is the same
// call `reel new`, `reel add`, `reel say` and `reel export -o` make.
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
#include "cli/job_follow.hpp"
#include "cli/job_view.hpp"
#include "cli/media_upload.hpp"
#include "cli/turn_view.hpp"

#include <unistd.h>
#include <filesystem>
#include <memory>
#include <sstream>

namespace reel::cli {
namespace {

struct make_options {
  std::vector<std::string> files;
  std::string music;
  std::string script;
  std::string prompt;
  std::string output = "promo.mp4";
  std::string aspect;
  std::string quality = "standard";
  std::string language;
  std::string backend = "local";
};

std::string str(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

client_error usage(std::string message) {
  return make_failure(failure::usage, "bad_usage", std::move(message));
}

// The files in upload order (the photos and clips, then the music, then the script), each
// checked here first.
client_result<std::vector<local_file>> media_files(const make_options& o) {
  std::vector<std::string> all = o.files;
  if (!o.music.empty()) all.push_back(o.music);
  if (!o.script.empty()) all.push_back(o.script);
  return check_files(all);
}

// The prompt with the --aspect the agent reads ("9:16", "1:1", "vertical", ...).
std::string prompt_text(const make_options& o) {
  if (o.aspect.empty()) return o.prompt;
  return o.prompt + ", " + o.aspect;
}

// SSE lines into events (`data:` lines joined, dispatched at a blank line).
struct sse_lines {
  std::string data;
  std::function<void(const nlohmann::json&)> on_event;
  bool line(std::string_view l) {
    if (l.empty()) {
      auto j = nlohmann::json::parse(data, nullptr, false);
      data.clear();
      if (!j.is_discarded() && on_event) on_event(j);
    } else if (l.starts_with("data:")) {
      auto v = l.substr(5);
      if (v.starts_with(' ')) v.remove_prefix(1);
      if (!data.empty()) data += '\n';
      data += v;
    }
    return true;
  }
};

// Says the prompt and streams the answer; fails when the turn failed.
client_result<void> say(command_context& ctx, const client_options& opts, const std::string& id,
                        const std::string& text) {
  client_options stream_opts = opts;
  stream_opts.io_timeout = std::max(stream_opts.io_timeout, std::chrono::milliseconds(3'600'000));
  http_client http(stream_opts);
  std::ostringstream quiet;
  turn_view view(ctx.json() ? static_cast<std::ostream&>(quiet) : ctx.out(),
                 ctx.json() ? static_cast<std::ostream&>(quiet) : ctx.err());
  sse_lines parser;
  parser.on_event = [&](const nlohmann::json& ev) { view.feed(ev); };
  http_request req;
  req.method = "POST";
  req.target = "/v1/sessions/" + url_encoded(id) + "/messages";
  req.content_type = "application/json";
  req.body = nlohmann::json{{"text", text}}.dump();
  auto streamed = http.stream_lines(req, [&](std::string_view l) { return parser.line(l); });
  if (!streamed) return streamed.error();
  if (!view.ended())
    return make_failure(failure::protocol, "bad_response", "the answer ended before the turn did");
  if (!ctx.json()) view.finish(std::nullopt);
  if (view.error())
    return error_from_ws_result(
        nlohmann::json{{"type", "result"}, {"ok", false}, {"error", *view.error()}});
  return {};
}

int make(command_context& ctx, const make_options& o) {
  if (o.files.empty() && o.music.empty() && o.script.empty())
    return ctx.fail(usage("give the photos, clips or other files to make the video from"));
  auto files = media_files(o);
  if (!files) return ctx.fail(files.error());
  catch_interrupts();
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());
  auto say_line = [&](const std::string& line) {
    if (!ctx.json()) ctx.err() << "reel: " << line << "\n" << std::flush;
  };

  // 1. The session (remembered as the current one, so `reel say` can go on editing it).
  nlohmann::json body{{"backend", o.backend}};
  if (!o.language.empty()) body["language"] = o.language;
  http_client http(*opts);
  auto session = http.call_json("POST", "/v1/sessions", &body);
  if (!session) return ctx.fail(session.error());
  const auto id = str(*session, "id");
  save_current_session(ctx.env(), id);
  say_line("session " + id + " (" + str(*session, "backend") + ")");

  // 2. The files, in order. The daemon reads them itself, or they are uploaded when it cannot
  // (a system service running as another user); it answers when all are in.
  auto added = add_files(*opts, id, *files, false, [&](const client_error&) {
    say_line("reeld cannot read the files itself; uploading them");
  });
  if (!added) return ctx.fail(added.error());
  say_line("added " + std::to_string(files->size()) + " file(s)");

  // 3. The prompt; the answer streams as the agent gives it.
  if (auto said = say(ctx, *opts, id, prompt_text(o)); !said) return ctx.fail(said.error());
  auto st = http.get_json("/v1/sessions/" + url_encoded(id) + "/state");
  if (!st) return ctx.fail(st.error());
  if (!st->contains("draft") || !(*st)["draft"].is_object())
    return ctx.fail(make_failure(failure::daemon, "no_timeline",
                                 "the prompt made no timeline, so there is nothing to render; "
                                 "try e.g. -p \"make a 30-second video with music\""));

  // 4. The render, followed to the end with a progress bar.
  nlohmann::json render{{"quality", o.quality}};
  auto job = http.call_json("POST", "/v1/sessions/" + url_encoded(id) + "/renders", &render);
  if (!job) return ctx.fail(job.error());
  const auto job_id = str(*job, "id");
  say_line("rendering " + job_id);
  nlohmann::json done;
  {
    job_bar bar(ctx.err(), ::isatty(STDERR_FILENO) == 1);
    follow_options f;
    f.on_update = [&](const nlohmann::json& j) {
      if (!ctx.json()) bar.update(j);
    };
    f.on_notice = [&](const std::string& line) { bar.notice(line); };
    auto followed = follow_job(*opts, job_id, f);
    if (!followed) return ctx.fail(followed.error());
    done = *followed;
  }
  if (str(done, "state") != "completed") {
    const auto state = str(done, "state");
    auto e = make_failure(failure::daemon, state == "cancelled" ? "cancelled" : "render_failed",
                          "render " + job_id + " " + state);
    if (done.contains("error") && done["error"].is_object()) {
      e.error.message += ": " + done["error"].value("message", "");
      e.code_name = done["error"].value("code", e.code_name);
    }
    return ctx.fail(e);
  }

  // 5. The file.
  const auto out = std::filesystem::absolute(o.output).lexically_normal().string();
  auto saved = save_output(*opts, job_id, out);
  if (!saved) return ctx.fail(saved.error());
  if (ctx.json()) {
    done["saved_to"] = out;
    ctx.print_json(done);
  } else {
    ctx.out() << out << "\n" << std::flush;
  }
  return 0;
}

}  // namespace

command add_make_command(CLI::App& parent) {
  auto o = std::make_shared<make_options>();
  command c;
  c.app = parent.add_subcommand(
      "make",
      "Make a video in one go: a new session (local backend: offline, free), the files added in "
      "order, the prompt said (the answer streams), an export with a progress bar, the MP4 "
      "saved. Prints the file's path. The session stays the current one: 'reel say' edits it "
      "further and 'reel export -o F' renders it again.");
  c.app->add_option("files", o->files, "Photos, clips (in the order they should appear)")
      ->type_name("FILES...");
  c.app->add_option("--music", o->music, "Background music (mp3, wav, m4a, aac)")->type_name("F");
  c.app->add_option("--script", o->script, "A script (.txt, .md): title and captions")
      ->type_name("F");
  c.app
      ->add_option("-p,--prompt", o->prompt,
                   "What to make, e.g. \"turn these images into a 30-second promo video with "
                   "background music\"")
      ->required()
      ->type_name("PROMPT");
  c.app->add_option("-o,--output", o->output, "Where to save the MP4 (default promo.mp4)")
      ->type_name("OUT");
  c.app->add_option("--aspect", o->aspect, "16:9, 9:16 or 1:1 (or vertical, square, ...)")
      ->type_name("A");
  c.app->add_option("--quality", o->quality, "draft, standard (default) or high")->type_name("Q");
  c.app->add_option("--lang,--language", o->language, "Language of the session, e.g. de")
      ->type_name("L");
  c.app->add_option("--backend", o->backend, "local (default) or nemovideo")->type_name("B");
  c.run = [o](command_context& ctx) { return make(ctx, *o); };
  return c;
}

}  // namespace reel::cli
