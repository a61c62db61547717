#include "core/sse_parser.hpp"

#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <vector>

namespace reel::core {
std::ostream& operator<<(std::ostream& os, const sse_event& e) {
  static const char* const kinds[] = {"message", "heartbeat", "comment"};
  return os << "{" << kinds[static_cast<int>(e.kind)] << " type=" << e.type << " data=" << e.data
            << " id=" << e.id << "}";
}
}  // namespace reel::core

namespace {

using reel::core::sse_event;
using reel::core::sse_kind;
using reel::core::sse_limits;
using reel::core::sse_parser;

sse_event message(std::string data, std::string id = "", std::string type = "message") {
  return {sse_kind::message, std::move(type), std::move(data), std::move(id)};
}
sse_event heartbeat(std::string id = "", std::string type = "message") {
  return {sse_kind::heartbeat, std::move(type), "", std::move(id)};
}
sse_event comment(std::string text) {
  return {sse_kind::comment, "", std::move(text), ""};
}

// Feeds the pieces in order and returns every event; fails the test on a parser error.
std::vector<sse_event> parse(const std::vector<std::string_view>& pieces, sse_parser& p) {
  std::vector<sse_event> out;
  for (auto piece : pieces) REQUIRE(p.feed(piece, out).has_value());
  return out;
}
std::vector<sse_event> parse(std::string_view whole) {
  sse_parser p;
  return parse({whole}, p);
}

// BOM, CRLF / CR / LF mixed, comments, Chinese and German text, multi-line data, ids, retry,
// a field without colon, an event type, an empty-data heartbeat and a cut-off final event.
const std::string representative =
    "\xEF\xBB\xBF"
    ": hello heartbeat\r\n"
    "event: start\r\n"
    "data: {\"text\":\"你好，世界\"}\r\n"
    "\r\n"
    "data: first line\n"
    "data:second line\n"
    "data:  two spaces\n"
    "id: 7\n"
    "\n"
    "data: Grüße aus München\r"
    "\r"
    ":\n"
    "data\n"
    "\n"
    "retry: 1500\n"
    "event: ping\n"
    "\n"
    "\n"
    "data: tail 导出\r\n"
    "\r\n"
    "data: cut off";

const std::vector<sse_event> representative_events = {
    comment("hello heartbeat"),
    message("{\"text\":\"你好，世界\"}", "", "start"),
    message("first line\nsecond line\n two spaces", "7"),
    message("Grüße aus München", "7"),
    comment(""),
    heartbeat("7"),
    heartbeat("7", "ping"),
    message("tail 导出", "7"),
};

TEST_CASE("sse: a representative stream fed whole") {
  sse_parser p;
  CHECK(parse({representative}, p) == representative_events);
  CHECK(p.retry_ms() == 1500u);
  CHECK(p.last_event_id() == "7");
  CHECK(p.finish());  // "data: cut off" was pending
}

TEST_CASE("sse: a representative stream fed byte by byte") {
  sse_parser p;
  std::vector<sse_event> out;
  for (char c : representative) REQUIRE(p.feed(std::string_view(&c, 1), out).has_value());
  CHECK(out == representative_events);
  CHECK(p.finish());
}

TEST_CASE("sse: a representative stream split at every position and every pair of positions") {
  const std::string_view s = representative;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    sse_parser p;
    const auto out = parse({s.substr(0, i), s.substr(i)}, p);
    INFO("split at " << i);
    REQUIRE(out == representative_events);
  }
  for (std::size_t i = 0; i <= s.size(); ++i) {
    for (std::size_t j = i; j <= s.size(); ++j) {
      sse_parser p;
      const auto out = parse({s.substr(0, i), s.substr(i, j - i), s.substr(j)}, p);
      if (out != representative_events) FAIL("split at " << i << " and " << j);
    }
  }
}

TEST_CASE("sse: LF, CR and CRLF each end a line") {
  CHECK(parse("data: a\n\n") == std::vector{message("a")});
  CHECK(parse("data: a\r\r") == std::vector{message("a")});
  CHECK(parse("data: a\r\n\r\n") == std::vector{message("a")});
  CHECK(parse("data: a\r\ndata: b\rdata: c\n\r\n") == std::vector{message("a\nb\nc")});
}

TEST_CASE("sse: a CRLF split across feeds is one line end") {
  sse_parser p;
  CHECK(parse({"data: a\r", "\ndata: b\r", "\n\r", "\n"}, p) == std::vector{message("a\nb")});
}

TEST_CASE("sse: an empty feed between CR and LF keeps them together") {
  sse_parser p;
  CHECK(parse({"data: a\r", "", "\n", "\n"}, p) == std::vector{message("a")});
}

TEST_CASE("sse: CR at the end of a feed followed by CR is a blank line") {
  sse_parser p;
  CHECK(parse({"data: a\r", "\r"}, p) == std::vector{message("a")});
}

TEST_CASE("sse: a leading BOM is stripped once, even split across feeds") {
  sse_parser p;
  CHECK(parse({"\xEF", "\xBB", "\xBF", "data: x\n\n"}, p) == std::vector{message("x")});
  // A second BOM is part of the field name, so the field is unknown and only a heartbeat remains.
  CHECK(parse("\xEF\xBB\xBF\xEF\xBB\xBF"
              "data: x\n\n") == std::vector{heartbeat()});
}

TEST_CASE("sse: bytes that only start like a BOM stay content") {
  // "\xEF\xBB" + ":" would be a comment only if the BOM were complete; here the line is a field.
  CHECK(parse("\xEF\xBB: x\n\n") == std::vector{heartbeat()});
  CHECK(parse("\xEF:x\ndata: y\n\n") == std::vector{message("y")});
}

TEST_CASE("sse: comments are reported with one leading space removed") {
  CHECK(parse(": ping\n") == std::vector{comment("ping")});
  CHECK(parse(":  two\n") == std::vector{comment(" two")});
  CHECK(parse(":\n:\n") == std::vector{comment(""), comment("")});
  // A comment does not end or start an event.
  CHECK(parse("data: a\n: keepalive\ndata: b\n\n") ==
        std::vector{comment("keepalive"), message("a\nb")});
}

TEST_CASE("sse: multi-line data is joined with LF") {
  CHECK(parse("data: a\ndata: b\ndata: c\n\n") == std::vector{message("a\nb\nc")});
  CHECK(parse("data:\ndata:\n\n") == std::vector{message("\n")});
}

TEST_CASE("sse: only one space after the colon is removed") {
  CHECK(parse("data:x\n\n") == std::vector{message("x")});
  CHECK(parse("data: x\n\n") == std::vector{message("x")});
  CHECK(parse("data:  x \n\n") == std::vector{message(" x ")});
  CHECK(parse("data:\tx\n\n") == std::vector{message("\tx")});
  CHECK(parse("data: a:b: c\n\n") == std::vector{message("a:b: c")});
}

TEST_CASE("sse: a field without colon has an empty value") {
  CHECK(parse("data\n\n") == std::vector{heartbeat()});
  CHECK(parse("data\ndata\n\n") == std::vector{message("\n")});
  CHECK(parse("event: x\nevent\ndata: d\n\n") == std::vector{message("d")});
}

TEST_CASE("sse: the event field sets the type of one event only") {
  CHECK(parse("event: delta\ndata: a\n\ndata: b\n\n") ==
        std::vector{message("a", "", "delta"), message("b")});
}

TEST_CASE("sse: ids persist, an empty id resets, an id with NUL is ignored") {
  using namespace std::string_literals;
  sse_parser p;
  const auto out =
      parse({"id: 1\ndata: a\n\ndata: b\n\n"s, "id: 2\0x\ndata: c\n\n"s, "id\ndata: d\n\n"s}, p);
  CHECK(out == std::vector{message("a", "1"), message("b", "1"), message("c", "1"), message("d")});
  CHECK(p.last_event_id().empty());
}

TEST_CASE("sse: retry takes digits only") {
  auto retry_of = [](std::string_view s) {
    sse_parser p;
    std::vector<sse_event> out;
    REQUIRE(p.feed(s, out).has_value());
    return p.retry_ms();
  };
  CHECK(retry_of("retry: 3000\n") == 3000u);
  CHECK(retry_of("retry:0\n") == 0u);
  CHECK_FALSE(retry_of("retry: 12a\n"));
  CHECK_FALSE(retry_of("retry: -5\n"));
  CHECK_FALSE(retry_of("retry: 1.5\n"));
  CHECK_FALSE(retry_of("retry:\n"));
  CHECK_FALSE(retry_of("retry:  30\n"));  // the second space is not a digit
  CHECK_FALSE(retry_of("retry: 99999999999999999999999\n"));
  CHECK(retry_of("retry: 10\nretry: x\n") == 10u);
}

TEST_CASE("sse: unknown fields are ignored") {
  CHECK(parse("foo: bar\ndata: a\nData: b\n\n") == std::vector{message("a")});
}

TEST_CASE("sse: an event with fields but no data is a heartbeat; stray blank lines are nothing") {
  CHECK(parse("data:\n\n") == std::vector{heartbeat()});
  CHECK(parse("data: \n\n") == std::vector{heartbeat()});
  CHECK(parse("event: ping\n\n") == std::vector{heartbeat("", "ping")});
  CHECK(parse("id: 4\n\n") == std::vector{heartbeat("4")});
  CHECK(parse("\n\n\r\n\r").empty());
  CHECK(parse("data: a\n\n\n\n") == std::vector{message("a")});
}

TEST_CASE("sse: a final event cut off by the end of the stream is not dispatched") {
  sse_parser p;
  CHECK(parse({"data: a\n\ndata: b\n"}, p) == std::vector{message("a")});
  CHECK(p.finish());
  sse_parser q;
  CHECK(parse({"data: a\n\ndata: b"}, q) == std::vector{message("a")});
  CHECK(q.finish());
  sse_parser r;
  CHECK(parse({"data: a\n\n"}, r) == std::vector{message("a")});
  CHECK_FALSE(r.finish());
}

TEST_CASE("sse: after finish the parser reads a new stream, BOM included") {
  sse_parser p;
  CHECK(parse({"id: 9\ndata: a"}, p).empty());
  CHECK(p.finish());
  CHECK(parse({"\xEF\xBB\xBF", "data: b\n\n"}, p) == std::vector{message("b", "9")});
}

TEST_CASE("sse: UTF-8 split across feeds comes out whole") {
  const std::string s = "data: 你好 Grüße\n\n";
  for (std::size_t i = 0; i <= s.size(); ++i) {
    sse_parser p;
    INFO("split at " << i);
    CHECK(parse({std::string_view(s).substr(0, i), std::string_view(s).substr(i)}, p) ==
          std::vector{message("你好 Grüße")});
  }
}

TEST_CASE("sse: an 8 MiB line works with the default limits") {
  const std::string payload(8u << 20, 'x');
  const std::string line = "data: " + payload + "\n\n";
  sse_parser p;
  std::vector<sse_event> out;
  for (std::size_t i = 0; i < line.size(); i += 65536) {
    REQUIRE(p.feed(std::string_view(line).substr(i, 65536), out).has_value());
  }
  REQUIRE(out.size() == 1);
  CHECK(out[0].data.size() == payload.size());
}

TEST_CASE("sse: a line over the limit fails cleanly and stays failed") {
  sse_parser p(sse_limits{16, 64});
  std::vector<sse_event> out;
  REQUIRE(p.feed("data: ok\n\n", out).has_value());
  auto r = p.feed("data: 0123456789", out);  // 16 bytes, still allowed
  REQUIRE(r.has_value());
  r = p.feed("abc", out);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == reel::core::errc::upstream_error);
  CHECK(p.failed());
  CHECK(out == std::vector{message("ok")});
  CHECK_FALSE(p.feed("\n\n", out).has_value());
  CHECK(out.size() == 1);
}

TEST_CASE("sse: a complete line over the limit in one feed fails") {
  sse_parser p(sse_limits{8, 64});
  std::vector<sse_event> out;
  CHECK_FALSE(p.feed("data: a\n\ndata: 123456789\n\n", out).has_value());
  CHECK(out == std::vector{message("a")});
}

TEST_CASE("sse: an event over the limit fails even when each line is short") {
  sse_parser p(sse_limits{64, 9});  // "1234\n5678\n" is 10 bytes
  std::vector<sse_event> out;
  CHECK(p.feed("data: 1234\n", out).has_value());
  CHECK_FALSE(p.feed("data: 5678\n", out).has_value());
  CHECK(p.failed());
}

TEST_CASE("sse: many events in one feed come out in order") {
  std::string s;
  std::vector<sse_event> expected;
  for (int i = 0; i < 1000; ++i) {
    s += "data: " + std::to_string(i) + "\n\n";
    expected.push_back(message(std::to_string(i)));
  }
  CHECK(parse(s) == expected);
}

}  // namespace
