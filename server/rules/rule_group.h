// RuleGroup: one loaded rule group and its evaluation at a given timestamp
// (Prometheus rules/group.go Eval + alerting.go + recording.go): rules in
// order, recording results and ALERTS / ALERTS_FOR_STATE (with stale
// markers) written through an Appender per rule, the alert state machine
// with `for` / `keep_firing_for` / `limit`, templates expanded, alerts that
// need sending passed to an AlertSink. No threads or clocks here: the
// server's RuleManager (server/alerting) schedules Eval, and `vigil rules
// test` drives it tick by tick. Externally synchronized: one thread calls
// Eval; Snapshot() may be called concurrently (it takes an internal lock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/status.h"
#include "engine/storage.h"
#include "query/engine.h"
#include "server/rules/alert.h"
#include "server/rules/rule_file.h"

namespace vigil::rules {

// Settings shared by every group of a manager (or a rules-test run).
struct GroupDefaults {
  int64_t interval_ms = 60'000;      // global.evaluation_interval
  int64_t query_offset_ms = 0;       // global.rule_query_offset
  int64_t resend_delay_ms = 60'000;  // --rules.alert.resend-delay
  Labels external_labels;            // global.external_labels (for templates)
  std::string external_url;          // --web.external-url (templates, generatorURL)
  // When true, alerting rules write ALERTS_FOR_STATE and behave as already
  // restored from the first eval (promtool test; the server sets it after
  // RestoreForState).
  bool restored = false;
};

// Where a group reads and writes. Borrowed; must outlive the Eval call.
struct EvalEnv {
  const query::Engine* engine = nullptr;
  Queryable* storage = nullptr;
  // A fresh appender per rule (committed after each rule, so later rules
  // of the group see earlier results, as in Prometheus).
  std::function<std::unique_ptr<Appender>()> new_appender;
  AlertSink* sink = nullptr;  // may be null (rules test)
};

// Read-only views for /api/v1/rules and /api/v1/alerts.
struct RuleSnapshot {
  bool alerting = false;
  std::string name;   // record or alert name
  std::string query;  // the expr as written in the file
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  LabelPairs labels;       // as written
  LabelPairs annotations;  // as written
  std::vector<Alert> alerts;  // pending + firing (alerting rules)
  std::string health = "unknown";  // "ok" | "err" | "unknown"
  std::string last_error;          // empty when ok
  int64_t last_eval_ms = 0;        // wall-clock start of the last eval, 0 = never
  double eval_seconds = 0;         // duration of the last eval
  AlertState state = AlertState::kInactive;  // max over alerts (alerting)
  bool evaluated = false;                    // false: state "unknown"
};

struct GroupSnapshot {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;
  int64_t limit = 0;
  int64_t last_eval_ms = 0;
  double eval_seconds = 0;
  std::vector<RuleSnapshot> rules;
};

class RuleGroup {
 public:
  // Builds the group from a validated node of `file`. InvalidArgument if an
  // expression does not parse (a validated file never does that).
  static Result<std::unique_ptr<RuleGroup>> Create(const RuleGroupNode& node, const std::string& file,
                                                   const GroupDefaults& defaults);
  ~RuleGroup();

  const std::string& name() const;
  const std::string& file() const;
  int64_t interval_ms() const;
  int64_t query_offset_ms() const;
  // Prometheus's group key hash input is file + ";" + name; the manager
  // derives the evaluation offset from it.
  uint64_t Hash() const;

  // Evaluates every rule in order at `ts_ms` (queries at ts - query_offset).
  // Rule errors are recorded per rule (health "err", last error) and do not
  // stop the group; the returned Status is the first rule error (promtool
  // test aborts on it), OK otherwise. Storage append errors other than
  // out-of-order/duplicate are rule errors too.
  Status Eval(int64_t ts_ms, const EvalEnv& env);

  // Restores `for` progress from ALERTS_FOR_STATE at server start
  // (Prometheus RestoreForState: outage tolerance, grace period), then
  // marks alerting rules restored.
  void RestoreForState(int64_t ts_ms, const EvalEnv& env, int64_t outage_tolerance_ms = 3'600'000,
                       int64_t grace_period_ms = 600'000);

  // On reload: takes over alert state, health and last-eval data of rules
  // with the same name and labels from `old` (Prometheus Group.CopyState).
  void CopyStateFrom(const RuleGroup& old);

  // The firing alerts of alerting rule `alertname` at the last Eval
  // (promtool test reads these).
  std::vector<Alert> FiringAlerts(const std::string& alertname) const;

  GroupSnapshot Snapshot() const;

 private:
  struct Impl;
  explicit RuleGroup(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::rules
