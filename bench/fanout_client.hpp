#pragma once
// The bench's side of the WebSocket fan-out: one publisher and N subscribers of "app:bench", all
// on one io_context thread in the calling thread, so the client stays cheap and the daemon is what
// gets measured. Beast stays in the .cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace reel::bench {

struct fanout_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string key;     // the daemon's API key, sent as Authorization: Bearer
  int clients = 100;   // subscriber connections
  int events = 10000;  // events the publisher sends
  int window = 256;    // publish requests in flight before the publisher waits for results
  int rate = 0;        // events/s to pace the publisher at; 0: as fast as the window allows
  std::chrono::seconds deadline{60};   // the whole run gives up after this
  std::size_t sample_bytes = 2 << 20;  // bytes subscriber 0 read, kept for the parse reference
};

// Called on the io thread between phases, where the daemon is quiet or just done.
struct fanout_hooks {
  std::function<void()> subscribed;  // every subscriber (and the publisher) connected, idle
  std::function<void()> publishing;  // just before the first publish
  std::function<void()> finished;    // every delivery arrived (or the run gave up)
};

struct fanout_outcome {
  std::int64_t expected = 0;      // clients * events
  std::int64_t delivered = 0;     // events received by subscribers
  std::int64_t out_of_order = 0;  // events whose seq did not grow on their connection
  std::int64_t accepted = 0;      // publish results with ok:true
  std::int64_t publish_errors = 0;
  std::int64_t closed_early = 0;      // subscribers the daemon closed before the end
  std::int64_t first_publish_ns = 0;  // CLOCK_MONOTONIC stamps
  std::int64_t last_result_ns = 0;
  std::int64_t last_delivery_ns = 0;
  double client_cpu_s = 0;  // this process's CPU time from first publish to the last delivery
  bool timed_out = false;
  std::vector<std::string> failures;       // setup and protocol failures, in words
  std::vector<std::int64_t> latencies_ns;  // receive - publish stamp, one per delivery
  std::vector<std::string> sample_chunks;  // subscriber 0's first socket reads, as received
};

class fanout_client {
 public:
  fanout_client(fanout_options opts, fanout_hooks hooks);
  ~fanout_client();
  fanout_client(const fanout_client&) = delete;
  fanout_client& operator=(const fanout_client&) = delete;

  // Connects, subscribes, publishes, waits for the deliveries, closes. Runs the io_context in the
  // calling thread until all of it is done. Failures are reported in the outcome, not thrown.
  fanout_outcome run();

  // Deliveries/s the subscriber's own processing sustains: `chunks` (as captured in
  // sample_chunks) go through the same frame splitting and recording, clock reads included,
  // until `total` events have been taken. 0 when the chunks hold no event.
  static double replay_rate(const std::vector<std::string>& chunks, std::int64_t total);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace reel::bench
