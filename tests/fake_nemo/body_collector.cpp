#include "fake_nemo/body_collector.hpp"

#include <algorithm>

namespace reel::fake_nemo {

body_collector::body_collector(std::string_view content_type, bool allow_multipart,
                               std::size_t text_limit)
    : text_limit_(text_limit) {
  if (!allow_multipart) return;
  auto boundary = multipart_boundary(content_type);
  if (boundary.empty()) return;
  body_.multipart = true;
  multipart_.emplace(std::move(boundary));
}

void body_collector::feed(std::string_view chunk) {
  body_.bytes += chunk.size();
  if (!multipart_) {
    if (body_.text.size() + chunk.size() > text_limit_) {
      body_.too_large = true;
      return;
    }
    body_.text.append(chunk);
    return;
  }
  for (auto& e : multipart_->feed(chunk)) {
    switch (e.what) {
      case multipart_event::kind::part_begin:
        body_.parts.push_back(uploaded_part{
            std::move(e.name), std::move(e.filename), std::move(e.content_type), 0, {}});
        break;
      case multipart_event::kind::part_data: {
        auto& part = body_.parts.back();
        part.size += e.data.size();
        if (part.head.size() < head_bytes) {
          part.head.append(
              e.data.substr(0, std::min(e.data.size(), head_bytes - part.head.size())));
        }
        break;
      }
      case multipart_event::kind::error:
        body_.error = e.message;
        break;
      case multipart_event::kind::part_end:
      case multipart_event::kind::finished:
        break;
    }
  }
}

request_body body_collector::finish(bool complete) {
  if (!complete) body_.too_large = true;
  if (multipart_ && complete) {
    for (auto& e : multipart_->finish()) {
      if (e.what == multipart_event::kind::error && body_.error.empty()) body_.error = e.message;
    }
  }
  return std::move(body_);
}

}  // namespace reel::fake_nemo
