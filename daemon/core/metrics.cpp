#include "core/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace reel::core {
namespace {

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_text(const metric_labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels)
    out += (out.empty() ? "" : ",") + k + "=\"" + escape_label(v) + "\"";
  return out;
}

std::string number(double v) {
  char buf[32];
  if (v == static_cast<double>(static_cast<std::int64_t>(v)) && v < 1e15 && v > -1e15)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string with_labels(const std::string& labels, const std::string& extra) {
  if (labels.empty() && extra.empty()) return {};
  if (labels.empty()) return "{" + extra + "}";
  if (extra.empty()) return "{" + labels + "}";
  return "{" + labels + "," + extra + "}";
}

const std::vector<double> default_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                         0.05,   0.1,   0.25,   0.5,   1,    2.5};

}  // namespace

void histogram_data::observe(double v) {
  auto it = std::lower_bound(bounds.begin(), bounds.end(), v);
  ++counts[static_cast<std::size_t>(it - bounds.begin())];
  sum += v;
  ++count;
}

void metrics::describe(std::string name, std::string type, std::string help) {
  auto& f = families_[name];
  f.type = std::move(type);
  f.help = std::move(help);
}

metrics::family& metrics::family_of(std::string_view name) {
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), family{}).first;
  return it->second;
}

double& metrics::counter(std::string_view name, const metric_labels& labels) {
  return family_of(name).values[label_text(labels)];
}

double& metrics::gauge(std::string_view name, const metric_labels& labels) {
  return family_of(name).values[label_text(labels)];
}

histogram_data& metrics::histogram(std::string_view name, const metric_labels& labels,
                                   std::vector<double> bounds) {
  auto& f = family_of(name);
  auto [it, added] = f.histograms.try_emplace(label_text(labels));
  if (added) {
    it->second.bounds = bounds.empty() ? default_bounds : std::move(bounds);
    it->second.counts.assign(it->second.bounds.size() + 1, 0);
  }
  return it->second;
}

std::string metrics::render() const {
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values)
      out += name + with_labels(labels, "") + " " + number(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < h.bounds.size(); ++i) {
        cumulative += h.counts[i];
        out += name + "_bucket" + with_labels(labels, "le=\"" + number(h.bounds[i]) + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      cumulative += h.counts.back();
      out += name + "_bucket" + with_labels(labels, "le=\"+Inf\"") + " " +
             std::to_string(cumulative) + "\n";
      out += name + "_sum" + with_labels(labels, "") + " " + number(h.sum) + "\n";
      out += name + "_count" + with_labels(labels, "") + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

}  // namespace reel::core
