#include "server/metadata_store.h"

#include <algorithm>

namespace vigil::server {

void MetadataStore::Put(const std::string& family, const MetricMetadata& m) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& list = entries_[family];
  if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
}

std::map<std::string, std::vector<MetricMetadata>> MetadataStore::Get(const std::string& metric, size_t limit,
                                                                      size_t limit_per_metric) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::vector<MetricMetadata>> out;
  for (const auto& [family, list] : entries_) {
    if (!metric.empty() && family != metric) continue;
    if (limit > 0 && out.size() >= limit) break;
    auto& dst = out[family];
    for (const auto& m : list) {
      if (limit_per_metric > 0 && dst.size() >= limit_per_metric) break;
      dst.push_back(m);
    }
  }
  return out;
}

}  // namespace vigil::server
