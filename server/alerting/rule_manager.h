// RuleManager: runs the server's rule groups (Prometheus rules.Manager).
// Update() loads the rule files and swaps the new groups in; each group runs
// on its own GroupLoop at its interval, recording results and ALERTS go to
// the DB, alerts that need sending go to the AlertSink through an
// AsyncAlertSink (so delivery never delays evaluation). On a reload the
// state of a group with the same file and name (alerts, `for` progress,
// health) is carried over; a failed reload changes nothing. Thread-safe:
// Update/Start/Stop are serialized internally; Groups() and AppendMetrics()
// may be called from any thread at any time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/base/clock.h"
#include "engine/db.h"
#include "query/engine.h"
#include "server/alerting/async_alert_sink.h"
#include "server/alerting/group_loop.h"
#include "server/alerting/rule_loader.h"

namespace vigil::server::alerting {

struct RuleManagerOptions {
  const query::Engine* engine = nullptr;  // borrowed
  DB* db = nullptr;                       // borrowed: queries and appends
  rules::AlertSink* sink = nullptr;       // borrowed (the Notifier); may be null
  int64_t outage_tolerance_ms = 3'600'000;  // --rules.alert.for-outage-tolerance
  int64_t grace_period_ms = 600'000;        // --rules.alert.for-grace-period
  size_t max_queued_alerts = 100'000;       // AsyncAlertSink bound
  const Clock* clock = SystemClock::Default();
  int64_t max_sleep_ms = 1000;  // see GroupLoopOptions
};

class RuleManager {
 public:
  explicit RuleManager(RuleManagerOptions options);
  // Stop().
  ~RuleManager();
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Loads the rule files of `config`. On success the new groups replace
  // the old ones (state copied from same-named groups; running loops are
  // stopped and the new ones started if the manager runs). On failure the
  // running groups stay as they are and the error (every file / group /
  // rule problem, one per line) is returned.
  Status Update(const RulesConfig& config);
  // Starts the loops of the loaded groups (the first start restores `for`
  // state) and the alert delivery thread. Idempotent.
  void Start();
  // Stops every loop (finishing evaluations in progress), then hands the
  // queued alerts to the sink. Idempotent; the manager stays stopped.
  void Stop();

  // The loaded groups in file order. The groups stay valid while held.
  std::vector<std::shared_ptr<const rules::RuleGroup>> Groups() const;
  // The vigil_rule_* families (Prometheus's prometheus_rule_* names).
  void AppendMetrics(std::string* out) const;

  const AsyncAlertSink& alert_queue() const { return async_sink_; }
  // Test hook: the stats of a group by "file;name" (null if unknown).
  std::shared_ptr<const GroupStats> StatsFor(const std::string& file, const std::string& name) const;

 private:
  struct Entry {
    std::string key;  // file + ";" + name
    std::unique_ptr<GroupLoop> loop;
  };
  GroupLoopOptions LoopOptions(bool restore);

  const RuleManagerOptions options_;
  AsyncAlertSink async_sink_;
  std::mutex update_mu_;  // serializes Update/Start/Stop
  mutable std::mutex mu_;  // guards entries_ for readers
  std::vector<Entry> entries_;
  bool running_ = false;
  bool stopped_ = false;
  bool restored_ = false;  // after the first Start, new groups need no restore
};

}  // namespace vigil::server::alerting
