// reel add [--upload] FILES... | --url U: adds media to the current session. Files go as paths
// the daemon reads itself, or uploaded (multipart/form-data, streamed from disk) with --upload or
// when the daemon cannot read them (a system service running as another user). Progress: the
// bytes this client sends, then the daemon's upload.progress events for the cloud upload (a bar
// on a terminal, percentage lines otherwise).
#include "cli/command.hpp"
#include "cli/current_session.hpp"
#include "cli/http_client.hpp"
#include "cli/interrupt.hpp"
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

// A file checked on this side: it exists, is a regular file and this user can read it.
struct local_file {
  std::string path;  // absolute
  std::string name;  // the base name the daemon shows
  std::uint64_t size = 0;
};

// Bytes of a multipart upload this client has sent, shared with the thread that draws them.
struct send_progress {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> total{0};
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

// Every file checked here first, so a typo or an unreadable file fails before anything is sent.
client_result<std::vector<local_file>> check_files(const std::vector<std::string>& files) {
  std::vector<local_file> out;
  for (const auto& f : files) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(f, ec).lexically_normal();
    if (ec) return make_failure(failure::local, "file_not_found", f + ": no such file");
    const int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT || err == ENOTDIR)
        return make_failure(failure::local, "file_not_found", f + ": no such file");
      if (err == EACCES || err == EPERM)
        return make_failure(failure::local, "file_unreadable",
                            f + ": cannot read it (permission denied)");
      return make_failure(failure::local, "file_unreadable",
                          f + ": cannot read it (" + std::strerror(err) + ")");
    }
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!regular)
      return make_failure(failure::local, "file_unreadable", f + ": not a regular file");
    local_file lf;
    lf.path = abs.string();
    lf.name = abs.filename().string();
    lf.size = static_cast<std::uint64_t>(st.st_size);
    out.push_back(std::move(lf));
  }
  return out;
}

// The Content-Type of an uploaded part, by extension; the daemon decides by content anyway.
std::string content_type_for(const std::string& name) {
  static constexpr std::pair<std::string_view, std::string_view> types[] = {
      {"mp4", "video/mp4"},       {"m4v", "video/mp4"},    {"mov", "video/quicktime"},
      {"avi", "video/x-msvideo"}, {"webm", "video/webm"},  {"mkv", "video/x-matroska"},
      {"jpg", "image/jpeg"},      {"jpeg", "image/jpeg"},  {"png", "image/png"},
      {"gif", "image/gif"},       {"webp", "image/webp"},  {"mp3", "audio/mpeg"},
      {"wav", "audio/wav"},       {"m4a", "audio/mp4"},    {"aac", "audio/aac"},
      {"txt", "text/plain"},      {"md", "text/markdown"}, {"markdown", "text/markdown"},
  };
  const auto dot = name.find_last_of('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string ext = name.substr(dot + 1);
  for (auto& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const auto& [e, type] : types)
    if (e == ext) return std::string(type);
  return "application/octet-stream";
}

// The name in Content-Disposition: filename="..." with nothing that could end the quoted string
// or the header line, and filename*=UTF-8''... (RFC 5987) with the exact name, which wins.
std::string disposition_for(const std::string& name) {
  std::string plain;
  std::string encoded;
  for (const unsigned char c : name) {
    plain += (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '_' : static_cast<char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("-._~").find(static_cast<char>(c)) != std::string_view::npos) {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return "form-data; name=\"files\"; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

// 32 random hex digits after a prefix: 128 bits, so no file holds it by chance.
std::string random_boundary() {
  std::random_device rd;
  std::string b = "reel-upload-";
  for (int i = 0; i < 4; ++i) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    b += hex;
  }
  return b;
}

// POST .../media as multipart/form-data (field "files"), the files streamed from disk.
http_request upload_request(const std::string& target, const std::vector<local_file>& files,
                            send_progress& progress) {
  const auto boundary = random_boundary();
  http_request req;
  req.method = "POST";
  req.target = target;
  req.content_type = "multipart/form-data; boundary=" + boundary;
  std::string pending;
  for (const auto& f : files) {
    pending += "--" + boundary + "\r\nContent-Disposition: " + disposition_for(f.name) +
               "\r\nContent-Type: " + content_type_for(f.name) + "\r\n\r\n";
    req.parts.push_back(body_part::bytes(std::move(pending)));
    req.parts.push_back(body_part::file(f.path));
    pending = "\r\n";
  }
  pending += "--" + boundary + "--\r\n";
  req.parts.push_back(body_part::bytes(std::move(pending)));
  req.on_progress = [&progress](std::uint64_t sent, std::uint64_t total) {
    progress.total = total;
    progress.sent = sent;
  };
  // The daemon answers once every file is with the backend: minutes for large files.
  req.answer_timeout = std::chrono::hours(2);
  return req;
}

// The daemon could not open a file this client can read (it runs as another user, or in a
// container): its refusal is "cannot read NAME: no such file, or no permission".
bool daemon_cannot_read(const client_error& e) {
  return e.kind == failure::daemon && e.http_status == 400 && e.code_name == "bad_request" &&
         e.error.message.rfind("cannot read ", 0) == 0 &&
         e.error.message.find("no such file, or no permission") != std::string::npos;
}

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
    const http_request req = upload_request(target, files, progress);
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
