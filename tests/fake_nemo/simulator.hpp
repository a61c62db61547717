#pragma once
// The NemoVideo cloud as a value machine: a request in, a response out, no sockets. Thread-safe:
// the server calls handle() on its I/O thread while tests turn knobs and read counters on theirs.
// Create it with std::make_shared (responses hold a reference back to settle chat credits).
#include "fake_nemo/counters.hpp"
#include "fake_nemo/http_types.hpp"
#include "fake_nemo/knobs.hpp"
#include "fake_nemo/turn_script.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace reel::fake_nemo {

struct world;

// A render job as tests see it.
struct render_view {
  std::string id;
  std::string session_id;
  std::string status;  // pending, processing, completed, failed, cancelled
  int progress = 0;
  int polls = 0;
  nlohmann::json draft;  // exactly what the client posted
  header_list headers;   // the POST's headers
};

class simulator : public std::enable_shared_from_this<simulator> {
 public:
  simulator();
  ~simulator();
  simulator(const simulator&) = delete;
  simulator& operator=(const simulator&) = delete;

  // ---- knobs (see knobs.hpp); take effect on the next request
  knobs get_knobs() const;
  void set_knobs(knobs k);
  void update_knobs(const std::function<void(knobs&)>& change);

  // ---- armed faults, consumed one request at a time
  // The next `count` requests to `ep` answer `http_status` (5xx as an HTML gateway page, others
  // as {"code":status,"message"}), before auth is checked.
  void fail_next(endpoint ep, int count, int http_status = 502);
  // The next `count` responses of `ep` are cut after `after_bytes` body bytes (connection closed).
  void drop_next(endpoint ep, int count, std::uint64_t after_bytes);
  // Clears every armed fault.
  void clear_faults();

  // ---- state surgery
  // Registers a token that never expires (a user's own NEMO_TOKEN) with its own balance.
  void add_token(const std::string& token, std::int64_t credits);
  // The token (or every token) answers 1001 from now on.
  void expire_token(const std::string& token);
  void expire_all_tokens();
  // The session (or every session) answers 1002 from now on.
  void lose_session(const std::string& session_id);
  void lose_all_sessions();
  // Sets the available balance of the user behind `token`; false when the token is unknown.
  bool set_credits(const std::string& token, std::int64_t available);
  // Forgets which client ids hold tokens, so the next anonymous-token call is not a 429.
  void reset_rate_limit();
  // Moves the sim clock (token expiry, rate-limit window, time-driven renders).
  void advance_clock(std::chrono::seconds by);
  // Queues what the next /run_sse turn of `session_id` streams (FIFO per session).
  void queue_turn(const std::string& session_id, turn_script script);

  // ---- inspection (snapshots)
  counters get_counters() const;
  // The last 1000 requests, oldest first.
  std::vector<request_record> requests() const;
  std::vector<std::string> session_ids() const;
  // {"draft","video_infos","generated_media"} of a live session; nullopt when unknown.
  std::optional<nlohmann::json> session_state(const std::string& session_id) const;
  std::optional<render_view> render(const std::string& render_id) const;
  // The newest token issued to `client_id`; empty when none.
  std::string token_of(const std::string& client_id) const;

  // ---- used by the server
  // "http://127.0.0.1:8787": the fallback origin of output URLs (the Host header wins).
  void set_base_url(std::string url);
  // Prints one line per request to stderr when on.
  void set_verbose(bool on);
  // Called on the server's thread with the bytes of every event-stream chunk just before the
  // server writes it (benchmarks stamp the simulator's write times); empty to stop.
  void set_stream_observer(std::function<void(std::string_view)> observer);
  // The request body cap (knobs::body_limit), read before a body is received.
  std::uint64_t body_limit() const;
  // Answers one request. Never throws for bad input; internal errors become HTTP 500.
  sim_response handle(const sim_request& req);

 private:
  void settle_turn(const std::string& user_id, std::int64_t amount);

  mutable std::mutex mu_;
  std::unique_ptr<world> w_;
  bool verbose_ = false;
  std::function<void(std::string_view)> stream_observer_;
};

}  // namespace reel::fake_nemo
