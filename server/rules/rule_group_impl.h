// RuleGroup's private state, shared by the rule_group*.cc files: the rules,
// the series each rule wrote in its previous eval (for stale markers), the
// series of rules dropped on reload, and eval timing. Guarded as described
// in rule_group.h: `mu` protects what Snapshot reads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/rules/alerting_rule.h"
#include "server/rules/base_rule.h"
#include "server/rules/rule_group.h"

namespace vigil::rules {

// A series a rule wrote: its storage ref (saves the label lookup on the
// next append) and the eval generation that last wrote it.
struct WrittenSeries {
  SeriesRef ref = 0;
  uint64_t gen = 0;
};
using WrittenSeriesMap = std::unordered_map<Labels, WrittenSeries, LabelsHash>;

struct RuleGroup::Impl {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;
  int64_t query_offset_ms = 0;
  int64_t limit = 0;
  GroupDefaults defaults;
  std::vector<std::unique_ptr<Rule>> rules;
  // Per rule: the series appended by its previous eval (Prometheus's
  // seriesInPreviousEval), updated in place so steady evals allocate
  // nothing here.
  std::vector<WrittenSeriesMap> series_in_previous_eval;
  uint64_t eval_gen = 0;
  // Series of rules removed by a reload: marked stale on the next eval.
  std::vector<Labels> stale_series;

  mutable std::mutex mu;  // guards rule health, alert state, timing
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
};

}  // namespace vigil::rules
