#pragma once
// The `nemovideo` backend (spec/upstream-nemovideo.md): service::backend over nemo_api. Sessions,
// uploads (streamed from disk, progress reported), credits, state (the draft verbatim) and chat
// turns (run_sse → core::sse_parser → core::decode_agent_event). Nothing here touches the
// network until a call is made: constructing it, health() and status() never do.
//
// Lives on the io_context's one thread; the api handle and the callbacks outlive every call.
#include "service/backend.hpp"
#include "upstream/nemo_api.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace reel::upstream {

class nemo_backend final : public service::backend {
 public:
  struct options {
    bool is_default = false;
    // Where the token came from when the user supplied it: "env" or "config".
    std::string user_token_source = "config";
    // Called after a call that found a new anonymous token in place: {"expires_at"}.
    std::function<void(const nlohmann::json&)> on_token_renewed;
    // Called when a credits call saw a balance other than the last one: {"available",...}.
    std::function<void(const nlohmann::json&)> on_credits_changed;
    std::string default_language = "en";
  };

  // A backend over `api`.
  nemo_backend(nemo_api api, options o);
  // A backend that could not be configured (bad base URL, unreadable CA file): every call
  // fails with `why` (bad_request) and health() says unavailable.
  nemo_backend(core::error why, options o);

  std::string_view name() const noexcept override { return "nemovideo"; }
  nlohmann::json health() const override;

  service::async_result<service::created_session> create_session(
      store::session_row session) override;
  service::async_result<service::media_added> add_media(store::session_row session,
                                                        service::media_source source,
                                                        service::progress_fn progress) override;
  service::async_result<service::credit_balance> credits() override;
  service::async_result<service::backend_state> state(store::session_row session) override;
  // Streams one turn. Succeeds when the stream ended normally without an error event; an error
  // event is handed to `on_item` and then returned mapped (2001 out_of_credits with the
  // registration link, 1002 session_lost, 1001 token_invalid after marking the token for
  // renewal). A refusal before streaming fails mapped; a cut stream fails upstream_unavailable.
  service::async_result<void> chat(store::session_row session, std::string text,
                                   service::item_fn on_item) override;

  // For /v1/status: {"token":{"state","source","expires_at"},"credits":{...}|null}. No I/O.
  nlohmann::json upstream_status() const;

  struct shared;

 private:
  std::shared_ptr<shared> s_;
};

// The metadata stored for one uploaded file from the cloud's media info: duration_s, size,
// width, height, format, type when present, and the info itself under "cloud".
nlohmann::json media_meta_from_cloud(const nlohmann::json& info);

}  // namespace reel::upstream
