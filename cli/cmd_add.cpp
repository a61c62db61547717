// reel add [--upload] FILES... | --url U: adds media to the current session. Files go as paths
// the daemon reads itself, or uploaded (multipart/form-data, streamed from disk) with --upload or
// when the daemon cannot read them (a system service running as another user). Progress: the
// bytes this client sends, then the daemon's upload.progress events for the cloud upload (a bar
// on a terminal, percentage lines otherwise).
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
#include "cli/media_upload.hpp"
#include "cli/ws_client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <thread>

namespace reel::cli {
namespace {

struct add_options {
  std::vector<std::string> files;
  std::vector<std::string> urls;
  std::string session;
  bool upload = false;
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

  // The client's own upload to the daemon: `label` names what is sent.
  void on_send(const std::string& label, std::uint64_t sent, std::uint64_t total) {
    if (total == 0 || (sent == last_sent_ && label == name_)) return;
    last_sent_ = sent;
    const double p = std::clamp(static_cast<double>(sent) / static_cast<double>(total), 0.0, 1.0);
    // Lines every 10% off a terminal: a large upload must not print a line per percent.
    const int step = tty_ ? 1 : 10;
    const int pct = static_cast<int>(p * 100.0) / step * step;
    draw(label, p, pct, static_cast<double>(sent), static_cast<double>(total));
  }

  void on_event(const nlohmann::json& ev) {
    if (str(ev, "event") != "upload.progress") return;
    const auto& d = ev.contains("data") ? ev["data"] : nlohmann::json();
    const auto name = str(d, "name");
    const double p = std::clamp(num(d, "progress"), 0.0, 1.0);
    const int pct = static_cast<int>(p * 100.0 + 0.5);
    draw("uploading " + name, p, pct, num(d, "bytes"), num(d, "total"));
  }

 private:
  void draw(const std::string& name, double p, int pct, double bytes, double total) {
    if (name != name_) {
      end_line();
      name_ = name;
      last_pct_ = -1;
    }
    if (pct == last_pct_) return;
    last_pct_ = pct;
    if (!tty_) {
      err_ << name << ": " << pct << "%\n" << std::flush;
      return;
    }
    constexpr int width = 30;
    const int filled = static_cast<int>(p * width);
    char sizes[64];
    std::snprintf(sizes, sizeof sizes, "%.1f/%.1f MB", bytes / 1048576.0, total / 1048576.0);
    std::string shown = name.size() > 38 ? "…" + name.substr(name.size() - 37) : name;
    err_ << "\r" << shown << " [" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(width - filled), '-') << "] " << pct << "%  "
         << sizes << "   " << std::flush;
    open_ = true;
    if (pct >= 100) end_line();
  }

  void end_line() {
    if (open_) err_ << '\n' << std::flush;
    open_ = false;
  }

  std::ostream& err_;
  bool tty_;
  bool open_ = false;
  std::string name_;
  int last_pct_ = -1;
  std::uint64_t last_sent_ = ~std::uint64_t{0};
};

// Runs `send` on its own thread while this one draws progress: the client's bytes sent (when
// `sending` is given) and the daemon's upload.progress events from `ws`.
client_result<nlohmann::json> with_progress(
    std::optional<ws_client>& ws, progress_view* view, const send_progress* sending,
    const std::string& label, const std::function<client_result<nlohmann::json>()>& send) {
  client_result<nlohmann::json> result{boost::system::in_place_value, nullptr};
  std::atomic<bool> done{false};
  std::thread sender([&] {
    result = send();
    done = true;
  });
  auto draw_sent = [&] {
    if (view != nullptr && sending != nullptr) view->on_send(label, sending->sent, sending->total);
  };
  while (!done) {
    draw_sent();
    if (!ws) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    auto msg = ws->next(std::chrono::milliseconds(100));
    if (msg) {
      if (view != nullptr) view->on_event(*msg);
    } else if (msg.error().kind != failure::timeout) {
      ws.reset();  // progress is a nicety: the upload goes on without it
    }
  }
  sender.join();
  draw_sent();
  // Events published just before the answer may still be on their way.
  while (ws && result) {
    auto msg = ws->next(std::chrono::milliseconds(100));
    if (!msg) break;
    if (view != nullptr) view->on_event(*msg);
  }
  return result;
}

int add(command_context& ctx, const add_options& o) {
  if (o.files.empty() == o.urls.empty())
    return ctx.fail(make_failure(failure::usage, "bad_usage",
                                 "give FILES... or --url URL (one kind per call)"));
  if (o.upload && !o.urls.empty())
    return ctx.fail(
        make_failure(failure::usage, "bad_usage", "--upload sends files; URLs are fetched"));
  auto id = session_for_command(ctx.env(), o.session);
  if (!id)
    return ctx.fail(
        make_failure(failure::usage, "bad_usage",
                     "no current session: start one with 'reel new' or pass --session ID"));
  std::vector<local_file> files;
  if (!o.files.empty()) {
    auto checked = check_files(o.files);
    if (!checked) return ctx.fail(checked.error());
    files = std::move(*checked);
  }
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

  const std::string target = "/v1/sessions/" + url_encoded(*id) + "/media";
  std::optional<progress_view> view;
  if (!ctx.json()) view.emplace(ctx.err(), ::isatty(STDERR_FILENO) == 1);
  progress_view* shown = view ? &*view : nullptr;

  auto upload = [&]() -> client_result<nlohmann::json> {
    send_progress progress;
    const http_request req = upload_request(target, files, &progress);
    http_client http(*opts);
    const std::string label =
        "sending " + (files.size() == 1 ? files[0].name : std::to_string(files.size()) + " files") +
        " to reeld";
    return with_progress(ws, shown, &progress, label, [&] { return http.call_json(req); });
  };

  client_result<nlohmann::json> result{boost::system::in_place_value, nullptr};
  if (o.upload) {
    result = upload();
  } else {
    nlohmann::json body;
    if (!o.urls.empty()) {
      body = {{"urls", o.urls}};
    } else {
      body = {{"paths", nlohmann::json::array()}};
      for (const auto& f : files) body["paths"].push_back(f.path);
    }
    // The daemon answers once every file is with the backend: minutes for large files.
    auto listed_opts = *opts;
    listed_opts.io_timeout = std::chrono::hours(2);
    http_client http(listed_opts);
    result = with_progress(ws, shown, nullptr, {},
                           [&] { return http.call_json("POST", target, &body); });
    // Every file was readable here: a daemon that cannot read one gets them uploaded instead.
    if (!result && !files.empty() && daemon_cannot_read(result.error())) {
      if (view) {
        view.reset();
        ctx.err() << "reeld cannot read the files itself (" << result.error().error.message
                  << "); uploading them instead\n"
                  << std::flush;
        view.emplace(ctx.err(), ::isatty(STDERR_FILENO) == 1);
        shown = &*view;
      } else {
        ctx.trace("reeld cannot read the files itself: uploading them instead");
      }
      result = upload();
    }
  }
  view.reset();
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
      "Add files or URLs to the current session. Files are sent as paths the daemon reads "
      "itself; when it cannot read them (a system service running as another user) they are "
      "uploaded instead, and --upload always uploads them. Each file is checked (type by "
      "content, size) before anything goes to the backend; progress is shown as it happens.");
  c.app->add_option("files", o->files, "Images, videos or audio files")->type_name("FILES...");
  c.app->add_flag(
      "--upload", o->upload,
      "Send the files' bytes to the daemon (streamed from disk) instead of their paths");
  c.app->add_option("--url", o->urls, "A URL the backend fetches itself (repeatable)")
      ->type_name("U");
  c.app->add_option("--session", o->session, "Add to this session instead of the current one")
      ->type_name("ID");
  c.run = [o](command_context& ctx) { return add(ctx, *o); };
  return c;
}

}  // namespace reel::cli
