#include "upstream/nemo_api.hpp"

#include "core/upstream_errors.hpp"

#include <charconv>
#include <cmath>

namespace reel::upstream {

namespace asio = boost::asio;

namespace {

const nlohmann::json* member(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string text_of(const nlohmann::json* j) {
  if (!j) return {};
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number_integer()) return std::to_string(j->get<std::int64_t>());
  if (j->is_number()) return j->dump();
  return {};
}

std::int64_t int_of(const nlohmann::json* j) {
  if (!j) return 0;
  if (j->is_number_integer()) return j->get<std::int64_t>();
  if (j->is_number()) return static_cast<std::int64_t>(std::llround(j->get<double>()));
  if (j->is_string()) {
    const auto& s = j->get_ref<const std::string&>();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size()) return std::llround(v);
  }
  return 0;
}

nlohmann::json array_or_empty(const nlohmann::json* j) {
  return j && j->is_array() ? *j : nlohmann::json::array();
}

core::error malformed(std::string what) {
  return core::make_error(core::errc::upstream_error, "the upstream answer " + what);
}

http_request json_request(std::string method, std::string target, const nlohmann::json& body) {
  http_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  if (!body.is_null()) {
    r.body = body.dump();
    r.content_type = "application/json";
  }
  return r;
}

std::string render_path(const std::string& id) {
  return "/api/render/proxy/lambda/" + escape_segment(id);
}

// Requests are built outside the coroutines: GCC 12 miscompiles string-literal temporaries that
// live across a co_await ("array used as initializer").
http_request create_session_request(const std::string& language) {
  return json_request("POST", "/api/tasks/me/with-session/nemo_agent",
                      {{"task_name", "project"}, {"language", language}});
}

http_request get_request(std::string target) {
  return json_request("GET", std::move(target), nullptr);
}

http_request delete_request(std::string target) {
  return json_request("DELETE", std::move(target), nullptr);
}

http_request upload_file_request(const std::string& sid, std::filesystem::path path,
                                 std::string name) {
  http_request req;
  req.method = "POST";
  req.target = "/api/upload-video/nemo_agent/me/" + escape_segment(sid);
  upload_part part;
  part.path = std::move(path);
  part.filename = std::move(name);
  req.files.push_back(std::move(part));
  return req;
}

http_request upload_urls_request(const std::string& sid, const std::vector<std::string>& urls) {
  return json_request("POST", "/api/upload-video/nemo_agent/me/" + escape_segment(sid),
                      {{"urls", urls}, {"source_type", "url"}});
}

http_request run_sse_request(const std::string& sid, const std::string& text, std::string bearer) {
  auto req = json_request("POST", "/run_sse",
                          {{"app_name", "nemo_agent"},
                           {"user_id", "me"},
                           {"session_id", sid},
                           {"new_message", {{"parts", {{{"text", text}}}}}}});
  req.headers.emplace_back("Accept", "text/event-stream");
  req.bearer = std::move(bearer);
  req.replayable = false;  // a message is sent at most once, even on a stale connection
  return req;
}

http_request render_submit_request(const std::string& id, const std::string& sid,
                                   nlohmann::json draft, nlohmann::json output) {
  nlohmann::json body = nlohmann::json::object();
  body["id"] = id;
  body["sessionId"] = sid;
  body["draft"] = std::move(draft);
  body["output"] = std::move(output);
  return json_request("POST", "/api/render/proxy/lambda", body);
}

asio::awaitable<core::result<session_info>> do_create_session(token_keeper k,
                                                              std::string language) {
  auto r = co_await k.call(create_session_request(language));
  if (!r) co_return r.error();
  session_info s;
  s.session_id = text_of(member(r->data, "session_id"));
  if (s.session_id.empty()) s.session_id = text_of(member(r->data, "sessionId"));
  s.task_id = text_of(member(r->data, "task_id"));
  if (s.task_id.empty()) s.task_id = text_of(member(r->data, "taskId"));
  if (s.session_id.empty()) co_return malformed("to create-session carries no session_id");
  s.raw = std::move(r->data);
  co_return s;
}

asio::awaitable<core::result<credits_info>> do_credits(token_keeper k) {
  auto r = co_await k.call(get_request("/api/credits/balance/simple"));
  if (!r) co_return r.error();
  const auto& d = r->data;
  if (!d.is_object() || !member(d, "available"))
    co_return malformed("to the credits call carries no balance");
  credits_info c;
  c.available = int_of(member(d, "available"));
  c.frozen = int_of(member(d, "frozen"));
  c.total = member(d, "total") ? int_of(member(d, "total")) : c.available + c.frozen;
  co_return c;
}

asio::awaitable<core::result<session_snapshot>> do_state(token_keeper k, std::string sid) {
  auto r =
      co_await k.call(get_request("/api/state/nemo_agent/me/" + escape_segment(sid) + "/latest"));
  if (!r) co_return r.error();
  co_return parse_state(r->data);
}

upload_result to_upload(nlohmann::json data) {
  upload_result u;
  for (auto key : {"uploaded", "video_infos", "files"}) {
    if (const auto* a = member(data, key); a && a->is_array()) {
      for (const auto& item : *a) u.uploaded.push_back(item);
      break;
    }
  }
  u.raw = std::move(data);
  return u;
}

asio::awaitable<core::result<upload_result>> do_upload_file(token_keeper k, std::string sid,
                                                            std::filesystem::path path,
                                                            std::string name,
                                                            progress_fn progress) {
  auto r = co_await k.call(upload_file_request(sid, std::move(path), std::move(name)),
                           std::move(progress));
  if (!r) co_return r.error();
  co_return to_upload(std::move(r->data));
}

asio::awaitable<core::result<upload_result>> do_upload_urls(token_keeper k, std::string sid,
                                                            std::vector<std::string> urls) {
  auto r = co_await k.call(upload_urls_request(sid, urls));
  if (!r) co_return r.error();
  co_return to_upload(std::move(r->data));
}

asio::awaitable<core::result<void>> do_run_sse(http_client http, token_keeper k, std::string sid,
                                               std::string text, chunk_fn on_chunk) {
  auto lease = co_await k.acquire();
  if (!lease) co_return lease.error();
  auto r = co_await http.stream(run_sse_request(sid, text, lease->token), std::move(on_chunk));
  if (!r) co_return r.error();
  if (r->streamed) co_return core::result<void>{};
  auto data = core::unwrap_envelope(parse_body(*r), r->status, k.context());
  if (!data) {
    if (data.error().code == core::errc::token_invalid) k.report_rejected(*lease);
    co_return data.error();
  }
  co_return malformed("to run_sse is not an event stream (HTTP " + std::to_string(r->status) + ")");
}

asio::awaitable<core::result<render_info>> do_render_status(token_keeper k, std::string id) {
  auto r = co_await k.call(get_request(render_path(id)));
  if (!r) co_return r.error();
  auto info = parse_render(r->body, r->data);
  if (info.id.empty()) info.id = id;
  co_return info;
}

asio::awaitable<core::result<render_info>> do_render_submit(token_keeper k, std::string id,
                                                            std::string sid, nlohmann::json draft,
                                                            nlohmann::json output) {
  auto r = co_await k.call(render_submit_request(id, sid, std::move(draft), std::move(output)));
  if (!r) {
    // The id is ours: a duplicate means an earlier submit got through (its answer was lost).
    const auto& e = r.error();
    const bool duplicate = e.code == core::errc::conflict || e.upstream_code == 409 ||
                           e.upstream_code == 4090;  // the simulator's "already exists"
    if (!duplicate) co_return r.error();
    auto existing = co_await do_render_status(k, id);
    if (!existing) co_return r.error();
    existing->already_submitted = true;
    co_return existing;
  }
  auto info = parse_render(r->body, r->data);
  if (info.id.empty()) info.id = id;
  co_return info;
}

asio::awaitable<core::result<render_info>> do_render_cancel(token_keeper k, std::string id) {
  auto r = co_await k.call(delete_request(render_path(id)));
  if (!r) co_return r.error();
  auto info = parse_render(r->body, r->data);
  if (info.id.empty()) info.id = id;
  co_return info;
}

asio::awaitable<core::result<download_result>> do_download(http_client http, token_keeper k,
                                                           std::string url,
                                                           std::filesystem::path dest,
                                                           std::uint64_t from_byte,
                                                           progress_fn progress) {
  const bool ours = http.same_origin(url);
  for (int attempt = 0;; ++attempt) {
    token_lease lease;
    if (ours) {
      auto l = co_await k.acquire();
      if (!l) co_return l.error();
      lease = std::move(*l);
    }
    auto d = co_await http.download(url, dest, from_byte, lease.token, progress);
    if (!d) co_return d.error();
    if (d->saved) co_return std::move(*d);
    auto data = core::unwrap_envelope(parse_body(d->response), d->response.status, k.context());
    if (data)
      co_return malformed("to a download has HTTP status " + std::to_string(d->response.status));
    if (ours && attempt == 0 && data.error().code == core::errc::token_invalid &&
        k.context().anonymous_token) {
      k.report_rejected(lease);
      continue;
    }
    co_return data.error();
  }
}

}  // namespace

render_info parse_render(const nlohmann::json& body, const nlohmann::json& data) {
  render_info r;
  // Some answers nest the job one level deeper ({"data":{"render":{...}}}); use it when so.
  const nlohmann::json* job = &data;
  if (const auto* nested = member(data, "render"); nested && nested->is_object()) job = nested;
  r.id = text_of(member(*job, "id"));
  r.status = text_of(member(*job, "status"));
  r.progress = static_cast<int>(int_of(member(*job, "progress")));
  if (const auto* out = member(*job, "output"); out && out->is_object())
    r.output_url = text_of(member(*out, "url"));
  for (const auto* holder : {job, &body}) {
    if (!r.output_url.empty()) break;
    for (auto key : {"outputUrl", "output_url", "url"}) {
      if (auto v = text_of(member(*holder, key)); !v.empty()) {
        r.output_url = v;
        break;
      }
    }
  }
  if (const auto* e = member(*job, "error")) r.error = *e;
  r.raw = *job;
  return r;
}

session_snapshot parse_state(const nlohmann::json& data) {
  session_snapshot s;
  const nlohmann::json* st = member(data, "state");
  if (!st || !st->is_object()) st = &data;
  if (const auto* d = member(*st, "draft")) s.draft = *d;
  s.video_infos = array_or_empty(member(*st, "video_infos"));
  s.generated_media = array_or_empty(member(*st, "generated_media"));
  s.raw = data;
  return s;
}

asio::awaitable<core::result<session_info>> nemo_api::create_session(std::string language) const {
  return do_create_session(keeper_, std::move(language));
}

asio::awaitable<core::result<credits_info>> nemo_api::credits() const {
  return do_credits(keeper_);
}

asio::awaitable<core::result<session_snapshot>> nemo_api::state(std::string session_id) const {
  return do_state(keeper_, std::move(session_id));
}

asio::awaitable<core::result<upload_result>> nemo_api::upload_file(std::string session_id,
                                                                   std::filesystem::path path,
                                                                   std::string name,
                                                                   progress_fn progress) const {
  return do_upload_file(keeper_, std::move(session_id), std::move(path), std::move(name),
                        std::move(progress));
}

asio::awaitable<core::result<upload_result>> nemo_api::upload_urls(
    std::string session_id, std::vector<std::string> urls) const {
  return do_upload_urls(keeper_, std::move(session_id), std::move(urls));
}

asio::awaitable<core::result<void>> nemo_api::run_sse(std::string session_id, std::string text,
                                                      chunk_fn on_chunk) const {
  return do_run_sse(http_, keeper_, std::move(session_id), std::move(text), std::move(on_chunk));
}

asio::awaitable<core::result<render_info>> nemo_api::render_submit(std::string render_id,
                                                                   std::string session_id,
                                                                   nlohmann::json draft,
                                                                   nlohmann::json output) const {
  return do_render_submit(keeper_, std::move(render_id), std::move(session_id), std::move(draft),
                          std::move(output));
}

asio::awaitable<core::result<render_info>> nemo_api::render_status(std::string render_id) const {
  return do_render_status(keeper_, std::move(render_id));
}

asio::awaitable<core::result<render_info>> nemo_api::render_cancel(std::string render_id) const {
  return do_render_cancel(keeper_, std::move(render_id));
}

asio::awaitable<core::result<download_result>> nemo_api::download(std::string url,
                                                                  std::filesystem::path dest,
                                                                  std::uint64_t from_byte,
                                                                  progress_fn progress) const {
  return do_download(http_, keeper_, std::move(url), std::move(dest), from_byte,
                     std::move(progress));
}

}  // namespace reel::upstream
