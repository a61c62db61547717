#pragma once
// The bench's WebSocket clients of one session: N subscribers of session:<id> on one io_context
// thread (the calling thread). Each reads its socket directly into a buffer that keeps the whole
// stream, noting when each read ended, and stops at the turn's chat.done or chat.error; after the
// turn the frames are split (as the fan-out bench does) to find when each streamed piece
// "[#N] ..." arrived and to check that seq grows by one (nothing lost). Looking into the frames
// only afterwards keeps the bench's own CPU off the two cores while the daemon relays.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace reel::bench {

struct chat_subscribers_options {
  std::uint16_t port = 0;
  std::string key;
  std::string session;
  int clients = 100;
  std::size_t markers = 10000;  // pieces "[#0]".."[#markers-1]" the turn streams
  std::chrono::seconds deadline{120};
};

struct chat_subscribers_outcome {
  int subscribed = 0;
  int finished = 0;  // clients that saw chat.done or chat.error
  int closed_early = 0;
  std::int64_t events = 0;   // event frames received, all clients
  std::int64_t bytes = 0;    // bytes received after subscribing, all clients
  std::int64_t gaps = 0;     // seq jumps (a lost event) or seq not growing, all clients
  std::int64_t pieces = 0;   // streamed "[#N]" pieces received, all clients
  std::int64_t missing = 0;  // pieces some client never got
  std::int64_t last_receive_ns = 0;
  std::string end_event;  // chat.done or chat.error (client 0)
  bool timed_out = false;
  std::vector<std::string> failures;
  // received_ns[c][i]: when client c received piece i (0: never).
  std::vector<std::vector<std::int64_t>> received_ns;
};

class chat_subscribers {
 public:
  explicit chat_subscribers(chat_subscribers_options o);
  ~chat_subscribers();
  chat_subscribers(const chat_subscribers&) = delete;
  chat_subscribers& operator=(const chat_subscribers&) = delete;

  // Connects and subscribes every client, calls `start` (send the message) once all are
  // subscribed, then reads until every client saw the turn end or the deadline. Failures are in
  // the outcome.
  chat_subscribers_outcome run(const std::function<void()>& start);

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace reel::bench
