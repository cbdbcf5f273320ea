#include "server/alerting/group_loop.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "server/alerting/eval_timestamp.h"

namespace vigil::server::alerting {

GroupLoop::GroupLoop(std::shared_ptr<rules::RuleGroup> group, std::shared_ptr<GroupStats> stats,
                     GroupLoopOptions options)
    : group_(std::move(group)), stats_(std::move(stats)), options_(std::move(options)) {
  stats_->interval_ms = group_->interval_ms();
  stats_->next_eval_ts_ms = 0;  // set by this loop's thread once it waits
  stats_->rules = static_cast<int64_t>(group_->Snapshot().rules.size());
}

GroupLoop::~GroupLoop() {
  RequestStop();
  Join();
}

void GroupLoop::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void GroupLoop::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

void GroupLoop::Join() {
  if (thread_.joinable()) thread_.join();
}

bool GroupLoop::SleepUntil(int64_t t_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (stop_) return false;
    int64_t wait_ms = t_ms - options_.clock->NowMs();
    if (wait_ms <= 0) return true;
    cv_.wait_for(lock, std::chrono::milliseconds(std::min(wait_ms, options_.max_sleep_ms)));
  }
}

void GroupLoop::EvalAt(int64_t ts_ms) {
  auto start = std::chrono::steady_clock::now();
  Status st = group_->Eval(ts_ms, options_.env);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  GroupStats& s = *stats_;
  s.last_eval_ts_ms = ts_ms;
  s.last_duration_seconds = seconds;
  s.last_delay_seconds = static_cast<double>(options_.clock->NowMs() - ts_ms) / 1000.0;
  s.iterations.fetch_add(1, std::memory_order_relaxed);
  uint64_t rules = static_cast<uint64_t>(s.rules.load(std::memory_order_relaxed));
  s.rule_evaluations.fetch_add(rules, std::memory_order_relaxed);
  if (!st.ok()) {
    // Eval reports only the first rule error; count every failed rule.
    uint64_t failed = 0;
    for (const rules::RuleSnapshot& r : group_->Snapshot().rules) failed += r.health == "err" ? 1 : 0;
    s.rule_failures.fetch_add(std::max<uint64_t>(failed, 1), std::memory_order_relaxed);
  }
}

void GroupLoop::Run() {
  const int64_t interval = std::max<int64_t>(group_->interval_ms(), 1);
  const uint64_t hash = group_->Hash();
  // The next slot after now: a group never evaluates twice in one slot,
  // also not across a reload (the old loop took the current one).
  int64_t ts = EvalTimestampMs(options_.clock->NowMs(), interval, hash) + interval;
  stats_->next_eval_ts_ms = ts;
  if (!SleepUntil(ts)) return;
  EvalAt(ts);
  bool restore = options_.restore;
  for (;;) {
    stats_->next_eval_ts_ms = ts + interval;
    if (!SleepUntil(ts + interval)) return;
    int64_t missed = MissedIterations(ts, options_.clock->NowMs(), interval);
    if (missed > 0) stats_->missed.fetch_add(static_cast<uint64_t>(missed), std::memory_order_relaxed);
    ts += (missed + 1) * interval;
    EvalAt(ts);
    if (restore) {
      restore = false;
      group_->RestoreForState(options_.clock->NowMs(), options_.env, options_.outage_tolerance_ms,
                              options_.grace_period_ms);
    }
  }
}

}  // namespace vigil::server::alerting
