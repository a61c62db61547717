#pragma once
// The reference of bench_chat_relay: the least work a relay of one chat turn can do, measured on
// the same machine in the same run as reeld. It speaks just what the bench's subscribers use (a
// WebSocket upgrade, hello, one subscribe answered ok, event frames written as reeld writes
// them), reads the simulator's /run_sse as reeld does (chunked body, 64 KiB reads), takes the
// text out of each `data:` line with a string search, and sends every subscriber one chat.text
// per upstream read, then the final text and chat.done. Each frame is built once, header and
// all, and written straight to every socket (sendmsg, no write operation per client). No
// authentication, no store, no turn rules, no GUI translation, no back-pressure limits: what is
// left is the parsing, framing and kernel work no relay can skip. Runs on its own thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace reel::bench {

struct reference_upstream {
  std::uint16_t port = 0;  // the simulator, on 127.0.0.1
  std::string token;       // a token the simulator knows
  std::string session;     // the simulator's session id the turn was queued for
};

class reference_relay {
 public:
  // `hold`: 0 sends the text of each upstream read at once; more holds it that long for the text
  // of the reads after it (reeld sends at most one chat.text per millisecond while text keeps
  // coming), so fewer, larger frames go out.
  explicit reference_relay(reference_upstream up,
                           std::chrono::microseconds hold = std::chrono::microseconds(0));
  ~reference_relay();  // stops the thread, closes every connection
  reference_relay(const reference_relay&) = delete;
  reference_relay& operator=(const reference_relay&) = delete;

  std::uint16_t port() const noexcept;
  // Starts the turn (thread-safe): POST /run_sse, relay, final text, chat.done.
  void start_turn();
  // CPU time (user + system) of the relay's thread so far, in seconds.
  double cpu_s() const;
  // Empty, or why the turn failed.
  std::string error() const;

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace reel::bench
