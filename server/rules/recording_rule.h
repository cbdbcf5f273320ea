// RecordingRule (Prometheus rules/recording.go): evaluates its expression
// and renames the result to the record name with the rule labels applied.
// Errors: duplicate label sets after relabelling, the series limit, query
// errors. Thread-compatible (the group serializes Eval).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/rules/base_rule.h"

namespace vigil::rules {

class RecordingRule final : public Rule {
 public:
  RecordingRule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr);

  bool alerting() const override { return false; }
  Result<query::Vector> Eval(const RuleEvalContext& ctx) override;
  void FillSnapshot(RuleSnapshot*) const override {}

 private:
  // __name__ = record, then the rule labels (views into name_ and labels_),
  // sorted by name; an empty value deletes the label.
  LabelOverrides overrides_;
  LabelOverrides scratch_;
};

}  // namespace vigil::rules
