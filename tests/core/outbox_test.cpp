#include "core/outbox.hpp"

#include <doctest/doctest.h>

using namespace reel::core;

namespace {
frame make(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}
}  // namespace

TEST_CASE("the outbox refuses what would pass its message or byte bound") {
  outbox box(3, 10);
  CHECK(box.push(make("aaaa")));
  CHECK(box.push(make("bbbb")));
  CHECK_FALSE(box.push(make("ccc")));  // 11 bytes
  CHECK(box.push(make("cc")));
  CHECK_FALSE(box.push(make("")));  // a fourth message
  CHECK(box.size() == 3);
  CHECK(box.bytes() == 10);
  CHECK(*box.front() == "aaaa");
  box.pop();
  CHECK(box.bytes() == 6);
  CHECK(box.push(make("d")));
}

TEST_CASE("a coalescing key keeps only the newest waiting frame, at the back") {
  outbox box(10, 1000);
  box.push(make("p1"), "job1");  // index 0: may be being written, so it stays
  box.push(make("p2"), "job1");
  box.push(make("other"));
  box.push(make("p3"), "job1");
  REQUIRE(box.size() == 3);
  CHECK(*box.front() == "p1");
  box.pop();
  CHECK(*box.front() == "other");
  box.pop();
  CHECK(*box.front() == "p3");
  CHECK(box.bytes() == 2);
}

TEST_CASE("frames are shared, not copied") {
  outbox a(4, 100), b(4, 100);
  auto f = make("payload");
  a.push(f);
  b.push(f);
  CHECK(a.front().get() == b.front().get());
  CHECK(f.use_count() == 3);
}
