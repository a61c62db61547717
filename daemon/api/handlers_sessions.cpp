// Session handlers: sessions, their media (uploads, local paths, URLs), their state, credits.
#include "api/handlers.hpp"
#include "api/router.hpp"
#include "api/upload_spool.hpp"
#include "core/route_table.hpp"
#include "service/session_service.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace reel::api {

namespace {

using nlohmann::json;

core::error bad(std::string message) {
  return core::make_error(core::errc::bad_request, std::move(message));
}

response unavailable() {
  return response::error(
      core::make_error(core::errc::internal, "sessions are not available in this daemon"));
}

// An optional string field of a JSON body; bad_request when present with another type.
core::result<std::optional<std::string>> string_field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return bad(std::string("\"") + name + "\" must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

std::int64_t int_param(const request& req, std::string_view name, std::int64_t fallback,
                       std::int64_t lo, std::int64_t hi) {
  auto v = core::query_param(req.query, name);
  if (!v) return fallback;
  std::int64_t n = fallback;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size()) return fallback;
  return std::clamp(n, lo, hi);
}

json media_list(const std::vector<store::media_row>& rows) {
  json out = json::array();
  for (const auto& m : rows) out.push_back(service::session_service::media_json(m));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The JSON body of a file route (spooled to disk like an upload): at most `limit` bytes.
core::result<json> spooled_json(const request& req, std::int64_t limit) {
  request copy;
  if (!req.body_file.empty()) {
    const int fd = ::open(req.body_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return core::make_error(core::errc::internal, "the spooled body is gone");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size > limit) {
      ::close(fd);
      return core::make_error(core::errc::payload_too_large,
                              "a JSON body takes at most " + std::to_string(limit) + " bytes");
    }
    copy.body.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < copy.body.size()) {
      const auto n = ::read(fd, copy.body.data() + got, copy.body.size() - got);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    copy.body.resize(got);
  } else {
    copy.body = req.body;
  }
  return json_body(copy);
}

// {"paths":[...]} or {"urls":[...]}: exactly one, a non-empty array of strings.
core::result<std::pair<std::string, std::vector<std::string>>> media_request(const json& body) {
  const bool has_paths = body.contains("paths");
  const bool has_urls = body.contains("urls");
  if (has_paths == has_urls)
    return bad("send exactly one of \"paths\" (files this machine has) or \"urls\"");
  for (const auto& [k, _] : body.items())
    if (k != "paths" && k != "urls") return bad("unknown field \"" + k + "\"");
  const char* key = has_paths ? "paths" : "urls";
  const auto& list = body[key];
  if (!list.is_array() || list.empty())
    return bad(std::string("\"") + key + "\" must be a non-empty array of strings");
  std::vector<std::string> out;
  for (const auto& v : list) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
      return bad(std::string("\"") + key + "\" must be a non-empty array of strings");
    out.push_back(v.get<std::string>());
  }
  return std::make_pair(std::string(key), std::move(out));
}

std::string file_name_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return valid_utf8(slash == std::string::npos ? path : path.substr(slash + 1));
}

// Checks every file before any is sent: a batch with one bad file sends nothing.
core::result<std::vector<service::media_source>> inspect_all(
    service::session_service& sessions, const store::session_row& row,
    const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<service::media_source> out;
  const bool text = sessions.accepts_text(row);
  for (const auto& [path, name] : files) {
    auto src = sessions.inspect_file(path, name, text);
    if (!src) return src.error();
    out.push_back(std::move(*src));
  }
  return out;
}

awaitable<response> added(service::session_service& sessions, std::string id,
                          std::vector<service::media_source> files) {
  auto rows = co_await sessions.add_files(std::move(id), std::move(files));
  if (!rows) co_return response::error(rows.error());
  co_return response::json(201, {{"media", media_list(*rows)}});
}

awaitable<response> add_multipart(api_context& ctx, request req, store::session_row row) {
  auto& sessions = *ctx.sessions;
  const std::string tmp = ctx.state_dir + "/tmp";
  ::mkdir(tmp.c_str(), 0700);
  upload_splitter split(req.body_file, req.header("Content-Type"), tmp,
                        static_cast<std::uint64_t>(ctx.cfg.api.max_media_body));
  // Yield between blocks: splitting hundreds of megabytes must not stall other clients.
  auto ex = co_await boost::asio::this_coro::executor;
  while (split.step()) co_await boost::asio::post(ex, boost::asio::use_awaitable);
  auto files = split.result();
  if (!files) co_return response::error(files.error());
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& f : *files) named.emplace_back(f.path, f.filename);
  auto sources = inspect_all(sessions, row, named);
  if (!sources) co_return response::error(sources.error());
  // `split` keeps the temporary files until the upload is done, then removes them.
  auto r = co_await added(sessions, row.id, std::move(*sources));
  co_return r;
}

awaitable<response> add_listed(api_context& ctx, request req, store::session_row row) {
  auto& sessions = *ctx.sessions;
  auto body = spooled_json(req, ctx.cfg.api.max_json_body);
  if (!body) co_return response::error(body.error());
  auto what = media_request(*body);
  if (!what) co_return response::error(what.error());
  if (what->first == "urls") {
    auto rows = co_await sessions.add_urls(row.id, std::move(what->second));
    if (!rows) co_return response::error(rows.error());
    co_return response::json(201, {{"media", media_list(*rows)}});
  }
  std::vector<std::pair<std::string, std::string>> named;
  for (auto& p : what->second) {
    // The daemon's working directory means nothing to the caller: only absolute paths.
    if (p.front() != '/')
      co_return response::error(bad("\"" + valid_utf8(p) + "\" is not an absolute path"));
    named.emplace_back(p, file_name_of(p));
  }
  auto sources = inspect_all(sessions, row, named);
  if (!sources) co_return response::error(sources.error());
  auto r = co_await added(sessions, row.id, std::move(*sources));
  co_return r;
}

}  // namespace

awaitable<response> post_session(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  auto body = json_body(req);
  if (!body) co_return response::error(body.error());
  for (const auto& [k, _] : body->items())
    if (k != "language" && k != "backend" && k != "title")
      co_return response::error(
          bad("unknown field \"" + k + "\"; a session takes language, backend and title"));
  auto language = string_field(*body, "language");
  if (!language) co_return response::error(language.error());
  auto backend = string_field(*body, "backend");
  if (!backend) co_return response::error(backend.error());
  auto title = string_field(*body, "title");
  if (!title) co_return response::error(title.error());
  auto row = co_await ctx.sessions->create(backend->value_or(""), *language, *title);
  if (!row) co_return response::error(row.error());
  co_return response::json(201, service::session_service::session_json(*row));
}

awaitable<response> list_sessions(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  const auto limit = int_param(req, "limit", 100, 1, 1000);
  const auto offset = int_param(req, "offset", 0, 0, INT64_MAX);
  json out = json::array();
  for (const auto& s : ctx.sessions->list(limit, offset))
    out.push_back(service::session_service::session_json(s));
  co_return response::json(200, {{"sessions", std::move(out)}});
}

awaitable<response> get_session(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  auto row = ctx.sessions->find(req.params["id"]);
  if (!row)
    co_return response::error(
        core::make_error(core::errc::not_found, "no session " + req.params["id"]));
  co_return response::json(200, service::session_service::session_json(*row));
}

awaitable<response> delete_session(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  if (!ctx.sessions->erase(req.params["id"]))
    co_return response::error(
        core::make_error(core::errc::not_found, "no session " + req.params["id"]));
  response r;
  r.status = 204;
  co_return r;
}

awaitable<response> post_media(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  auto row = ctx.sessions->find(req.params["id"]);
  if (!row)
    co_return response::error(
        core::make_error(core::errc::not_found, "no session " + req.params["id"]));
  const auto type = req.header("Content-Type");
  if (starts_with_ci(type, "multipart/form-data")) {
    auto r = co_await add_multipart(ctx, std::move(req), std::move(*row));
    co_return r;
  }
  if (type.empty() || starts_with_ci(type, "application/json")) {
    auto r = co_await add_listed(ctx, std::move(req), std::move(*row));
    co_return r;
  }
  co_return response::error(
      bad("send the files as multipart/form-data (field \"files\") or JSON {\"paths\":[...]} / "
          "{\"urls\":[...]}"));
}

awaitable<response> list_media(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  const auto& id = req.params["id"];
  if (!ctx.sessions->find(id))
    co_return response::error(core::make_error(core::errc::not_found, "no session " + id));
  co_return response::json(200, {{"media", media_list(ctx.sessions->media(id))}});
}

awaitable<response> get_session_state(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  auto st = co_await ctx.sessions->state(req.params["id"]);
  if (!st) co_return response::error(st.error());
  co_return response::json(200, *st);
}

awaitable<response> get_credits(api_context& ctx, request req) {
  if (!ctx.sessions) co_return unavailable();
  auto backend = core::query_param(req.query, "backend").value_or("");
  auto c = co_await ctx.sessions->credits(backend);
  if (!c) co_return response::error(c.error());
  co_return response::json(200, service::credits_json(*c));
}

}  // namespace reel::api
