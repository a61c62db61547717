#pragma once
// Lays SSE frames out as bytes on the wire: `data: <json>` + blank line per event, optionally
// dribbled 1-7 bytes at a time with CRLF and LF line endings mixed, optionally cut mid-event.
#include "fake_nemo/http_types.hpp"
#include "fake_nemo/turn_script.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace reel::fake_nemo {

struct framing {
  bool dribble = false;              // 1-7 byte chunks; each line ends in LF or CRLF at random
  std::uint32_t seed = 7;            // the dribble's random choices (deterministic per seed)
  int drop_after_events = -1;        // >= 0: after this many events, half of the next, then cut
  std::chrono::milliseconds gap{0};  // pause before every frame but the first
};

// The chunks to write for `frames`; the last one has close_after when the stream is cut.
std::vector<sse_chunk> frame_chunks(const std::vector<sse_frame>& frames, const framing& f);

}  // namespace reel::fake_nemo
