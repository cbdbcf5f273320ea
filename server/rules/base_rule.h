// Rule: the common face of recording and alerting rules inside a RuleGroup:
// Eval at one timestamp returns the samples the group appends, plus the
// health / last-error bookkeeping Prometheus keeps per rule. Not thread-safe
// by itself: the owning group serializes Eval and guards state with its
// mutex (passed in RuleEvalContext) against concurrent snapshots.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/status.h"
#include "query/ast.h"
#include "query/value.h"
#include "server/rules/rule_file.h"
#include "server/rules/rule_group.h"

namespace vigil::rules {

// What one rule evaluation sees.
struct RuleEvalContext {
  int64_t ts_ms = 0;            // evaluation time
  int64_t query_offset_ms = 0;  // queries (and written samples) at ts - offset
  int64_t limit = 0;            // group limit, 0 = none
  const EvalEnv* env = nullptr;
  const GroupDefaults* defaults = nullptr;
  std::mutex* state_mu = nullptr;  // taken while rule state changes
};

struct RuleHealth {
  std::string health = "unknown";
  std::string last_error;
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
};

class Rule {
 public:
  // `labels` are the effective labels (group labels, then the rule's).
  Rule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr);
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  virtual bool alerting() const = 0;
  // Runs the rule; the samples to append (timestamps set), or the error
  // that makes the rule unhealthy.
  virtual Result<query::Vector> Eval(const RuleEvalContext& ctx) = 0;
  // Adds the rule's kind-specific fields to `out` (alerts, state).
  virtual void FillSnapshot(RuleSnapshot* out) const = 0;

  const std::string& name() const { return name_; }
  const std::string& query() const { return query_; }
  const RuleNode& node() const { return node_; }
  const LabelPairs& labels() const { return labels_; }
  // Prometheus's CopyState key: name + labels as printed.
  std::string NameAndLabels() const;
  // The expression as Prometheus prints it (generator URLs).
  std::string PrintedExpr() const { return expr_->ToString(); }

  // Guarded by the group's state mutex.
  RuleHealth& health() { return health_; }
  const RuleHealth& health() const { return health_; }

 protected:
  RuleNode node_;
  std::string name_;
  std::string query_;
  LabelPairs labels_;
  query::ExprPtr expr_;
  RuleHealth health_;
};

// Merges group labels and rule labels (the rule's win), in first-seen order.
LabelPairs MergeRuleLabels(const LabelPairs& group_labels, const LabelPairs& rule_labels);

// Name/value views sorted by name with unique names; an empty value means
// "delete this label".
using LabelOverrides = std::vector<std::pair<std::string_view, std::string_view>>;

// `base` with `overrides` applied (Prometheus labels.Builder Set/Del then
// Labels()), by one merge of two sorted lists. `scratch` is reused storage.
// Values that are not valid UTF-8 are dropped with their label.
Labels ApplyLabelOverrides(const Labels& base, const LabelOverrides& overrides, LabelOverrides* scratch);

// Sorts `overrides` by name; for repeated names the last one wins.
void SortLabelOverrides(LabelOverrides* overrides);

}  // namespace vigil::rules
