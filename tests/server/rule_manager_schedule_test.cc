// RuleManager scheduling: evaluation slots (Prometheus EvalTimestamp),
// groups writing recording results at their interval, alerts reaching the
// sink, a blocked sink not holding up evaluation, missed iterations, and
// a prompt stop.
#include <gtest/gtest.h>

#include <set>

#include "server/alerting/async_alert_sink.h"
#include "server/alerting/eval_timestamp.h"
#include "tests/server/rule_manager_test_util.h"

namespace vigil::server::alerting::testing_rules {
namespace {

TEST(EvalTimestampTest, SlotsAreAlignedToTheGroupOffset) {
  struct Case {
    int64_t now_ms, interval_ms;
    uint64_t hash;
    int64_t want_ms;
  };
  const Case cases[] = {
      {1'700'000'000'000, 10'000, 12'345, 1'699'999'992'345},  // offset 2345
      {1'700'000'002'345, 10'000, 12'345, 1'700'000'002'345},  // exactly on a slot
      {1'700'000'002'344, 10'000, 12'345, 1'699'999'992'345},  // 1 ms before it
      {1'700'000'000'000, 60'000, 0, 1'699'999'980'000},       // offset 0: minute boundary
      {1'700'000'000'000, 15'000, 15'000 * 7 + 1, 1'699'999'995'001},
      {5, 10, 3, 3},
      {-5, 10, 3, -7},  // floor, also before the epoch
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "now=" << c.now_ms << " interval=" << c.interval_ms << " hash=" << c.hash);
    int64_t got = EvalTimestampMs(c.now_ms, c.interval_ms, c.hash);
    EXPECT_EQ(got, c.want_ms);
    EXPECT_LE(got, c.now_ms);
    EXPECT_GT(got, c.now_ms - c.interval_ms);
    EXPECT_EQ(((got - GroupOffsetMs(c.hash, c.interval_ms)) % c.interval_ms + c.interval_ms) % c.interval_ms, 0);
  }
}

TEST(EvalTimestampTest, MissedIterations) {
  struct Case {
    int64_t last, now, interval, want;
  };
  const Case cases[] = {
      {1000, 2000, 1000, 0},  // on time
      {1000, 2999, 1000, 0},  // late within the slot
      {1000, 3000, 1000, 1},  // one slot skipped
      {1000, 5500, 1000, 3},
      {1000, 900, 1000, 0},  // clock went back
      {1000, 9000, 0, 0},    // no interval
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.last << " -> " << c.now << " every " << c.interval);
    EXPECT_EQ(MissedIterations(c.last, c.now, c.interval), c.want);
  }
}

TEST(AsyncAlertSinkTest, OverflowDropsTheOldestBatchesAndKeepsOrder) {
  RecordingSink downstream;
  AsyncAlertSink sink(&downstream, /*max_queued_alerts=*/5);
  auto batch = [](int n) {
    std::vector<rules::AlertNotice> alerts(static_cast<size_t>(n));
    return alerts;
  };
  // Not started: everything waits in the queue.
  for (int t = 1; t <= 4; ++t) sink.Send(t, batch(2));  // 8 alerts > 5
  sink.Send(5, {});                                      // ignored
  EXPECT_EQ(sink.queued_alerts(), 4u);                   // batches 3 and 4
  EXPECT_EQ(sink.dropped_alerts(), 4u);
  sink.Send(6, batch(9));  // larger than the bound: kept alone
  EXPECT_EQ(sink.queued_alerts(), 9u);
  EXPECT_EQ(sink.dropped_alerts(), 8u);
  sink.Send(7, batch(1));  // 10 > 5: the big batch goes
  EXPECT_EQ(sink.queued_alerts(), 1u);
  EXPECT_EQ(sink.dropped_alerts(), 17u);
  sink.Send(8, batch(3));
  sink.Start();
  sink.Stop();  // delivers what is queued, in order
  auto got = downstream.batches();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, 7);
  EXPECT_EQ(got[1].first, 8);
  EXPECT_EQ(got[1].second.size(), 3u);
  EXPECT_EQ(sink.delivered_alerts(), 4u);
  EXPECT_EQ(sink.queued_alerts(), 0u);
}

class RuleManagerScheduleTest : public RuleManagerTest {};

TEST_F(RuleManagerScheduleTest, GroupEvaluatesAtItsSlotsAndWritesRecordingResults) {
  WriteRules("a.yml", R"(groups:
  - name: rec
    rules:
      - record: answer
        expr: vector(42)
)");
  RecordingSink sink;
  manager_ = NewManager(&sink);
  ASSERT_OK(manager_->Update(Config(10'000)));
  manager_->Start();
  ASSERT_EQ(manager_->Groups().size(), 1u);
  auto group = manager_->Groups()[0];
  auto stats = manager_->StatsFor(group->file(), group->name());
  ASSERT_NE(stats, nullptr);

  std::vector<int64_t> slots;
  for (int i = 0; i < 3; ++i) {
    RunRound(*manager_);
    slots.push_back(stats->last_eval_ts_ms.load());
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(((slots[i] - GroupOffsetMs(group->Hash(), 10'000)) % 10'000 + 10'000) % 10'000, 0);
    EXPECT_GT(slots[i], kStartMs);
    if (i > 0) EXPECT_EQ(slots[i] - slots[i - 1], 10'000);
  }
  EXPECT_EQ(stats->iterations.load(), 3u);
  EXPECT_EQ(stats->missed.load(), 0u);
  EXPECT_EQ(stats->rule_evaluations.load(), 3u);
  EXPECT_EQ(stats->rule_failures.load(), 0u);

  // The recording rule's output is in the DB at the evaluation timestamps.
  auto result = engine_->InstantQuery(*db_, "answer", slots.back());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->vector.size(), 1u);
  EXPECT_EQ(result->vector[0].v, 42);
  auto count = engine_->InstantQuery(*db_, "count_over_time(answer[1h])", slots.back());
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  ASSERT_EQ(count->vector.size(), 1u);
  EXPECT_EQ(count->vector[0].v, 3);  // one sample per evaluation
  std::string metrics;
  manager_->AppendMetrics(&metrics);
  EXPECT_NE(metrics.find("vigil_rule_group_iterations_total{rule_group=\"" + group->file() + ";rec\"} 3\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("vigil_rule_group_interval_seconds{rule_group=\"" + group->file() + ";rec\"} 10\n"),
            std::string::npos);
}

TEST_F(RuleManagerScheduleTest, GroupsAreSpreadOverTheIntervalByTheirHash) {
  std::string text = "groups:\n";
  for (int i = 0; i < 8; ++i) {
    text += "  - name: g" + std::to_string(i) + "\n    rules:\n      - record: r" + std::to_string(i) +
            "\n        expr: vector(1)\n";
  }
  WriteRules("spread.yml", text);
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config(60'000)));
  manager_->Start();
  RunRound(*manager_);
  std::set<int64_t> offsets;
  for (const auto& g : manager_->Groups()) {
    SCOPED_TRACE(g->name());
    int64_t ts = manager_->StatsFor(g->file(), g->name())->last_eval_ts_ms.load();
    EXPECT_EQ(ts % 60'000, GroupOffsetMs(g->Hash(), 60'000));
    offsets.insert(ts % 60'000);
  }
  // Eight groups on (almost surely) eight different slots of the minute.
  EXPECT_GE(offsets.size(), 7u);
}

TEST_F(RuleManagerScheduleTest, FiringAlertsReachTheSink) {
  WriteRules("alerts.yml", R"(groups:
  - name: alerts
    rules:
      - alert: Always
        expr: vector(7)
        labels: {severity: page}
)");
  RecordingSink sink;
  manager_ = NewManager(&sink);
  ASSERT_OK(manager_->Update(Config(10'000)));
  manager_->Start();
  RunRound(*manager_);
  ASSERT_TRUE(WaitFor([&] { return !sink.batches().empty(); }));
  auto batches = sink.batches();
  ASSERT_EQ(batches[0].second.size(), 1u);
  const rules::AlertNotice& n = batches[0].second[0];
  EXPECT_EQ(n.labels.Get("alertname"), "Always");
  EXPECT_EQ(n.labels.Get("severity"), "page");
  EXPECT_EQ(n.value, 7);
  EXPECT_FALSE(n.resolved);
  EXPECT_EQ(batches[0].first, manager_->StatsFor(manager_->Groups()[0]->file(), "alerts")->last_eval_ts_ms.load());
}

TEST_F(RuleManagerScheduleTest, BlockedSinkDoesNotStopEvaluation) {
  WriteRules("alerts.yml", R"(groups:
  - name: alerts
    rules:
      - alert: Always
        expr: vector(1)
)");
  RecordingSink sink;
  sink.Block();
  manager_ = NewManager(&sink);
  RulesConfig rc = Config(10'000);
  rc.defaults.resend_delay_ms = 1;  // re-send on every evaluation
  ASSERT_OK(manager_->Update(rc));
  manager_->Start();
  for (int i = 0; i < 5; ++i) RunRound(*manager_);
  auto stats = AllStats(*manager_)[0];
  EXPECT_EQ(stats->iterations.load(), 5u);
  EXPECT_EQ(stats->missed.load(), 0u);
  ASSERT_TRUE(WaitFor([&] { return sink.calls() == 1; }));
  EXPECT_EQ(sink.calls(), 1);  // the first batch is stuck in the sink
  EXPECT_GE(manager_->alert_queue().queued_alerts(), 3u);
  sink.Release();
  manager_->Stop();  // hands the rest over
  EXPECT_EQ(sink.batches().size(), 5u);
  EXPECT_EQ(manager_->alert_queue().queued_alerts(), 0u);
}

TEST_F(RuleManagerScheduleTest, FailingRulesAreCountedAndReported) {
  // Two samples that become the same alert once the rule's label is set.
  WriteRules("bad.yml", R"(groups:
  - name: bad
    rules:
      - record: fine
        expr: vector(1)
      - alert: Dup
        expr: 'label_replace(vector(1), "x", "a", "", "") or label_replace(vector(2), "x", "b", "", "")'
        labels: {x: same}
)");
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config()));
  manager_->Start();
  RunRound(*manager_);
  RunRound(*manager_);
  auto stats = AllStats(*manager_)[0];
  EXPECT_EQ(stats->rule_evaluations.load(), 4u);
  EXPECT_EQ(stats->rule_failures.load(), 2u);
  auto rules = manager_->Groups()[0]->Snapshot().rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].health, "ok");
  EXPECT_EQ(rules[1].health, "err");
  EXPECT_NE(rules[1].last_error.find("same labelset"), std::string::npos) << rules[1].last_error;
  std::string metrics;
  manager_->AppendMetrics(&metrics);
  EXPECT_NE(metrics.find("vigil_rule_evaluation_failures_total{rule_group=\"" + manager_->Groups()[0]->file() + ";bad\"} 2\n"),
            std::string::npos)
      << metrics;
}

TEST_F(RuleManagerScheduleTest, SkippedSlotsAreCountedAsMissed) {
  WriteRules("a.yml", R"(groups:
  - name: rec
    rules:
      - record: answer
        expr: vector(1)
)");
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config(10'000)));
  manager_->Start();
  RunRound(*manager_);
  auto stats = AllStats(*manager_)[0];
  int64_t first = stats->last_eval_ts_ms.load();
  ASSERT_TRUE(WaitFor([&] { return stats->next_eval_ts_ms.load() > first; }));
  // The server was stalled for 2.5 intervals past the next slot.
  clock_.Set(first + 10'000 + 25'000);
  ASSERT_TRUE(WaitFor([&] { return stats->iterations.load() == 2; }));
  EXPECT_EQ(stats->missed.load(), 2u);
  EXPECT_EQ(stats->last_eval_ts_ms.load(), first + 30'000);
}

TEST_F(RuleManagerScheduleTest, StopIsPromptWithLongIntervals) {
  WriteRules("a.yml", R"(groups:
  - name: hourly
    interval: 1h
    rules:
      - record: answer
        expr: vector(1)
)");
  RuleManagerOptions o;
  o.engine = engine_.get();
  o.db = db_.get();  // system clock, 1 s sleeps: Stop must wake the loop
  manager_ = std::make_unique<RuleManager>(o);
  ASSERT_OK(manager_->Update(Config()));
  manager_->Start();
  manager_->Stop();
  EXPECT_EQ(AllStats(*manager_)[0]->iterations.load(), 0u);
}

}  // namespace
}  // namespace vigil::server::alerting::testing_rules
