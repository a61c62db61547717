#include "cli/line_splitter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using reel::cli::line_splitter;

namespace {

std::vector<std::string> split_in_pieces(std::string_view input, std::size_t piece) {
  line_splitter s;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  for (std::size_t i = 0; i < input.size(); i += piece) s.feed(input.substr(i, piece), collect);
  s.finish(collect);
  return lines;
}

}  // namespace

TEST_CASE("line_splitter: LF, CRLF and CR all end lines, fed whole or byte by byte") {
  std::string_view input = "event: a\ndata: 1\r\n\r\ndata: 2\rlast";
  std::vector<std::string> expected = {"event: a", "data: 1", "", "data: 2", "last"};
  for (std::size_t piece = 1; piece <= input.size(); ++piece)
    CHECK(split_in_pieces(input, piece) == expected);
}

TEST_CASE("line_splitter: a CRLF split across feeds is one line end") {
  line_splitter s;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  s.feed("a\r", collect);
  s.feed("\nb\n", collect);
  CHECK(lines == std::vector<std::string>{"a", "b"});
}

TEST_CASE("line_splitter: the callback can stop the feed") {
  line_splitter s;
  int calls = 0;
  CHECK_FALSE(s.feed("1\n2\n3\n", [&](std::string_view) { return ++calls < 2; }));
  CHECK(calls == 2);
}
