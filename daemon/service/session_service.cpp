#include "service/session_service.hpp"

#include "core/draft.hpp"
#include "core/timeline_summary.hpp"
#include "core/ws_protocol.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <memory>

namespace reel::service {

namespace {

core::error not_found(const std::string& id) {
  return core::make_error(core::errc::not_found, "no session " + id);
}

// Publishes upload.progress for one file at most every 5% (and at the end), so a 500 MB upload
// is a few dozen events, not thousands.
struct progress_reporter {
  hub* h;
  std::string topic;
  std::string name;
  int last_step = -1;
  void operator()(std::uint64_t done, std::uint64_t total) {
    int step = total ? static_cast<int>(done * 20 / total) : 20;
    if (step == last_step) return;
    last_step = step;
    h->publish(topic, "upload.progress",
               {{"name", name},
                {"bytes", done},
                {"total", total},
                {"progress", total ? static_cast<double>(done) / static_cast<double>(total) : 1.0}},
               "upload:" + name);
  }
};

}  // namespace

session_service::session_service(store::database& db, hub& events,
                                 std::map<std::string, backend*> backends,
                                 std::function<std::int64_t()> now_ms,
                                 std::function<std::string(std::string_view)> new_id, options opts)
    : db_(db),
      hub_(events),
      backends_(std::move(backends)),
      now_ms_(std::move(now_ms)),
      new_id_(std::move(new_id)),
      opts_(std::move(opts)) {}

backend* session_service::backend_named(const std::string& name) {
  auto it = backends_.find(name.empty() ? opts_.default_backend : name);
  return it == backends_.end() ? nullptr : it->second;
}

backend* session_service::backend_of(const store::session_row& s) {
  return backend_named(s.backend);
}

bool session_service::accepts_text(const store::session_row& s) const {
  // Scripts (.txt, .md) feed the local engine's voice-over; the cloud takes media only.
  return s.backend == "local";
}

core::result<store::session_row> session_service::require(const std::string& id) {
  auto row = store::sessions_repo(db_).find(id);
  if (!row) return not_found(id);
  return *row;
}

async_result<store::session_row> session_service::create(std::string backend_name,
                                                         std::optional<std::string> language,
                                                         std::optional<std::string> title) {
  if (backend_name.empty()) backend_name = opts_.default_backend;
  auto* b = backend_named(backend_name);
  if (!b) {
    std::string known;
    for (const auto& [n, _] : backends_) known += (known.empty() ? "" : ", ") + n;
    co_return core::make_error(core::errc::bad_request, "unknown backend \"" + backend_name +
                                                            "\"; this daemon has " + known);
  }
  store::session_row row;
  row.id = new_id_("s_");
  row.backend = backend_name;
  row.language = language;
  row.title = title;
  row.created_ms = row.updated_ms = now_ms_();
  auto made = co_await b->create_session(row);
  if (!made) co_return made.error();
  row.upstream_session_id = made->upstream_session_id;
  row.upstream_task_id = made->upstream_task_id;
  store::sessions_repo(db_).insert(row);
  auto view = session_json(row);
  hub_.publish(topic(row.id), "session.created", view);
  hub_.publish("status", "session.created", view);
  co_return row;
}

std::optional<store::session_row> session_service::find(const std::string& id) {
  return store::sessions_repo(db_).find(id);
}

std::vector<store::session_row> session_service::list(std::int64_t limit, std::int64_t offset) {
  return store::sessions_repo(db_).list(limit, offset);
}

bool session_service::erase(const std::string& id) {
  if (!store::sessions_repo(db_).erase(id)) return false;
  hub_.publish(topic(id), "session.deleted", {{"session", id}});
  return true;
}

struct session_service::replacement {
  explicit replacement(boost::asio::any_io_executor ex)
      : done(ex, std::chrono::steady_clock::time_point::max()) {}
  boost::asio::steady_timer done;  // cancelled when `result` is set
  std::optional<core::result<store::session_row>> result;
};

async_result<store::session_row> session_service::replace_lost(store::session_row s) {
  auto current = find(s.id);
  if (!current) co_return not_found(s.id);
  // Replaced since the caller read its row: the caller's 1002 was about the old upstream session.
  if (current->upstream_session_id != s.upstream_session_id) co_return *current;
  if (auto it = replacing_.find(s.id); it != replacing_.end()) {
    auto flight = it->second;
    while (!flight->result)
      co_await flight->done.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return *flight->result;
  }
  auto flight = std::make_shared<replacement>(co_await boost::asio::this_coro::executor);
  replacing_[s.id] = flight;
  auto made = co_await replace_now(*current);
  replacing_.erase(s.id);
  flight->result = made;
  flight->done.cancel();
  co_return made;
}

async_result<store::session_row> session_service::replace_now(store::session_row s) {
  auto* b = backend_of(s);
  if (!b) co_return core::make_error(core::errc::internal, "the session's backend is gone");
  auto made = co_await b->create_session(s);
  if (!made) co_return made.error();
  s.upstream_session_id = made->upstream_session_id;
  s.upstream_task_id = made->upstream_task_id;
  store::sessions_repo(db_).update_upstream(s.id, s.upstream_session_id, s.upstream_task_id,
                                            now_ms_());
  hub_.publish(topic(s.id), "session.replaced",
               {{"session", s.id},
                {"message",
                 "The cloud lost this session, so a new one took its place; its earlier timeline "
                 "is gone and media must be added again."}});
  co_return s;
}

core::result<media_source> session_service::inspect_file(const std::string& path,
                                                         const std::string& name,
                                                         bool allow_text) const {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return core::make_error(core::errc::bad_request,
                            "cannot read " + name + ": no such file, or no permission");
  struct stat st {};
  char head[64];
  ssize_t n = -1;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) n = ::pread(fd, head, sizeof head, 0);
  ::close(fd);
  if (n < 0) return core::make_error(core::errc::bad_request, name + " is not a regular file");
  // Refusals name the file (a batch has several) and list what is accepted, so the user can fix
  // the whole batch at once.
  auto type =
      core::check_media(std::string_view(head, static_cast<std::size_t>(n)), name, allow_text);
  if (!type) {
    auto e = type.error();
    e.message = name + ": " + e.message;
    return e;
  }
  auto size = core::check_media_size(static_cast<std::uint64_t>(st.st_size), opts_.max_media_bytes);
  if (!size) {
    auto e = size.error();
    e.message =
        name + ": " + e.message + " Accepted formats: " + core::accepted_formats(allow_text) + ".";
    return e;
  }
  media_source src;
  src.path = path;
  src.name = name;
  src.type = *type;
  src.size = static_cast<std::uint64_t>(st.st_size);
  return src;
}

async_result<std::vector<store::media_row>> session_service::add_files(
    std::string session_id, std::vector<media_source> files) {
  auto row = require(session_id);
  if (!row) co_return row.error();
  auto* b = backend_of(*row);
  if (!b) co_return core::make_error(core::errc::internal, "the session's backend is gone");
  std::vector<store::media_row> added;
  for (auto& f : files) {
    progress_reporter report{&hub_, topic(session_id), f.name};
    auto done = co_await b->add_media(*row, f, std::ref(report));
    if (!done && done.error().code == core::errc::session_lost) {
      auto fresh = co_await replace_lost(*row);
      if (!fresh) co_return fresh.error();
      *row = *fresh;
      done = co_await b->add_media(*row, f, std::ref(report));
    }
    if (!done) co_return done.error();
    store::media_row m;
    m.id = new_id_("m_");
    m.session_id = session_id;
    m.name = f.name.empty() ? f.url : f.name;
    m.kind = f.type ? std::string(core::to_string(f.type->kind)) : "unknown";
    if (f.type) m.mime = std::string(f.type->mime);
    m.size = static_cast<std::int64_t>(f.size);
    if (!f.sha256.empty()) m.sha256 = f.sha256;
    m.path = done->stored_path;
    m.upstream_ref = done->upstream_ref;
    m.meta = done->meta.dump();
    m.created_ms = now_ms_();
    store::media_repo(db_).insert(m);
    hub_.publish(topic(session_id), "media.added", media_json(m));
    added.push_back(std::move(m));
  }
  co_return added;
}

async_result<std::vector<store::media_row>> session_service::add_urls(
    std::string session_id, std::vector<std::string> urls) {
  std::vector<media_source> sources;
  for (auto& u : urls) {
    if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0)
      co_return core::make_error(core::errc::bad_request, "not an http(s) URL: " + u);
    media_source s;
    s.url = u;
    s.name = u;
    if (auto t = core::type_from_name(u, false)) s.type = *t;
    sources.push_back(std::move(s));
  }
  co_return co_await add_files(std::move(session_id), std::move(sources));
}

std::vector<store::media_row> session_service::media(const std::string& session_id) {
  return store::media_repo(db_).list_for_session(session_id);
}

async_result<nlohmann::json> session_service::state(std::string session_id) {
  auto row = require(session_id);
  if (!row) co_return row.error();
  auto* b = backend_of(*row);
  if (!b) co_return core::make_error(core::errc::internal, "the session's backend is gone");
  auto st = co_await b->state(*row);
  if (!st && st.error().code == core::errc::session_lost) {
    auto fresh = co_await replace_lost(*row);
    if (!fresh) co_return fresh.error();
    st = co_await b->state(*fresh);
  }
  if (!st) co_return st.error();
  nlohmann::json media = nlohmann::json::array();
  const auto rows = this->media(session_id);
  for (const auto& m : rows) media.push_back(media_json(m));
  co_return core::json_value(state_json(session_id, *st, rows, std::move(media)));
}

nlohmann::json session_service::state_json(const std::string& session_id, const backend_state& st,
                                           const std::vector<store::media_row>& rows,
                                           nlohmann::json media) {
  // Segments name their media by the backend's id (the cloud's media_id) or a file: the summary
  // shows the names the user gave instead.
  core::media_catalog catalog;
  auto kind_of = [](std::string_view k) -> std::optional<core::media_kind> {
    for (auto mk : {core::media_kind::video, core::media_kind::image, core::media_kind::audio,
                    core::media_kind::text})
      if (core::to_string(mk) == k) return mk;
    return std::nullopt;
  };
  // The backend's own list is read leniently: a field of another type is no name, not a throw.
  auto text = [](const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    return it->is_number_integer() ? it->dump() : std::string();
  };
  if (st.media.is_array()) {
    for (const auto& info : st.media) {
      if (!info.is_object()) continue;
      auto id = text(info, "media_id");
      if (id.empty()) continue;
      catalog[id] = {text(info, "name"), kind_of(text(info, "type"))};
    }
  }
  for (const auto& m : rows) {
    core::media_info mi{m.name, kind_of(m.kind)};
    catalog[m.id] = mi;
    if (m.upstream_ref) catalog[*m.upstream_ref] = mi;
    if (m.path) catalog[*m.path] = mi;
  }
  std::string summary;
  if (st.draft.is_null()) {
    summary = "Timeline is empty";
  } else {
    auto parsed = core::draft::from_json(st.draft);
    summary = parsed ? core::summarize_timeline(*parsed, catalog)
                     : "The timeline could not be read: " + parsed.error().message;
  }
  nlohmann::json out{{"session", session_id},
                     {"draft", st.draft},
                     {"summary", std::move(summary)},
                     {"media", std::move(media)}};
  if (!st.media.empty()) out["backend_media"] = st.media;
  if (!st.generated.empty()) out["generated_media"] = st.generated;
  return out;
}

async_result<credit_balance> session_service::credits(std::string backend_name) {
  auto* b = backend_named(backend_name);
  if (!b)
    co_return core::make_error(core::errc::bad_request, "unknown backend \"" + backend_name + "\"");
  co_return co_await b->credits();
}

nlohmann::json session_service::session_json(const store::session_row& s) {
  auto opt = [](const std::optional<std::string>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"id", s.id},
          {"backend", s.backend},
          {"title", opt(s.title)},
          {"language", opt(s.language)},
          {"upstream_session_id", opt(s.upstream_session_id)},
          {"created_at", core::rfc3339_ms(s.created_ms)},
          {"updated_at", core::rfc3339_ms(s.updated_ms)}};
}

nlohmann::json session_service::media_json(const store::media_row& m) {
  auto meta = nlohmann::json::parse(m.meta, nullptr, false);
  return {{"id", m.id},
          {"session", m.session_id},
          {"name", m.name},
          {"kind", m.kind},
          {"mime", m.mime ? nlohmann::json(*m.mime) : nlohmann::json(nullptr)},
          {"size", m.size},
          {"sha256", m.sha256 ? nlohmann::json(*m.sha256) : nlohmann::json(nullptr)},
          {"meta", meta.is_discarded() ? nlohmann::json::object() : meta},
          {"created_at", core::rfc3339_ms(m.created_ms)}};
}

}  // namespace reel::service
