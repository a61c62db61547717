#pragma once
// Counters, gauges and histograms, written in the Prometheus text format 0.0.4. Pure and
// single-threaded (the daemon's metrics live on its one event-loop thread). Handles returned by
// counter()/gauge()/histogram() stay valid for the registry's life, so hot paths keep them.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reel::core {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

struct histogram_data {
  std::vector<double> bounds;
  std::vector<std::uint64_t> counts;  // per bound, not cumulative; one extra for +Inf
  double sum = 0;
  std::uint64_t count = 0;
  void observe(double v);
};

class metrics {
 public:
  // Declares a family with its help text; families not declared are written as untyped.
  void describe(std::string name, std::string type, std::string help);

  double& counter(std::string_view name, const metric_labels& labels = {});
  double& gauge(std::string_view name, const metric_labels& labels = {});
  histogram_data& histogram(std::string_view name, const metric_labels& labels = {},
                            std::vector<double> bounds = {});

  // The whole registry in the text exposition format.
  std::string render() const;

 private:
  struct family {
    std::string type = "untyped";
    std::string help;
    std::map<std::string, double> values;              // label text -> value
    std::map<std::string, histogram_data> histograms;  // label text -> data
  };
  family& family_of(std::string_view name);
  std::map<std::string, family, std::less<>> families_;
};

}  // namespace reel::core
