#include "upstream/nemo_render_backend.hpp"

#include "core/upstream_errors.hpp"
#include "service/render_files.hpp"
#include "upstream/url.hpp"

namespace reel::upstream {
namespace asio = boost::asio;

namespace {

using service::render_reply;

std::string render_path(const std::string& id) {
  return "/api/render/proxy/lambda/" + escape_segment(id);
}

// Requests are built outside the coroutines: GCC 12 miscompiles string-literal temporaries that
// live across a co_await.
http_request make_request(std::string method, std::string target, const nlohmann::json& body) {
  http_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  if (!body.is_null()) {
    r.body = body.dump();
    r.content_type = "application/json";
  }
  return r;
}

http_request submit_request(const service::render_submission& s) {
  nlohmann::json body = nlohmann::json::object();
  body["id"] = s.id;
  body["sessionId"] = s.upstream_session.value_or("");
  body["draft"] = s.draft;
  body["output"] = s.options;
  // The contract's export asks for "high" (spec/upstream-nemovideo.md, export).
  if (!body["output"].contains("quality")) body["output"]["quality"] = "high";
  return make_request("POST", "/api/render/proxy/lambda", body);
}

asio::awaitable<render_reply> ready(render_reply r) {
  co_return r;
}

render_reply no_answer(std::string why) {
  render_reply r;
  r.failure = std::move(why);
  return r;
}

// One JSON call with the token; a 1001 on the daemon's anonymous token renews it and the call is
// sent once more (the token_keeper does the renewal, shared with every other caller).
asio::awaitable<render_reply> json_call(http_client http, token_keeper keeper, http_request req) {
  for (int attempt = 0;; ++attempt) {
    auto lease = co_await keeper.acquire();
    if (!lease) co_return no_answer("no upstream token: " + lease.error().message);
    req.bearer = lease->token;
    auto r = co_await http.send(req);
    if (!r) co_return no_answer(r.error().message);
    render_reply reply;
    reply.http_status = r->status;
    reply.body = parse_body(*r);
    const auto ctx = keeper.context();
    auto data = core::unwrap_envelope(reply.body, reply.http_status, ctx);
    if (!data && data.error().code == core::errc::token_invalid && attempt == 0 &&
        ctx.anonymous_token) {
      keeper.report_rejected(*lease);
      continue;
    }
    co_return reply;
  }
}

core::upstream_fault fault_of(const http_response& resp) {
  core::upstream_fault f;
  f.http_status = resp.status;
  const auto body = parse_body(resp);
  if (body.is_object()) {
    if (body.contains("code") && body["code"].is_number_integer()) f.code = body["code"].get<int>();
    if (body.contains("message") && body["message"].is_string())
      f.message = body["message"].get<std::string>();
  }
  if (f.message.empty()) f.message = "HTTP " + std::to_string(resp.status);
  return f;
}

asio::awaitable<service::render_fetch_result> fetch(http_client http, token_keeper keeper,
                                                    service::render_fetch f,
                                                    service::fetch_progress progress) {
  using result = service::render_fetch_result;
  const std::string url = f.url.empty() ? render_download_target(f.id) : f.url;
  // The token goes only to the API's own origin (an output URL is a signed CDN link).
  const bool ours = http.same_origin(url);
  std::string bearer;
  if (ours) {
    auto lease = co_await keeper.acquire();
    if (!lease) {
      result r;
      r.kind = result::failed;
      r.fault = {0, std::nullopt, "no upstream token: " + lease.error().message};
      co_return r;
    }
    bearer = lease->token;
  }
  auto d = co_await http.download(url, f.part_path, f.from, bearer, std::move(progress));
  const auto on_disk = service::file_size_or_zero(f.part_path);
  result r;
  if (!d || !d->saved) {
    // A transfer that stopped midway left its bytes: the next try resumes with a Range.
    if (!d && on_disk > f.from) {
      r.kind = result::cut;
      r.bytes_so_far = on_disk;
      r.fault = {0, std::nullopt, d.error().message};
      co_return r;
    }
    r.kind = result::failed;
    r.bytes_so_far = on_disk;
    if (d)
      r.fault = fault_of(d->response);
    else
      r.fault = {0, std::nullopt, d.error().message};
    co_return r;
  }
  if (d->total && on_disk < *d->total) {
    r.kind = result::cut;
    r.bytes_so_far = on_disk;
    r.fault = {0, std::nullopt, "the file ended early"};
    co_return r;
  }
  auto digest = co_await service::digest_file(f.part_path);
  if (!digest) {
    r.kind = result::failed;
    r.fault = {0, std::nullopt, digest.error().message};
    co_return r;
  }
  if (!service::sync_path(f.part_path)) {
    r.kind = result::failed;
    r.fault = {0, std::nullopt, "cannot fsync " + f.part_path};
    co_return r;
  }
  r.kind = result::complete;
  r.size = digest->size;
  r.sha256 = digest->sha256;
  co_return r;
}

}  // namespace

std::string render_download_target(const std::string& id) {
  return render_path(id) + "/download";
}

asio::awaitable<render_reply> nemo_render_backend::lookup(std::string id) {
  return json_call(http_, keeper_, make_request("GET", render_path(id), nullptr));
}

asio::awaitable<render_reply> nemo_render_backend::submit(service::render_submission s) {
  if (!s.upstream_session || s.upstream_session->empty()) {
    render_reply r;
    r.http_status = 400;
    r.body = {{"code", 400},
              {"message", "session " + s.session + " has no cloud session to render from"}};
    return ready(std::move(r));
  }
  return json_call(http_, keeper_, submit_request(s));
}

asio::awaitable<render_reply> nemo_render_backend::status(std::string id) {
  return json_call(http_, keeper_, make_request("GET", render_path(id), nullptr));
}

asio::awaitable<render_reply> nemo_render_backend::cancel(std::string id) {
  return json_call(http_, keeper_, make_request("DELETE", render_path(id), nullptr));
}

asio::awaitable<service::render_fetch_result> nemo_render_backend::download(
    service::render_fetch f, service::fetch_progress progress) {
  return fetch(http_, keeper_, std::move(f), std::move(progress));
}

asio::awaitable<service::render_check_result> nemo_render_backend::verify(std::string path) {
  return service::ffprobe_check(std::move(path), probe_);
}

}  // namespace reel::upstream
