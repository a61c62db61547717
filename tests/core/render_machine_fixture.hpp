#pragma once
// Shared by the render_machine tests: a job, answers, and `run`, which feeds a machine and
// acknowledges persists and events on the way.
#include "core/render_machine.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace render_fixture {

using namespace reel::core;
using nlohmann::json;
using M = render_machine;
using namespace std::chrono_literals;

inline constexpr std::int64_t t0 = 1'700'000'000'000;
inline const std::string id = "render_1700000000000_a";
inline const std::string dest = "/st/renders/" + id + ".mp4";
inline const std::string part = dest + ".part";
inline const std::string url = "https://cdn.example/x.mp4";

inline render_job new_job(render_state state = render_state::queued) {
  auto j = make_render_job(id, "s_1", "nemovideo", json{{"t", json::array()}, {"zz", 1}},
                           json{{"format", "mp4"}, {"quality", "high"}}, dest, t0);
  j.state = state;
  return j;
}

template <class T>
const T& as(const M::action& a) {
  REQUIRE_MESSAGE(std::holds_alternative<T>(a), "unexpected action #" << a.index());
  return std::get<T>(a);
}

inline render_status status(upstream_state s, std::optional<double> progress = {},
                            std::string u = {}) {
  render_status r;
  r.state = s;
  r.progress = progress;
  r.url = std::move(u);
  return r;
}

inline M::status_result ok_status(upstream_state s, std::optional<double> p = {},
                                  std::string u = {}) {
  return {M::status_result::ok, status(s, p, std::move(u)), {}};
}
inline M::status_result bad_status(int http, std::string message = "") {
  return {M::status_result::failed, {}, {http, std::nullopt, std::move(message)}};
}
inline M::download_result complete(std::uint64_t size = 4096, std::string sha = "ab") {
  return {M::download_result::complete, size, std::move(sha), 0, {}};
}
inline M::download_result cut(std::uint64_t bytes) {
  return {M::download_result::cut, 0, {}, bytes, {0, std::nullopt, "reset"}};
}
inline M::download_result dl_failed(int http) {
  return {M::download_result::failed, 0, {}, 0, {http, std::nullopt, "nope"}};
}

// Feeds a machine and acknowledges persists and events on the way, recording everything.
struct run {
  M m;
  std::int64_t now = t0;
  M::action last;
  std::vector<M::action> seen;

  explicit run(render_job j, render_policy p = {}) : m(std::move(j), p) {}

  const M::action& feed(const M::input& in) {
    last = m.resume(in, now);
    seen.push_back(last);
    return last;
  }
  // Acknowledges persist and emit_event until the machine asks for something else.
  const M::action& settle() {
    while (true) {
      if (std::holds_alternative<M::persist>(last))
        feed(M::persisted{});
      else if (std::holds_alternative<M::emit_event>(last))
        feed(M::emitted{});
      else
        return last;
    }
  }
  const M::action& go(const M::input& in) {
    feed(in);
    return settle();
  }
  // Fires the pending wait at its time and returns what follows.
  const M::action& fire() {
    now = as<M::wait>(last).until_ms;
    return go(M::timer_fired{});
  }
  std::vector<std::string> events() const {
    std::vector<std::string> r;
    for (const auto& a : seen)
      if (const auto* e = std::get_if<M::emit_event>(&a)) r.push_back(e->name);
    return r;
  }
  std::vector<render_job> persists() const {
    std::vector<render_job> r;
    for (const auto& a : seen)
      if (const auto* p = std::get_if<M::persist>(&a)) r.push_back(p->job);
    return r;
  }
  int count(std::size_t action_index) const {
    int n = 0;
    for (const auto& a : seen) n += a.index() == action_index;
    return n;
  }
};

// A fresh job submitted and accepted: the machine waits for its first poll.
inline run polling(render_policy p = {}) {
  run r(new_job(), p);
  as<M::submit>(r.go(M::started{}));
  as<M::wait>(r.go(M::submit_result{M::submit_result::accepted, {}}));
  return r;
}

// A job whose render completed at `url`: the machine asks for the download.
inline run downloading(render_policy p = {}) {
  run r = polling(p);
  as<M::poll>(r.fire());
  r.go(ok_status(upstream_state::completed, 1.0, url));
  return r;
}

}  // namespace render_fixture
