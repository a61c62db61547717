#include "fake_nemo/counters.hpp"

namespace reel::fake_nemo {
namespace {

template <class Map, class Key>
int lookup(const Map& m, const Key& k) {
  const auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

}  // namespace

int counters::calls(endpoint ep) const {
  return lookup(by_endpoint, ep);
}
int counters::token_calls(const std::string& token) const {
  return lookup(by_token, token);
}
int counters::session_calls(const std::string& sid) const {
  return lookup(by_session, sid);
}
int counters::posts(const std::string& render_id) const {
  return lookup(render_posts, render_id);
}
int counters::polls(const std::string& render_id) const {
  return lookup(render_polls, render_id);
}
int counters::downloads_of(const std::string& render_id) const {
  return lookup(downloads, render_id);
}

}  // namespace reel::fake_nemo
