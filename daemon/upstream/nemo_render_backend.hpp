#pragma once
// The cloud's render calls (spec/upstream-nemovideo.md rows "export" and "export status") as a
// service::render_backend: POST /api/render/proxy/lambda, GET and DELETE .../<id>, the file from
// output.url or, as the fallback, GET .../<id>/download (tests/fake_nemo/README.md), both with
// Range resume. Answers come back as {HTTP status, body}; a 1001 renews the anonymous token and
// the call is sent once more. Verify runs ffprobe (service/ffprobe_check).
//
// Cheap to copy; lives on the io_context's one thread. The http client and the token keeper are
// shared handles (the same the sessions use, so there is one token).
#include "service/ffprobe_check.hpp"
#include "service/render_backend.hpp"
#include "upstream/http_client.hpp"
#include "upstream/token_keeper.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace reel::upstream {

class nemo_render_backend final : public service::render_backend {
 public:
  nemo_render_backend(http_client http, token_keeper keeper, service::ffprobe_options probe = {})
      : http_(std::move(http)), keeper_(std::move(keeper)), probe_(std::move(probe)) {}

  std::string_view name() const noexcept override { return "nemovideo"; }
  // GET /api/render/proxy/lambda/<id>: the cloud has no other lookup.
  boost::asio::awaitable<service::render_reply> lookup(std::string id) override;
  // POST /api/render/proxy/lambda {"id","sessionId","draft","output"}. A job whose session has
  // no cloud session answers 400 without a call.
  boost::asio::awaitable<service::render_reply> submit(service::render_submission s) override;
  boost::asio::awaitable<service::render_reply> status(std::string id) override;
  boost::asio::awaitable<service::render_reply> cancel(std::string id) override;
  boost::asio::awaitable<service::render_fetch_result> download(
      service::render_fetch f, service::fetch_progress progress) override;
  boost::asio::awaitable<service::render_check_result> verify(std::string path) override;

 private:
  http_client http_;
  token_keeper keeper_;
  service::ffprobe_options probe_;
};

// The fallback download target for a render id: "/api/render/proxy/lambda/<id>/download".
std::string render_download_target(const std::string& id);

}  // namespace reel::upstream
