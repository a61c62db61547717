#include "engine/local_backend.hpp"

#include "core/draft.hpp"
#include "service/render_files.hpp"
#include "store/draft_versions_repo.hpp"
#include "store/sessions_repo.hpp"
#include "store/transaction.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <vector>

namespace reel::engine {
namespace asio = boost::asio;
using service::async_result;

namespace {

constexpr std::size_t max_script_bytes = 64 * 1024;

// An executable named `program`: a path as given, else looked up in PATH.
bool program_found(const std::string& program) {
  if (program.empty()) return false;
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::optional<core::media_kind> kind_from(std::string_view k) {
  for (auto mk : {core::media_kind::video, core::media_kind::image, core::media_kind::audio,
                  core::media_kind::text})
    if (core::to_string(mk) == k) return mk;
  return std::nullopt;
}

nlohmann::json parse_object(const std::optional<std::string>& text) {
  if (!text) return nlohmann::json::object();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string read_prefix(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  std::string out(limit, '\0');
  in.read(out.data(), static_cast<std::streamsize>(limit));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

core::error store_error(const std::string& what, const std::string& path, int err) {
  return core::make_error(core::errc::internal, "cannot store the media file (" + what + " " +
                                                    path + "): " + std::strerror(err));
}

// Copies `from` to `to` (a new file) in 1 MiB pieces, yielding between pieces so a large file
// does not stall other work, reporting bytes copied; fsyncs it. Removes `to` on failure.
asio::awaitable<core::result<void>> copy_file(std::string from, std::string to, std::uint64_t total,
                                              service::progress_fn progress) {
  fd_guard in{::open(from.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) co_return store_error("open", from, errno);
  fd_guard out{::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (out.fd < 0) co_return store_error("create", to, errno);
  const auto ex = co_await asio::this_coro::executor;
  std::vector<char> buf(1 << 20);
  std::uint64_t done = 0;
  int failed = 0;
  std::string step;
  for (;;) {
    const auto n = ::read(in.fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed = errno;
      step = "read";
      break;
    }
    if (n == 0) break;
    std::size_t off = 0;
    while (off < static_cast<std::size_t>(n)) {
      const auto w = ::write(out.fd, buf.data() + off, static_cast<std::size_t>(n) - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        failed = w < 0 ? errno : EIO;
        break;
      }
      off += static_cast<std::size_t>(w);
    }
    if (failed) {
      step = "write";
      break;
    }
    done += static_cast<std::uint64_t>(n);
    if (progress) progress(done, std::max(total, done));
    co_await asio::post(ex, asio::use_awaitable);
  }
  if (!failed && ::fsync(out.fd) != 0) {
    failed = errno;
    step = "fsync";
  }
  if (failed) {
    ::unlink(to.c_str());
    co_return store_error(step, to, failed);
  }
  co_return core::result<void>{};
}

std::string temp_suffix() {
  static std::mt19937_64 rng(std::random_device{}());
  return ".tmp" + std::to_string(rng() % 1000000000ULL);
}

struct stored_file {
  std::string path;
  std::string sha256;
};

// Puts the file into <media_dir>/<sha256>.<ext>; an identical file already there is reused.
asio::awaitable<core::result<stored_file>> store_file(std::string media_dir,
                                                      service::media_source src, std::string ext,
                                                      service::progress_fn progress) {
  auto digest = co_await service::digest_file(src.path);
  if (!digest) co_return digest.error();
  if (auto made = service::ensure_directory(media_dir); !made) co_return made.error();
  const std::string dest = media_dir + "/" + digest->sha256 + "." + ext;
  if (service::file_size_or_zero(dest) == digest->size && digest->size > 0) {
    if (progress) progress(digest->size, digest->size);
    co_return stored_file{dest, digest->sha256};
  }
  const std::string tmp = dest + temp_suffix();
  auto copied = co_await copy_file(src.path, tmp, digest->size, progress);
  if (!copied) co_return copied.error();
  if (auto moved = service::durable_rename(tmp, dest); !moved) {
    ::unlink(tmp.c_str());
    co_return moved.error();
  }
  co_return stored_file{dest, digest->sha256};
}

core::error url_refused(const std::string& url) {
  auto e = core::make_error(core::errc::bad_request,
                            "URLs need network; download it and add it by path: " + url);
  e.hint =
      "The local backend works offline: save the file, then `reel add FILE` (or send "
      "{\"paths\":[...]}).";
  return e;
}

core::error not_text(const std::string& name) {
  return core::make_error(core::errc::unsupported_media,
                          name + " is not a text file; scripts (.txt, .md) must be plain text");
}

// Removes a fetched file when the add is over, whatever its outcome (unless released).
struct fetched_file {
  std::string path;
  fetched_file() = default;
  fetched_file(const fetched_file&) = delete;
  fetched_file& operator=(const fetched_file&) = delete;
  ~fetched_file() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

// The last path segment of a URL, without query or fragment ("photo.jpg"); `url` when none.
std::string url_file_name(const std::string& url) {
  const std::string path = url.substr(0, url.find_first_of("?#"));
  const auto scheme = path.find("://");
  if (path.find('/', scheme == std::string::npos ? 0 : scheme + 3) == std::string::npos) return url;
  const auto name = path.substr(path.find_last_of('/') + 1);
  return name.empty() ? url : name;
}

struct fetched_media {
  std::string path;  // a private file under <state_dir>/tmp; the caller removes it
  core::media_type type;
  std::uint64_t size = 0;
};

// Fetches `url` into a private file, checked by size and by content like any file.
asio::awaitable<core::result<fetched_media>> fetch_media(local_backend_options opt,
                                                         std::string url) {
  if (!opt.fetch_url) co_return url_refused(url);
  const std::string dir = opt.state_dir + "/tmp";
  ::mkdir(dir.c_str(), 0700);
  std::random_device rd;
  fetched_file file;
  file.path = dir + "/fetch-" + std::to_string(rd()) + std::to_string(rd());
  auto got = co_await opt.fetch_url(url, file.path);
  if (!got) {
    auto e = got.error();
    e.message = "cannot fetch " + url + ": " + e.message;
    e.hint = "Check the address, or download the file and add it by path.";
    co_return e;
  }
  struct stat st {};
  if (::stat(file.path.c_str(), &st) != 0)
    co_return core::make_error(core::errc::internal, "the fetched file is gone: " + url);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (auto ok = core::check_media_size(size, opt.max_media_bytes); !ok) co_return ok.error();
  auto checked = core::check_media(read_prefix(file.path, 64), url_file_name(url), true);
  if (!checked) co_return checked.error();
  fetched_media out{file.path, *checked, size};
  file.path.clear();  // the caller's now
  co_return out;
}

asio::awaitable<core::result<service::media_added>> do_add_media(local_backend_options opt,
                                                                 service::media_source src,
                                                                 service::progress_fn progress) {
  fetched_file fetched;
  if (src.path.empty()) {
    auto got = co_await fetch_media(opt, src.url);
    if (!got) co_return got.error();
    fetched.path = got->path;
    src.path = got->path;
    src.type = got->type;
    src.size = got->size;
  }
  const std::string& state_dir = opt.state_dir;
  const std::string& ffprobe = opt.ffprobe;
  auto type = src.type;
  if (!type) type = core::type_from_name(src.name.empty() ? src.path : src.name, true);
  if (!type)
    co_return core::make_error(core::errc::unsupported_media,
                               src.name + ": not an accepted format. Accepted formats: " +
                                   core::accepted_formats(true) + ".");
  service::media_added out;
  if (type->kind == core::media_kind::text) {
    const auto head = read_prefix(src.path, max_script_bytes);
    if (head.find('\0') != std::string::npos) co_return not_text(src.name);
    out.meta = {{"kind", "text"},
                {"bytes", head.size()},
                {"lines", std::count(head.begin(), head.end(), '\n') + (head.empty() ? 0 : 1)}};
  } else {
    // Probed before it is copied: a file ffprobe cannot read is refused and never stored.
    auto info = co_await probe_media(src.path, ffprobe);
    if (!info) {
      auto e = info.error();
      if (e.code == core::errc::unsupported_media) {
        e.message = (src.name.empty() ? src.path : src.name) + " cannot be read as " +
                    std::string(core::to_string(type->kind)) + ": " + e.message;
        e.hint = "Check that the file is whole and really is what its name says; accepted: " +
                 core::accepted_formats(true) + ".";
      }
      co_return e;
    }
    out.meta = media_meta(*info);
  }
  auto stored =
      co_await store_file(state_dir + "/media", src, std::string(type->ext), std::move(progress));
  if (!stored) co_return stored.error();
  out.stored_path = stored->path;
  out.meta["sha256"] = stored->sha256;
  co_return out;
}

// Which draft version is current: the session's meta says; a session without the pointer uses
// its latest version (0: none).
std::int64_t head_version(store::database& db, const store::session_row& row) {
  const auto meta = parse_object(row.meta);
  if (auto it = meta.find("draft_version"); it != meta.end() && it->is_number_integer())
    return it->get<std::int64_t>();
  return store::draft_versions_repo(db).max_version(row.id);
}

nlohmann::json draft_at(store::draft_versions_repo& repo, const std::string& session,
                        std::int64_t version) {
  if (version <= 0) return nullptr;
  auto v = repo.get(session, version);
  if (!v) return nullptr;
  auto j = nlohmann::json::parse(v->draft, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

void set_head(store::database& db, const store::session_row& row, std::int64_t version,
              const nlohmann::json& draft, std::int64_t now) {
  auto meta = parse_object(row.meta);
  meta["draft_version"] = version;
  store::sessions_repo sessions(db);
  sessions.update_title_meta(row.id, row.title, meta.dump(), now);
  const std::string text = draft.dump();
  sessions.update_draft(row.id, draft.is_null() ? std::nullopt : std::optional<std::string>(text),
                        now);
}

// Stores what the agent did: a new version (dropping the undone ones above the current), or the
// pointer moved back to the previous version on undo.
void store_outcome(store::database& db, const store::session_row& row, std::int64_t head,
                   const core::agent_output& out, const std::string& prompt, std::int64_t now) {
  if (!out.new_draft) return;
  store::transaction tx(db, store::durability::synced);
  store::draft_versions_repo versions(db);
  if (out.undo) {
    set_head(db, row, head - 1, *out.new_draft, now);
  } else {
    versions.erase_after(row.id, head);
    std::string reason = "agent: " + prompt.substr(0, 200);
    const auto v = versions.push(row.id, out.new_draft->dump(), reason, now);
    set_head(db, row, v, *out.new_draft, now);
  }
  tx.commit();
}

core::agent_item tool_item(const std::string& name, std::size_t i) {
  core::agent_item it;
  it.kind = core::agent_item_kind::tool_call;
  it.name = name;
  it.id = "call_" + std::to_string(i + 1);
  it.author = "reel";
  return it;
}

}  // namespace

nlohmann::json media_meta(const media_info& info) {
  nlohmann::json meta{{"kind", std::string(core::to_string(info.kind))},
                      {"width", info.width},
                      {"height", info.height},
                      {"rotation", info.rotation},
                      {"has_audio", info.has_audio},
                      {"format", info.format}};
  if (info.duration_ms > 0) {
    meta["duration_ms"] = info.duration_ms;
    meta["duration_s"] = static_cast<double>(info.duration_ms) / 1000.0;
  }
  if (!info.video_codec.empty()) meta["video_codec"] = info.video_codec;
  if (!info.audio_codec.empty()) meta["audio_codec"] = info.audio_codec;
  return meta;
}

std::vector<core::agent_media> agent_media_of(const std::vector<store::media_row>& rows) {
  std::vector<core::agent_media> out;
  for (const auto& row : rows) {
    const auto meta = parse_object(row.meta);
    auto kind = kind_from(meta.value("kind", row.kind));
    if (!kind) continue;
    core::agent_media m;
    m.id = row.id;
    m.name = row.name;
    m.kind = *kind;
    if (auto d = meta.find("duration_ms"); d != meta.end() && d->is_number())
      m.duration_ms = d->get<std::int64_t>();
    const int w = meta.value("width", 0), h = meta.value("height", 0);
    const int rot = meta.value("rotation", 0);
    if (w > 0 && h > 0) {
      // What the viewer sees: a phone video stored landscape and turned 90 degrees is portrait.
      const bool turned = rot == 90 || rot == 270;
      m.width = turned ? h : w;
      m.height = turned ? w : h;
    }
    m.has_audio = meta.value("has_audio", false);
    if (m.kind == core::media_kind::text && row.path)
      m.text = read_prefix(*row.path, max_script_bytes);
    out.push_back(std::move(m));
  }
  return out;
}

local_backend::local_backend(store::database& db, local_backend_options o)
    : db_(db), opt_(std::move(o)) {
  if (!opt_.now_ms) opt_.now_ms = [] { return std::int64_t{0}; };
}

nlohmann::json local_backend::health() const {
  nlohmann::json h{{"name", "local"}, {"default", opt_.is_default}};
  std::string missing;
  for (const auto* p : {&opt_.ffmpeg, &opt_.ffprobe})
    if (!program_found(*p)) missing += (missing.empty() ? "" : ", ") + *p;
  if (missing.empty()) {
    h["health"] = "ok";
    h["detail"] = "offline; renders with " + opt_.ffmpeg;
  } else {
    h["health"] = "unavailable";
    h["detail"] = "not found: " + missing + " (install ffmpeg: scripts/deps.sh)";
  }
  return h;
}

async_result<service::created_session> local_backend::create_session(store::session_row) {
  co_return service::created_session{};
}

async_result<service::media_added> local_backend::add_media(store::session_row,
                                                            service::media_source source,
                                                            service::progress_fn progress) {
  return do_add_media(opt_, std::move(source), std::move(progress));
}

async_result<service::credit_balance> local_backend::credits() {
  service::credit_balance free;
  free.metered = false;
  co_return free;
}

async_result<service::backend_state> local_backend::state(store::session_row session) {
  auto row = store::sessions_repo(db_).find(session.id);
  if (!row) co_return core::make_error(core::errc::not_found, "no session " + session.id);
  store::draft_versions_repo versions(db_);
  service::backend_state out;
  out.draft = draft_at(versions, row->id, head_version(db_, *row));
  co_return out;
}

async_result<void> local_backend::chat(store::session_row session, std::string text,
                                       service::item_fn on_item) {
  auto row = store::sessions_repo(db_).find(session.id);
  if (!row) co_return core::make_error(core::errc::not_found, "no session " + session.id);
  store::draft_versions_repo versions(db_);
  const auto head = head_version(db_, *row);

  core::agent_input in;
  in.prompt = text;
  in.draft = draft_at(versions, row->id, head);
  in.media = agent_media_of(store::media_repo(db_).list_for_session(row->id));
  in.language_hint = row->language.value_or("");
  const auto first =
      std::max<std::int64_t>(1, head - static_cast<std::int64_t>(opt_.history_limit));
  for (std::int64_t v = first; v < head; ++v) {
    auto d = draft_at(versions, row->id, v);
    if (!d.is_null()) in.history.push_back(std::move(d));
  }
  // The pointer moves back by one version: history.back() must be exactly head - 1.
  if (!in.history.empty() && in.history.back() != draft_at(versions, row->id, head - 1))
    in.history.clear();

  const auto out = core::run_local_agent(in);
  try {
    store_outcome(db_, *row, head, out, text, opt_.now_ms());
  } catch (const std::exception& e) {
    spdlog::error("local: session {}: cannot store the new draft: {}", row->id, e.what());
    co_return core::make_error(core::errc::internal, "the edited timeline could not be stored");
  }
  if (on_item) {
    for (std::size_t i = 0; i < out.tool_calls.size(); ++i)
      on_item(tool_item(out.tool_calls[i], i));
    core::agent_item reply;
    reply.kind = core::agent_item_kind::text;
    reply.text = out.reply;
    reply.author = "reel";
    on_item(reply);
  }
  co_return core::result<void>{};
}

}  // namespace reel::engine
