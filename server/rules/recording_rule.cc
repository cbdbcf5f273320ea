#include "server/rules/recording_rule.h"

#include <algorithm>
#include <string>
#include <utility>

#include "server/rules/rule_group_query.h"

namespace vigil::rules {

RecordingRule::RecordingRule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr)
    : Rule(node, std::move(labels), std::move(expr)) {
  overrides_.emplace_back("__name__", name_);
  for (const auto& [label, value] : labels_) overrides_.emplace_back(label, value);
  SortLabelOverrides(&overrides_);
}

namespace {

// Prometheus's Vector.ContainsSameLabelset, over a sorted copy of pointers.
bool ContainsSameLabelset(const query::Vector& v) {
  if (v.size() < 2) return false;
  std::vector<const Labels*> sorted;
  sorted.reserve(v.size());
  for (const auto& s : v) sorted.push_back(&s.labels);
  std::sort(sorted.begin(), sorted.end(), [](const Labels* a, const Labels* b) { return a->data() < b->data(); });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (*sorted[i] == *sorted[i - 1]) return true;
  }
  return false;
}

}  // namespace

Result<query::Vector> RecordingRule::Eval(const RuleEvalContext& ctx) {
  const int64_t query_ts = ctx.ts_ms - ctx.query_offset_ms;
  ASSIGN_OR_RETURN(query::Vector vector, QueryVector(*ctx.env->engine, *ctx.env->storage, query_, query_ts));
  for (auto& sample : vector) {
    sample.labels = ApplyLabelOverrides(sample.labels, overrides_, &scratch_);
    sample.t = query_ts;
  }
  if (ContainsSameLabelset(vector)) {
    return Status::Execution("vector contains metrics with the same labelset after applying rule labels");
  }
  if (ctx.limit > 0 && static_cast<int64_t>(vector.size()) > ctx.limit) {
    return Status::Execution("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                             std::to_string(vector.size()) + " series");
  }
  return vector;
}

}  // namespace vigil::rules
