#include "core/http_range.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

TEST_CASE("one byte range is read; others are served whole or refused as the RFC allows") {
  struct row {
    const char* header;
    std::uint64_t size;
    range_outcome outcome;
    std::uint64_t first, last;
  };
  const row rows[] = {
      {"", 100, range_outcome::whole, 0, 0},
      {"bytes=0-9", 100, range_outcome::partial, 0, 9},
      {"bytes=90-", 100, range_outcome::partial, 90, 99},
      {"bytes=90-500", 100, range_outcome::partial, 90, 99},
      {"bytes=-10", 100, range_outcome::partial, 90, 99},
      {"bytes=-500", 100, range_outcome::partial, 0, 99},
      {"bytes=100-", 100, range_outcome::unsatisfiable, 0, 0},
      {"bytes=-0", 100, range_outcome::unsatisfiable, 0, 0},
      {"bytes=5-2", 100, range_outcome::whole, 0, 0},
      {"bytes=0-1,5-6", 100, range_outcome::whole, 0, 0},
      {"items=0-1", 100, range_outcome::whole, 0, 0},
      {"bytes=x-1", 100, range_outcome::whole, 0, 0},
  };
  for (const auto& r : rows) {
    CAPTURE(r.header);
    auto got = parse_range(r.header, r.size);
    CHECK(got.outcome == r.outcome);
    if (r.outcome == range_outcome::partial) {
      CHECK(got.range.first == r.first);
      CHECK(got.range.last == r.last);
    }
  }
}
