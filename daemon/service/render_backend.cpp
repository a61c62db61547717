#include "service/render_backend.hpp"

namespace reel::service {

core::render_answer classify(const render_reply& r) {
  if (r.http_status == 0)
    return core::network_failure(r.failure.empty() ? std::string("no answer") : r.failure);
  return core::classify_render_answer(r.http_status, r.body);
}

}  // namespace reel::service
