// AlertingRule (Prometheus rules/alerting.go): the per-labelset alert state
// machine (pending -> firing -> inactive/resolved, `for`, `keep_firing_for`,
// `limit`), template expansion of labels and annotations, the ALERTS /
// ALERTS_FOR_STATE samples, which alerts need (re)sending, and the `for`
// restore at startup. Thread-compatible: the group serializes Eval and the
// other mutators; state changes happen under RuleEvalContext::state_mu, and
// const readers must hold that mutex too.
#pragma once

#include <atomic>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "server/rules/alert.h"
#include "server/rules/base_rule.h"

namespace vigil::rules {

struct LabelsHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.Hash()); }
};

class AlertingRule final : public Rule {
 public:
  // Resolved alerts are kept (and re-sent) this long (resolvedRetention).
  static constexpr int64_t kResolvedRetentionMs = 15 * 60 * 1000;

  AlertingRule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr, bool restored);

  bool alerting() const override { return true; }
  Result<query::Vector> Eval(const RuleEvalContext& ctx) override;
  void FillSnapshot(RuleSnapshot* out) const override;

  // Prometheus sendAlerts/needsSending: marks the alerts due at `ts_ms` as
  // sent (LastSentAt, ValidUntil = ts + 4*max(interval, resend_delay)) and
  // appends their notices to `out`.
  void CollectNotices(int64_t ts_ms, int64_t resend_delay_ms, int64_t interval_ms, const std::string& external_url,
                      std::vector<AlertNotice>* out);

  // The alerts in `state`, sorted by labels.
  std::vector<Alert> AlertsIn(AlertState state) const;
  std::vector<Alert> PendingAndFiring() const;
  // Max state over the active alerts (inactive when none).
  AlertState State() const;

  // CopyState: adopt the alerts of the old rule.
  void TakeAlertsFrom(const AlertingRule& old);

  // RestoreForState for this rule at `ts_ms` over `querier`; see
  // RuleGroup::RestoreForState. Marks the rule restored.
  void RestoreForState(int64_t ts_ms, Querier& querier, int64_t grace_period_ms);

  bool restored() const { return restored_.load(); }
  void set_restored(bool r) { restored_.store(r); }
  int64_t for_ms() const { return node_.for_ms; }
  int64_t keep_firing_for_ms() const { return node_.keep_firing_for_ms; }

 private:
  // An alert plus what repeated evals reuse: the eval generation that last
  // saw it and the label sets of its ALERTS / ALERTS_FOR_STATE series.
  struct ActiveAlert {
    Alert alert;
    uint64_t seen_gen = 0;
    AlertState alerts_series_state = AlertState::kInactive;  // kInactive: not built
    Labels alerts_series;
    Labels for_state_series;  // empty: not built
  };
  // Builds this eval's alerts into fresh_; error on duplicate label sets.
  Status BuildFreshAlerts(const RuleEvalContext& ctx, query::Vector& result);
  void AppendSeriesSamples(ActiveAlert& a, int64_t sample_ts, query::Vector* out);

  std::unordered_map<Labels, ActiveAlert, LabelsHash> active_;
  uint64_t gen_ = 0;
  std::vector<Alert> fresh_;               // scratch, reused across evals
  std::vector<const Labels*> fresh_sorted_;  // scratch for the duplicate check
  std::atomic<bool> restored_{false};
  std::string printed_expr_;  // for generator URLs
};

}  // namespace vigil::rules
