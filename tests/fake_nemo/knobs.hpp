#pragma once
// Every setting that shapes the simulator's answers. A plain value: read it with
// simulator::get_knobs(), change it with set_knobs()/update_knobs() from any thread.
#include "fake_nemo/endpoint.hpp"

#include <chrono>
#include <cstdint>
#include <map>

namespace reel::fake_nemo {

// Where a completed render's download URL appears in GET /api/render/proxy/lambda/<id>.
enum class url_placement {
  output_url,  // data.output.url (the contract)
  top_level,   // "outputUrl" at the top of the body, beside "code" and "data"
  data_flat,   // data.outputUrl
  none,        // no URL at all: clients must fall back to .../<id>/download
};

// How a render ends once its polls (or sim time) have run out.
enum class render_outcome { completed, failed };

struct knobs {
  // -- response shapes
  bool envelope = true;               // false: success bodies are the bare `data` object
  bool business_http_status = false;  // true: 1001→401 1002→404 2001→403 4001→415 4002→413
  url_placement render_url = url_placement::output_url;
  bool duplicate_render_conflict = true;  // false: a duplicate render id answers 200 + the job

  // -- auth
  int token_valid_calls = 0;      // > 0: a token answers 1001 after this many authenticated calls
  bool rate_limit_tokens = true;  // a client id with a live token gets HTTP 429
  std::chrono::seconds token_lifetime{7 * 24 * 3600};

  // -- credits
  std::int64_t starting_credits = 100;  // a new anonymous user's balance
  std::int64_t turn_cost = 1;           // credits one chat turn costs (frozen while it streams)

  // -- uploads
  std::uint64_t max_upload_bytes = 500ull << 20;  // per file; larger → 4002
  std::uint64_t body_limit = 600ull << 20;  // request body cap; larger → 4002, connection closed
  bool force_unsupported_type = false;      // every upload answers 4001

  // -- export
  bool require_attribution = true;  // render POST without X-Skill-* headers → HTTP 402
  bool plan_blocked = false;        // render POST → HTTP 402 even with attribution
  int render_pending_polls = 1;     // status polls that answer "pending"
  int render_processing_polls = 2;  // then polls that answer "processing" with rising progress
  std::chrono::milliseconds render_sim_time{0};  // > 0: progress follows the sim clock instead
  render_outcome render_result = render_outcome::completed;

  // -- chat (/run_sse)
  int silent_every = 0;            // every Nth unscripted turn streams no text (0 never, 1 always)
  bool sse_heartbeats = true;      // ": keep-alive" comments and empty "data:" lines in turns
  bool sse_dribble = false;        // 1-7 byte writes, LF and CRLF mixed
  std::uint32_t sse_seed = 7;      // the dribble's randomness
  int sse_drop_after_events = -1;  // >= 0: cut inside the event after this many
  std::chrono::milliseconds sse_gap{0};  // pause between frames
  bool sse_errors_in_stream = false;     // 1001/1002/2001 on /run_sse as an SSE error event

  // -- timing
  std::chrono::milliseconds delay{0};                            // before every answer
  std::map<endpoint, std::chrono::milliseconds> endpoint_delay;  // added for one endpoint
};

}  // namespace reel::fake_nemo
