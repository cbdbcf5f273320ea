// GroupLoop: the evaluation loop of one rule group on its own thread
// (Prometheus rules/group.go run): it waits for the group's next slot
// (eval_timestamp.h), evaluates, and repeats every interval. Evaluations of
// one group never overlap: when an evaluation overruns, the slots it
// covered are skipped and counted as missed. At first start (restore) it
// evaluates twice and then restores `for` state from ALERTS_FOR_STATE, as
// Prometheus does (the first evaluations refresh recording rules the
// alerts may depend on). RequestStop wakes the thread at once; an
// evaluation in progress is finished first. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/base/clock.h"
#include "server/rules/rule_group.h"

namespace vigil::server::alerting {

// Per-group figures for /metrics. Outlives loops: a reload hands the stats
// of a group to the loop of its successor, so counters keep counting.
struct GroupStats {
  std::atomic<int64_t> interval_ms{0};
  std::atomic<int64_t> rules{0};
  std::atomic<int64_t> last_eval_ts_ms{0};     // the slot last evaluated (0 = never)
  std::atomic<int64_t> next_eval_ts_ms{0};     // the slot the loop waits for (0 = not yet)
  std::atomic<double> last_duration_seconds{0};
  std::atomic<double> last_delay_seconds{0};   // slot → end of its evaluation
  std::atomic<uint64_t> iterations{0};         // evaluations run
  std::atomic<uint64_t> missed{0};             // slots skipped (overruns)
  std::atomic<uint64_t> rule_evaluations{0};   // rules evaluated
  std::atomic<uint64_t> rule_failures{0};      // rules whose evaluation failed
};

struct GroupLoopOptions {
  rules::EvalEnv env;  // borrowed pointers; must outlive the loop
  // First start of the server: restore `for` state after two evaluations.
  bool restore = false;
  int64_t outage_tolerance_ms = 3'600'000;
  int64_t grace_period_ms = 600'000;
  // Wall clock for slots (ms). The loop re-reads it at least every
  // max_sleep_ms while waiting, so a ManualClock can drive it.
  const Clock* clock = SystemClock::Default();
  int64_t max_sleep_ms = 1000;
};

class GroupLoop {
 public:
  GroupLoop(std::shared_ptr<rules::RuleGroup> group, std::shared_ptr<GroupStats> stats, GroupLoopOptions options);
  // RequestStop() and Join().
  ~GroupLoop();
  GroupLoop(const GroupLoop&) = delete;
  GroupLoop& operator=(const GroupLoop&) = delete;

  void Start();
  // Asks the thread to stop; returns at once.
  void RequestStop();
  // Waits for the thread (after RequestStop).
  void Join();

  const std::shared_ptr<rules::RuleGroup>& group() const { return group_; }
  const std::shared_ptr<GroupStats>& stats() const { return stats_; }

 private:
  void Run();
  // Sleeps until the clock reaches `t_ms`; false when stopped first.
  bool SleepUntil(int64_t t_ms);
  void EvalAt(int64_t ts_ms);

  const std::shared_ptr<rules::RuleGroup> group_;
  const std::shared_ptr<GroupStats> stats_;
  const GroupLoopOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace vigil::server::alerting
