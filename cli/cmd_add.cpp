// reel add FILES... | --url U: adds media to the current session, with upload progress from
// the daemon's upload.progress events (a bar on a terminal, percentage lines otherwise).
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
#include "cli/ws_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

namespace reel::cli {
namespace {

struct add_options {
  std::vector<std::string> files;
  std::vector<std::string> urls;
  std::string session;
};

std::string str(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

double num(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

// Draws upload.progress events: one redrawn bar per file on a terminal, else a line per step.
class progress_view {
 public:
  progress_view(std::ostream& err, bool tty) : err_(err), tty_(tty) {}
  ~progress_view() { end_line(); }

  void on_event(const nlohmann::json& ev) {
    if (str(ev, "event") != "upload.progress") return;
    const auto& d = ev.contains("data") ? ev["data"] : nlohmann::json();
    const auto name = str(d, "name");
    const double p = std::clamp(num(d, "progress"), 0.0, 1.0);
    const int pct = static_cast<int>(p * 100.0 + 0.5);
    if (name != name_) {
      end_line();
      name_ = name;
      last_pct_ = -1;
    }
    if (pct == last_pct_) return;
    last_pct_ = pct;
    if (!tty_) {
      err_ << "uploading " << name << ": " << pct << "%\n" << std::flush;
      return;
    }
    constexpr int width = 30;
    const int filled = static_cast<int>(p * width);
    char sizes[64];
    std::snprintf(sizes, sizeof sizes, "%.1f/%.1f MB", num(d, "bytes") / 1048576.0,
                  num(d, "total") / 1048576.0);
    std::string shown = name.size() > 28 ? "…" + name.substr(name.size() - 27) : name;
    err_ << "\r" << shown << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(width - filled), '-') << "] " << pct << "%  "
         << sizes << "   " << std::flush;
    open_ = true;
    if (pct >= 100) end_line();
  }

 private:
  void end_line() {
    if (open_) err_ << '\n' << std::flush;
    open_ = false;
  }

  std::ostream& err_;
  bool tty_;
  bool open_ = false;
  std::string name_;
  int last_pct_ = -1;
};

// The body: absolute paths the daemon reads itself, or URLs. Files are checked here first so a
// typo fails before anything is sent.
client_result<nlohmann::json> request_body(const add_options& o) {
  // json converts to anything, so the value side of the result is named explicitly.
  if (!o.urls.empty()) return {boost::system::in_place_value, nlohmann::json{{"urls", o.urls}}};
  nlohmann::json paths = nlohmann::json::array();
  for (const auto& f : o.files) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(f, ec);
    if (ec || !std::filesystem::is_regular_file(abs, ec))
      return make_failure(failure::local, "file_not_found", f + ": no such file");
    paths.push_back(abs.lexically_normal().string());
  }
  return {boost::system::in_place_value, nlohmann::json{{"paths", std::move(paths)}}};
}

int add(command_context& ctx, const add_options& o) {
  if (o.files.empty() == o.urls.empty())
    return ctx.fail(make_failure(failure::usage, "bad_usage",
                                 "give FILES... or --url URL (one kind per call)"));
  auto id = session_for_command(ctx.env(), o.session);
  if (!id)
    return ctx.fail(
        make_failure(failure::usage, "bad_usage",
                     "no current session: start one with 'reel new' or pass --session ID"));
  auto body = request_body(o);
  if (!body) return ctx.fail(body.error());
  catch_interrupts();
  auto opts = ctx.client_options_for_daemon();
  if (!opts) return ctx.fail(opts.error());

  // Progress comes as events; subscribe before sending so none is missed.
  std::optional<ws_client> ws;
  if (!ctx.json()) {
    auto w = ws_client::connect(*opts);
    if (w && w->call("subscribe", {{"topic", "session:" + *id}}))
      ws.emplace(std::move(*w));
    else
      ctx.trace("no progress: the event stream is not available");
  }

  // The daemon answers once every file is with the backend: minutes for large files.
  auto upload_opts = *opts;
  upload_opts.io_timeout = std::chrono::hours(2);
  http_client http(upload_opts);
  const std::string target = "/v1/sessions/" + url_encoded(*id) + "/media";
  client_result<nlohmann::json> result{boost::system::in_place_value, nullptr};
  std::atomic<bool> done{false};
  std::thread sender([&] {
    result = http.call_json("POST", target, &*body);
    done = true;
  });
  {
    progress_view view(ctx.err(), ::isatty(STDERR_FILENO) == 1);
    while (!done) {
      if (!ws) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      auto msg = ws->next(std::chrono::milliseconds(200));
      if (msg) {
        view.on_event(*msg);
      } else if (msg.error().kind != failure::timeout) {
        ws.reset();  // progress is a nicety: the upload goes on without it
      }
    }
    // Events published just before the answer may still be on their way.
    while (ws) {
      auto msg = ws->next(std::chrono::milliseconds(100));
      if (!msg) break;
      view.on_event(*msg);
    }
  }
  sender.join();
  if (ws) ws->close();
  if (!result) return ctx.fail(result.error());
  if (ctx.json()) {
    ctx.print_json(*result);
    return 0;
  }
  const auto media = result->value("media", nlohmann::json::array());
  ctx.out() << "Added " << media.size() << (media.size() == 1 ? " item" : " items") << " to " << *id
            << ":\n";
  for (const auto& m : media) {
    ctx.out() << "  " << str(m, "id") << "  " << str(m, "name") << " (" << str(m, "kind") << ")";
    const auto meta = m.value("meta", nlohmann::json::object());
    if (meta.is_object() && meta.contains("duration_s") && meta["duration_s"].is_number()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, ", %.1f s", meta["duration_s"].get<double>());
      ctx.out() << buf;
    }
    ctx.out() << '\n';
  }
  ctx.out() << std::flush;
  return 0;
}

}  // namespace

command add_add_command(CLI::App& parent) {
  auto o = std::make_shared<add_options>();
  command c;
  c.app = parent.add_subcommand(
      "add",
      "Add files (read by the daemon from their paths, so the daemon's user must be able to "
      "read them) or URLs to the current session. Each file is checked (type by content, size) "
      "before anything is sent; upload progress is shown as it happens.");
  c.app->add_option("files", o->files, "Images, videos or audio files")->type_name("FILES...");
  c.app->add_option("--url", o->urls, "A URL the backend fetches itself (repeatable)")
      ->type_name("U");
  c.app->add_option("--session", o->session, "Add to this session instead of the current one")
      ->type_name("ID");
  c.run = [o](command_context& ctx) { return add(ctx, *o); };
  return c;
}

}  // namespace reel::cli
