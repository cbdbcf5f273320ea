// RuleGroup state carried across restarts and reloads: Prometheus
// Group.RestoreForState and Group.CopyState.
#include <map>
#include <utility>

#include "server/rules/rule_group.h"
#include "server/rules/rule_group_impl.h"

namespace vigil::rules {

void RuleGroup::RestoreForState(int64_t ts_ms, const EvalEnv& env, int64_t outage_tolerance_ms,
                                int64_t grace_period_ms) {
  Impl& g = *impl_;
  auto mark_all_restored = [&g] {
    for (auto& rule : g.rules) {
      if (rule->alerting()) static_cast<AlertingRule&>(*rule).set_restored(true);
    }
  };
  auto querier = env.storage->NewQuerier(ts_ms - outage_tolerance_ms, ts_ms);
  if (!querier.ok()) {
    // Prometheus gives up restoring (alerts start pending afresh).
    mark_all_restored();
    return;
  }
  std::lock_guard<std::mutex> lock(g.mu);
  for (auto& rule : g.rules) {
    if (!rule->alerting()) continue;
    static_cast<AlertingRule&>(*rule).RestoreForState(ts_ms, **querier, grace_period_ms);
  }
}

void RuleGroup::CopyStateFrom(const RuleGroup& old) {
  Impl& g = *impl_;
  const Impl& from = *old.impl_;
  std::scoped_lock lock(g.mu, from.mu);
  g.last_eval_ms = from.last_eval_ms;
  g.eval_seconds = from.eval_seconds;

  std::map<std::string, std::vector<size_t>> old_by_key;
  for (size_t i = 0; i < from.rules.size(); ++i) old_by_key[from.rules[i]->NameAndLabels()].push_back(i);

  std::vector<bool> taken(from.rules.size(), false);
  for (size_t i = 0; i < g.rules.size(); ++i) {
    auto it = old_by_key.find(g.rules[i]->NameAndLabels());
    if (it == old_by_key.end() || it->second.empty()) continue;
    const size_t fi = it->second.front();
    it->second.erase(it->second.begin());
    taken[fi] = true;
    g.series_in_previous_eval[i] = from.series_in_previous_eval[fi];
    g.rules[i]->health() = from.rules[fi]->health();
    if (g.rules[i]->alerting() && from.rules[fi]->alerting()) {
      static_cast<AlertingRule&>(*g.rules[i]).TakeAlertsFrom(static_cast<const AlertingRule&>(*from.rules[fi]));
    }
  }
  // Series of deleted (or unmatched duplicate) rules go stale next eval.
  g.stale_series = from.stale_series;
  for (size_t fi = 0; fi < from.rules.size(); ++fi) {
    if (taken[fi]) continue;
    for (const auto& [labels, written] : from.series_in_previous_eval[fi]) g.stale_series.push_back(labels);
  }
}

}  // namespace vigil::rules
