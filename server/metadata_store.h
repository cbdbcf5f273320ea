// MetadataStore: metric metadata (type, help, unit) received through
// remote-write metadata, served by /api/v1/metadata. In memory, latest wins
// per (family, type, help, unit) as Prometheus keeps per target. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace vigil::server {

struct MetricMetadata {
  std::string type;  // "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown"
  std::string help;
  std::string unit;
  bool operator==(const MetricMetadata&) const = default;
};

class MetadataStore {
 public:
  void Put(const std::string& family, const MetricMetadata& m);
  // family → distinct entries, sorted by family; `metric` filters to one
  // family when non-empty; limit (0 = all) caps families, limit_per_metric
  // (0 = all) entries per family.
  std::map<std::string, std::vector<MetricMetadata>> Get(const std::string& metric, size_t limit,
                                                         size_t limit_per_metric) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<MetricMetadata>> entries_;
};

}  // namespace vigil::server
