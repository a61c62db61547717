// job_bar: the progress `reel export --wait` and `reel make` draw.
#include "cli/job_view.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

using nlohmann::json;
using reel::cli::job_bar;

namespace {

std::size_t lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("off a terminal the bar prints a line per state or 10% step, not per update") {
  std::ostringstream err;
  {
    job_bar bar(err, false);
    for (int i = 0; i <= 100; ++i)
      bar.update(json{{"state", "rendering"}, {"progress", i / 100.0}});
    bar.update(json{{"state", "completed"}, {"progress", 1.0}});
  }
  // Steps 0..10 of rendering, then the state change.
  CHECK(lines(err.str()) == 12);
  CHECK(err.str().find("100%  completed") != std::string::npos);
}

TEST_CASE("on a terminal the bar is redrawn in place and its line ended once") {
  std::ostringstream err;
  {
    job_bar bar(err, true);
    bar.update(json{{"state", "rendering"}, {"progress", 0.25}});
    bar.update(json{{"state", "rendering"}, {"progress", 0.5}});
    bar.notice("reconnecting");
    bar.update(json{{"state", "rendering"}, {"progress", 0.75}});
    bar.end_line();
  }
  const auto s = err.str();
  CHECK(std::count(s.begin(), s.end(), '\r') == 3);
  CHECK(s.find("\nreel: reconnecting\n") != std::string::npos);
  CHECK(s.back() == '\n');
  CHECK(s.substr(s.size() - 2) != "\n\n");
}
