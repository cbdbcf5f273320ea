#include "server/rules/recording_rule.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "query/labels_util.h"
#include "server/rules/rule_group_query.h"

namespace vigil::rules {

RecordingRule::RecordingRule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr)
    : Rule(node, std::move(labels), std::move(expr)) {
  std::map<std::string, std::string> overrides;
  overrides[std::string(query::kMetricName)] = name_;
  for (const auto& [label, value] : labels_) overrides[label] = value;
  overrides_.assign(overrides.begin(), overrides.end());
}

Labels RecordingRule::Relabel(const Labels& sample) {
  scratch_.clear();
  auto o = overrides_.begin();
  for (const auto& l : sample) {
    for (; o != overrides_.end() && o->first < l.name; ++o) {
      if (!o->second.empty()) scratch_.emplace_back(o->first, o->second);
    }
    if (o != overrides_.end() && o->first == l.name) {
      if (!o->second.empty()) scratch_.emplace_back(o->first, o->second);
      ++o;
    } else {
      scratch_.emplace_back(l.name, l.value);
    }
  }
  for (; o != overrides_.end(); ++o) {
    if (!o->second.empty()) scratch_.emplace_back(o->first, o->second);
  }
  auto built = Labels::FromPairs(scratch_);
  if (built.ok()) return std::move(built).value();
  // Not reachable with validated rule labels; keep Prometheus's behaviour.
  query::LabelsBuilder builder(sample);
  builder.Set(query::kMetricName, name_);
  for (const auto& [label, value] : labels_) builder.Set(label, value);
  return builder.Build();
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
    sample.labels = Relabel(sample.labels);
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
