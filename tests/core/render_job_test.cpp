#include "core/render_job.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

using namespace reel::core;
using nlohmann::json;

TEST_CASE("render states round-trip through their store names; three of them are final") {
  const render_state all[] = {render_state::queued,    render_state::submitting,
                              render_state::rendering, render_state::downloading,
                              render_state::completed, render_state::failed,
                              render_state::cancelled};
  const char* names[] = {"queued",    "submitting", "rendering", "downloading",
                         "completed", "failed",     "cancelled"};
  for (std::size_t i = 0; i < std::size(all); ++i) {
    CAPTURE(names[i]);
    CHECK(to_string(all[i]) == names[i]);
    CHECK(render_state_from_string(names[i]) == all[i]);
    CHECK(is_finished(all[i]) == (i >= 4));
  }
  CHECK_FALSE(render_state_from_string("done"));
  CHECK_FALSE(render_state_from_string("Queued"));
  CHECK_FALSE(render_state_from_string(""));
}

TEST_CASE("a render id is render_<unix ms>_<random in base 36>, made from the caller's values") {
  CHECK(make_render_id(1732183333250, 0) == "render_1732183333250_0");
  CHECK(make_render_id(1732183333250, 35) == "render_1732183333250_z");
  CHECK(make_render_id(1732183333250, 36) == "render_1732183333250_10");
  CHECK(make_render_id(1, std::numeric_limits<std::uint64_t>::max()) == "render_1_3w5e11264sgsf");
  CHECK(make_render_id(-5, 1) == "render_0_1");
  CHECK(is_render_id(make_render_id(1732183333250, std::numeric_limits<std::uint64_t>::max())));
}

TEST_CASE("is_render_id takes only what make_render_id makes") {
  for (const char* ok : {"render_1_0", "render_1732183333250_3w5e11264sgsf"}) {
    CAPTURE(ok);
    CHECK(is_render_id(ok));
  }
  for (const char* bad :
       {"", "render_", "render_1", "render_1_", "render__x", "render_x_1", "render_1_A",
        "render_1_a-b", "render_1_a_b", "r_17", "Render_1_a", "render_1_a/../b"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_render_id(bad));
  }
  CHECK_FALSE(is_render_id("render_1_" + std::string(56, 'a')));  // 65 characters
  CHECK(is_render_id("render_1_" + std::string(55, 'a')));        // 64
}

TEST_CASE("a new job is queued, keeps the draft as sent, and writes its part file beside dest") {
  json draft{{"t", json::array()}, {"zz_unknown", 7}};
  auto j = make_render_job("render_1_a", "s_1", "local", draft, json{{"quality", "high"}},
                           "/state/renders/render_1_a.mp4", 1000);
  CHECK(j.state == render_state::queued);
  CHECK(j.progress == 0);
  CHECK(j.created_ms == 1000);
  CHECK(j.updated_ms == 1000);
  CHECK(j.draft == draft);
  CHECK(j.options == json{{"quality", "high"}});
  CHECK(j.attempts == 0);
  CHECK_FALSE(j.submitted_ms);
  CHECK(part_path(j) == "/state/renders/render_1_a.mp4.part");
  // Options that are not an object become {}.
  CHECK(make_render_job("render_1_a", "s", "local", {}, json(3), "/x", 0).options ==
        json::object());
}

TEST_CASE("the API view has every field, with nulls for what is not known yet") {
  auto j = make_render_job("render_1_a", "s_1", "nemovideo", json::object(), json::object(),
                           "/r/a.mp4", 1732183333250);
  const auto v = to_api_json(j);
  CHECK(v == json::parse(R"({
    "id": "render_1_a", "session": "s_1", "backend": "nemovideo", "state": "queued",
    "progress": 0.0, "created_at": "2024-11-21T10:02:13.250Z",
    "updated_at": "2024-11-21T10:02:13.250Z",
    "output": {"path": null, "url": null, "size": null, "sha256": null, "duration_s": null},
    "error": null})"));
}

TEST_CASE("the API view of a finished job carries its output or its error body") {
  auto j = make_render_job("render_1_a", "s_1", "local", {}, {}, "/r/a.mp4", 0);
  j.state = render_state::completed;
  j.progress = 1;
  j.output = {"/r/a.mp4", "https://cdn/x.mp4", 1234, "ab12", 2.5};
  auto v = to_api_json(j);
  CHECK(v["state"] == "completed");
  CHECK(v["output"] == json{{"path", "/r/a.mp4"},
                            {"url", "https://cdn/x.mp4"},
                            {"size", 1234},
                            {"sha256", "ab12"},
                            {"duration_s", 2.5}});
  CHECK(v["error"].is_null());

  j.state = render_state::failed;
  j.failure = make_error(errc::timeout, "too slow");
  v = to_api_json(j);
  CHECK(v["error"]["code"] == "timeout");
  CHECK(v["error"]["message"] == "too slow");
}

TEST_CASE("the event payload follows proto/examples/ws.event.render.progress.json") {
  auto j = make_render_job("r_17", "s_123", "local", {}, {}, "/r/a.mp4", 0);
  j.state = render_state::rendering;
  j.progress = 0.42;
  CHECK(to_event_json(j) ==
        json{{"job", "r_17"}, {"session", "s_123"}, {"state", "rendering"}, {"progress", 0.42}});
  j.state = render_state::completed;
  CHECK(to_event_json(j).contains("output"));
  j.state = render_state::failed;
  j.failure = make_error(errc::upstream_error, "boom");
  CHECK(to_event_json(j)["error"]["message"] == "boom");
  CHECK_FALSE(to_event_json(j).contains("output"));
}
