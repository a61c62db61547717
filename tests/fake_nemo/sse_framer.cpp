#include "fake_nemo/sse_framer.hpp"

#include <random>

namespace reel::fake_nemo {
namespace {

class writer {
 public:
  explicit writer(const framing& f) : f_(f), rng_(f.seed) {}

  const char* eol() {
    if (!f_.dribble) return "\n";
    return std::uniform_int_distribution<int>(0, 1)(rng_) == 0 ? "\n" : "\r\n";
  }

  // Queues `bytes`, split into 1-7 byte pieces when dribbling.
  void put(const std::string& bytes) {
    if (bytes.empty()) return;
    if (!f_.dribble) {
      emit(bytes);
      return;
    }
    std::uniform_int_distribution<std::size_t> size(1, 7);
    for (std::size_t at = 0; at < bytes.size();) {
      const auto n = std::min(size(rng_), bytes.size() - at);
      emit(bytes.substr(at, n));
      at += n;
    }
  }

  void pause(std::chrono::milliseconds ms) { pending_pause_ += ms; }

  void cut() {
    if (out_.empty() || pending_pause_.count() > 0) {
      out_.push_back(sse_chunk{{}, pending_pause_, true});
      pending_pause_ = {};
    } else {
      out_.back().close_after = true;
    }
  }

  std::vector<sse_chunk> take() { return std::move(out_); }

 private:
  void emit(std::string bytes) {
    out_.push_back(sse_chunk{std::move(bytes), pending_pause_, false});
    pending_pause_ = {};
  }

  const framing& f_;
  std::mt19937 rng_;
  std::vector<sse_chunk> out_;
  std::chrono::milliseconds pending_pause_{0};
};

}  // namespace

std::vector<sse_chunk> frame_chunks(const std::vector<sse_frame>& frames, const framing& f) {
  writer w(f);
  int events = 0;
  bool drop_next = false;
  bool first = true;
  for (const auto& frame : frames) {
    if (frame.what == sse_frame::kind::pause) {
      w.pause(frame.pause);
      continue;
    }
    if (frame.what == sse_frame::kind::drop) {
      drop_next = true;
      continue;
    }
    if (!first) w.pause(f.gap);
    first = false;
    std::string bytes;
    switch (frame.what) {
      case sse_frame::kind::event: {
        bytes = "data: " + frame.payload;
        bytes += w.eol();
        bytes += w.eol();
        if (drop_next || (f.drop_after_events >= 0 && events == f.drop_after_events)) {
          // Half an event: the client sees a data line that never ends.
          w.put(bytes.substr(0, bytes.size() / 2));
          w.cut();
          return w.take();
        }
        ++events;
        break;
      }
      case sse_frame::kind::comment:
        bytes = ": " + frame.payload;
        bytes += w.eol();
        bytes += w.eol();
        break;
      case sse_frame::kind::empty_data:
        bytes = "data:";
        bytes += w.eol();
        bytes += w.eol();
        break;
      case sse_frame::kind::raw:
        bytes = frame.payload;
        break;
      case sse_frame::kind::pause:
      case sse_frame::kind::drop:
        break;
    }
    w.put(bytes);
  }
  if (drop_next) w.cut();
  return w.take();
}

}  // namespace reel::fake_nemo
