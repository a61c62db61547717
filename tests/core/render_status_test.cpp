#include "core/render_status.hpp"

#include <doctest/doctest.h>

using namespace reel::core;
using nlohmann::json;

TEST_CASE("status words and their synonyms, in any case") {
  struct row {
    const char* word;
    upstream_state state;
  };
  const row rows[] = {
      {"queued", upstream_state::queued},          {"pending", upstream_state::queued},
      {"waiting", upstream_state::queued},         {"submitted", upstream_state::queued},
      {"processing", upstream_state::processing},  {"rendering", upstream_state::processing},
      {"running", upstream_state::processing},     {"in_progress", upstream_state::processing},
      {"completed", upstream_state::completed},    {"done", upstream_state::completed},
      {"success", upstream_state::completed},      {"succeeded", upstream_state::completed},
      {"failed", upstream_state::failed},          {"error", upstream_state::failed},
      {"cancelled", upstream_state::cancelled},    {"canceled", upstream_state::cancelled},
      {"DONE", upstream_state::completed},         {" Pending ", upstream_state::queued},
      {"In_Progress", upstream_state::processing}, {"", upstream_state::unknown},
      {"weird", upstream_state::unknown},
  };
  for (const auto& r : rows) {
    CAPTURE(r.word);
    CHECK(upstream_state_from_string(r.word) == r.state);
  }
}

TEST_CASE("progress reads 0-1 floats, 0-100 numbers and percent strings, clamped") {
  struct row {
    json progress;
    std::optional<double> expected;
  };
  const row rows[] = {
      {0.42, 0.42},  {42, 0.42},    {1, 0.01},   {1.0, 1.0},          {0, 0.0},
      {"45%", 0.45}, {"0.5", 0.5},  {"70", 0.7}, {150, 1.0},          {-3, 0.0},
      {"abc", {}},   {nullptr, {}}, {true, {}},  {json::array(), {}}, {" 12 % ", 0.12},
  };
  for (const auto& r : rows) {
    CAPTURE(r.progress.dump());
    const auto s = parse_render_status(json{{"status", "processing"}, {"progress", r.progress}});
    REQUIRE(s.progress.has_value() == r.expected.has_value());
    if (r.expected) CHECK(*s.progress == doctest::Approx(*r.expected));
  }
}

TEST_CASE("the file URL is found wherever the cloud puts it") {
  const char* bodies[] = {
      R"({"code":0,"message":"success","data":{"status":"completed","output":{"url":"U"}}})",
      R"({"code":0,"message":"success","data":{"status":"completed"},"outputUrl":"U"})",
      R"({"code":0,"message":"success","data":{"status":"completed","outputUrl":"U"}})",
      R"({"status":"completed","output":{"url":"U"}})",
      R"({"status":"completed","outputUrl":"U"})",
      R"({"status":"completed","output_url":"U"})",
      R"({"status":"completed","url":"U"})",
      R"({"data":{"status":"done","downloadUrl":"U"}})",
  };
  for (const char* b : bodies) {
    CAPTURE(b);
    const auto s = parse_render_status(json::parse(b));
    CHECK(s.state == upstream_state::completed);
    CHECK(s.url == "U");
    CHECK(s.progress == 1.0);
  }
  // Under data wins over the top level; an output.url wins over a bare url.
  CHECK(parse_render_status(json::parse(R"({"url":"top","data":{"output":{"url":"in"}}})")).url ==
        "in");
  CHECK(parse_render_status(json::parse(R"({"url":"bare","output":{"url":"out"}})")).url == "out");
  // A URL without any status means the file is there.
  CHECK(parse_render_status(json{{"outputUrl", "U"}}).state == upstream_state::completed);
  // No URL at all: empty, the machine falls back to the download call.
  CHECK(parse_render_status(json{{"status", "completed"}}).url.empty());
}

TEST_CASE("a status body as the simulator writes it (fake_nemo routes_render.cpp)") {
  const auto s = parse_render_status(json::parse(R"({"code":0,"message":"success","data":{
      "id":"render_1_a","status":"completed","progress":100,"sessionId":"s",
      "createdAt":"2026-01-01T00:00:00Z",
      "output":{"format":"mp4","size":4096,"sha256":"ABCD","duration":2000,"url":"http://h/f.mp4"}}})"));
  CHECK(s.state == upstream_state::completed);
  CHECK(s.word == "completed");
  CHECK(s.url == "http://h/f.mp4");
  CHECK(s.size == 4096u);
  CHECK(s.sha256 == "abcd");
  CHECK(s.message.empty());

  const auto p = parse_render_status(json::parse(
      R"({"code":0,"message":"success","data":{"status":"processing","progress":33}})"));
  CHECK(p.state == upstream_state::processing);
  CHECK(*p.progress == doctest::Approx(0.33));
  CHECK(p.message.empty());  // the envelope's "success" is not an error
}

TEST_CASE("why a render failed is read from the usual places") {
  const char* bodies[] = {
      R"({"code":0,"message":"success","data":{"status":"failed","error":{"code":5000,"message":"M"}}})",
      R"({"status":"failed","error":"M"})",
      R"({"status":"error","errorMessage":"M"})",
      R"({"status":"failed","error_message":"M"})",
      R"({"data":{"status":"failed","message":"M"}})",
      R"({"status":"failed","message":"M"})",
  };
  for (const char* b : bodies) {
    CAPTURE(b);
    const auto s = parse_render_status(json::parse(b));
    CHECK(s.state == upstream_state::failed);
    CHECK(s.message == "M");
  }
  CHECK(parse_render_status(json::parse(R"({"status":"failed","message":"success"})"))
            .message.empty());
}

TEST_CASE("anything that is not a status body reads as unknown without throwing") {
  for (const json& j : {json(), json(3), json("text"), json::array({1, 2}), json::object(),
                        json{{"data", nullptr}}, json{{"status", 5}, {"progress", "x"}}}) {
    CAPTURE(j.dump());
    const auto s = parse_render_status(j);
    CHECK(s.state == upstream_state::unknown);
    CHECK_FALSE(s.progress);
    CHECK(s.url.empty());
  }
}

TEST_CASE("an HTTP answer to a render call is classified once, one row per shape") {
  struct row {
    int http;
    const char* body;
    answer_kind kind;
    bool retryable;
  };
  const row rows[] = {
      {200, R"({"code":0,"message":"success","data":{"status":"pending"}})", answer_kind::ok,
       false},
      {200, R"({"id":"r","status":"pending"})", answer_kind::ok, false},
      {409, R"({"code":4090,"message":"render r already exists","data":{"status":"processing"}})",
       answer_kind::duplicate, false},
      {200, R"({"code":4090,"message":"render r already exists"})", answer_kind::duplicate, false},
      {400, R"({"code":400,"message":"Duplicate render id"})", answer_kind::duplicate, false},
      {404, R"({"code":404,"message":"render not found"})", answer_kind::not_found, false},
      {200, R"({"code":404,"message":"render not found"})", answer_kind::not_found, false},
      {402, R"({"code":402,"message":"Free plan export blocked"})", answer_kind::failed, false},
      {400, R"({"code":400,"message":"body must be ..."})", answer_kind::failed, false},
      {200, R"({"code":1002,"message":"session not found"})", answer_kind::failed, false},
      {502, "null", answer_kind::failed, true},
      {503, R"({"message":"busy"})", answer_kind::failed, true},
      {429, R"({"code":429,"message":"slow down"})", answer_kind::failed, true},
      {408, "null", answer_kind::failed, true},
  };
  for (const auto& r : rows) {
    CAPTURE(r.http);
    CAPTURE(r.body);
    const auto a = classify_render_answer(r.http, json::parse(r.body));
    CHECK(a.kind == r.kind);
    if (r.kind == answer_kind::failed) CHECK(is_retryable(a.fault) == r.retryable);
  }
  const auto dup = classify_render_answer(409, json::parse(rows[2].body));
  CHECK(dup.status.state == upstream_state::processing);
  const auto blocked = classify_render_answer(402, json::parse(rows[7].body));
  CHECK(blocked.fault.http_status == 402);
  CHECK(describe(blocked.fault) == "HTTP 402: Free plan export blocked");
  const auto biz = classify_render_answer(200, json::parse(rows[9].body));
  CHECK(describe(biz.fault) == "HTTP 200 (code 1002): session not found");
}

TEST_CASE("no HTTP answer at all is a retryable network fault") {
  const auto a = network_failure("connection refused");
  CHECK(a.kind == answer_kind::failed);
  CHECK(a.fault.http_status == 0);
  CHECK(is_retryable(a.fault));
  CHECK(describe(a.fault) == "network: connection refused");
}
