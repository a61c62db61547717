#pragma once
// Gathers a request body as it arrives: small bodies as text (capped), multipart/form-data as
// per-part summaries (name, size, first bytes) so uploads never sit in memory.
#include "fake_nemo/http_types.hpp"
#include "core/multipart_parser.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace reel::fake_nemo {

using core::multipart_boundary;
using core::multipart_event;
using core::multipart_parser;

class body_collector {
 public:
  // Parses multipart only when `allow_multipart` and `content_type` is multipart/form-data with
  // a boundary; otherwise keeps up to `text_limit` bytes as text (more sets too_large).
  body_collector(std::string_view content_type, bool allow_multipart,
                 std::size_t text_limit = 16u << 20);

  // Takes the next piece of the body.
  void feed(std::string_view chunk);
  // The collected body; `complete` false marks it too large (the reader stopped early).
  request_body finish(bool complete);

 private:
  static constexpr std::size_t head_bytes = 64;

  request_body body_;
  std::optional<multipart_parser> multipart_;
  std::size_t text_limit_;
};

}  // namespace reel::fake_nemo
