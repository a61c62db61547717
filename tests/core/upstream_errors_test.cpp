#include "core/upstream_errors.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace reel::core;
using nlohmann::json;

TEST_CASE("the upstream code table, one row per mapping") {
  struct row {
    int code;
    errc local;
    const char* says;                     // part of the message
    const char* hint;                     // part of the hint, or nullptr for none
    std::optional<double> retry_after_s;  // only 429
  };
  const row rows[] = {
      {1001, errc::token_invalid, "no longer accepts Reel's access token", "new token", {}},
      {1002, errc::session_lost, "lost this editing session", "new session", {}},
      {2001, errc::out_of_credits, "free credits are used up", "/register?bind=", {}},
      {4001,
       errc::unsupported_media,
       "Accepted formats: mp4, mov, avi, webm, mkv (video); jpg, png, gif, webp (images); "
       "mp3, wav, m4a, aac (audio).",
       "Convert",
       {}},
      {4002, errc::payload_too_large, "too large", "Compress it", {}},
      {400, errc::upstream_error, "missing client id", "creates a client id", {}},
      {401, errc::token_invalid, "access token", "new token", {}},
      {402, errc::plan_blocked, "a subscription matter, not credits", "upgrade your plan", {}},
      {429, errc::rate_limited, "too many requests", "30 seconds", 30.0},
      {500, errc::upstream_unavailable, "unavailable right now (HTTP 500)", "minute", {}},
      {502, errc::upstream_unavailable, "(HTTP 502)", "minute", {}},
      {503, errc::upstream_unavailable, "(HTTP 503)", "minute", {}},
      {504, errc::upstream_unavailable, "(HTTP 504)", "minute", {}},
      {403, errc::upstream_error, "rejected the request (HTTP 403)", nullptr, {}},
      {404, errc::upstream_error, "(HTTP 404)", nullptr, {}},
      {418, errc::upstream_error, "(HTTP 418)", nullptr, {}},
      {3005, errc::upstream_error, "reported an error (code 3005)", nullptr, {}},
      {-1, errc::upstream_error, "(code -1)", nullptr, {}},
  };
  upstream_context ctx;
  ctx.client_id = "6f1c2d3e-0000-4a5b-8c9d-0123456789ab";
  for (const auto& r : rows) {
    CAPTURE(r.code);
    const auto e = map_upstream_code(r.code, ctx);
    CHECK(e.code == r.local);
    CHECK(e.upstream_code == r.code);
    CHECK_MESSAGE(e.message.find(r.says) != std::string::npos, e.message);
    if (r.hint) {
      REQUIRE(e.hint);
      CHECK_MESSAGE(e.hint->find(r.hint) != std::string::npos, *e.hint);
    } else {
      CHECK_FALSE(e.hint);
    }
    CHECK(e.retry_after_s == r.retry_after_s);
    CHECK(map_http_status(r.code, ctx).code == r.local);
  }
}

TEST_CASE("out of credits: a registration link for anonymous tokens, top-up for users") {
  upstream_context anon;
  anon.client_id = "6f1c2d3e-0000-4a5b-8c9d-0123456789ab";
  const auto a = map_upstream_code(2001, anon);
  CHECK(a.hint ==
        "Register to get more credits and keep this work: "
        "https://nemovideo.ai/register?bind=6f1c2d3e-0000-4a5b-8c9d-0123456789ab");
  CHECK(http_status(a.code) == 402);

  anon.register_url = "https://example.invalid/signup?ref=reel";
  anon.client_id = "a b/c";
  CHECK(map_upstream_code(2001, anon).hint->ends_with("/signup?ref=reel&bind=a%20b%2Fc"));
  anon.client_id.clear();
  CHECK(map_upstream_code(2001, anon).hint->ends_with(": https://example.invalid/signup?ref=reel"));

  upstream_context user;
  user.anonymous_token = false;
  user.client_id = "ignored";
  const auto u = map_upstream_code(2001, user);
  CHECK(u.message == "You are out of credits on the video service.");
  CHECK(u.hint == "Top up your credits at nemovideo.ai, then try again.");
  CHECK(registration_link("https://r.invalid/x", "id-1") == "https://r.invalid/x?bind=id-1");
}

TEST_CASE("unwrap_envelope: data, bare bodies and mapped errors") {
  struct row {
    const char* what;
    const char* body;  // nullptr: not JSON (an HTML error page), passed as null
    int status;
    std::optional<errc> error;
    const char* value;  // expected JSON when ok
    std::optional<int> upstream_code;
  };
  const row rows[] = {
      {"code 0 gives data",
       R"({"code":0,"message":"success","data":{"token":"t"}})",
       200,
       {},
       R"({"token":"t"})",
       {}},
      {"code 0 without data gives the body",
       R"({"code":0,"message":"ok"})",
       200,
       {},
       R"({"code":0,"message":"ok"})",
       {}},
      {"null data stays null", R"({"code":0,"data":null})", 200, {}, "null", {}},
      {"no envelope",
       R"({"available":90,"frozen":10,"total":100})",
       200,
       {},
       R"({"available":90,"frozen":10,"total":100})",
       {}},
      {"a bare code field is payload",
       R"({"code":"ABC","id":1})",
       200,
       {},
       R"({"code":"ABC","id":1})",
       {}},
      {"an array", R"([1,2])", 201, {}, "[1,2]", {}},
      {"1001 in a 200", R"({"code":1001,"message":"token expired"})", 200, errc::token_invalid,
       nullptr, 1001},
      {"1001 in a 401", R"({"code":1001,"message":"token expired"})", 401, errc::token_invalid,
       nullptr, 1001},
      {"1002 in a 404", R"({"code":1002,"message":"session not found"})", 404, errc::session_lost,
       nullptr, 1002},
      {"2001 in a 403", R"({"code":2001,"message":"insufficient credits"})", 403,
       errc::out_of_credits, nullptr, 2001},
      {"4001", R"({"code":4001,"message":"unsupported file type: a.exe"})", 200,
       errc::unsupported_media, nullptr, 4001},
      {"4002 as a string", R"({"code":"4002","message":"file too large"})", 413,
       errc::payload_too_large, nullptr, 4002},
      {"HTTP 400 envelope", R"({"code":400,"message":"missing X-Client-Id header"})", 400,
       errc::upstream_error, nullptr, 400},
      {"HTTP 402 envelope", R"({"code":402,"message":"Free plan export blocked"})", 402,
       errc::plan_blocked, nullptr, 402},
      {"HTTP 429 envelope", R"({"code":429,"message":"rate limited"})", 429, errc::rate_limited,
       nullptr, 429},
      {"HTML 502", nullptr, 502, errc::upstream_unavailable, nullptr, 502},
      {"unknown code on a 500 keeps it", R"({"code":9999,"message":"boom"})", 500,
       errc::upstream_unavailable, nullptr, 9999},
      {"unknown code on a 200", R"({"code":3005,"message":"odd"})", 200, errc::upstream_error,
       nullptr, 3005},
      {"code 0 on a 503", R"({"code":0,"message":"ok"})", 503, errc::upstream_unavailable, nullptr,
       503},
      {"bare 404", R"({"detail":"Not Found"})", 404, errc::upstream_error, nullptr, 404},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    const auto body = r.body ? json::parse(r.body) : json();
    const auto res = unwrap_envelope(body, r.status);
    if (!r.error) {
      REQUIRE(res.has_value());
      CHECK(*res == json::parse(r.value));
      continue;
    }
    REQUIRE_FALSE(res.has_value());
    CHECK(res.error().code == *r.error);
    CHECK(res.error().upstream_code == r.upstream_code);
  }
  CHECK(unwrap_envelope(json::parse(R"({"code":429,"message":"x"})"), 429).error().retry_after_s ==
        30.0);
}

TEST_CASE("an upstream message is never echoed, so a token in it cannot leak") {
  const auto body = json::parse(
      R"({"code":1001,"message":"invalid token Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig"})");
  const auto res = unwrap_envelope(body, 401);
  REQUIRE_FALSE(res.has_value());
  CHECK(res.error().message.find("eyJ") == std::string::npos);
  CHECK(res.error().message.find("Bearer") == std::string::npos);
  CHECK(res.error().hint->find("eyJ") == std::string::npos);
  const auto odd = unwrap_envelope(json::parse(R"({"code":7,"message":"tok_abcdef123456"})"), 200);
  CHECK(odd.error().message.find("tok_") == std::string::npos);
}
