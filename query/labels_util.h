// Label-set helpers for the evaluator: dropping the metric name, building a
// label set by edits, and signatures over chosen labels for vector matching
// and grouping. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/labels.h"

namespace vigil::query {

inline constexpr std::string_view kMetricName = "__name__";

// Mutable label set; Build() sorts and drops empty values.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base);
  void Set(std::string_view name, std::string_view value);  // "" deletes
  void Del(std::string_view name);
  void Keep(const std::vector<std::string>& names);  // delete all others
  std::string_view Get(std::string_view name) const;
  // The label set; labels are valid by construction (from valid sets).
  Labels Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

Labels DropMetricName(const Labels& l);

// Hash of the values of `names` (on = true) or of all labels except `names`
// and __name__ (on = false), as Prometheus's signatureFunc.
uint64_t MatchSignature(const Labels& l, const std::vector<std::string>& names, bool on);
// The labels a signature covers, as a label set (for error messages).
Labels MatchLabels(const Labels& l, const std::vector<std::string>& names, bool on);

}  // namespace vigil::query
