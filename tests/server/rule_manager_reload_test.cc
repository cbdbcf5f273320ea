// RuleManager reloads and restarts: state carried over on a successful
// reload, a failed reload changing nothing, removed groups stopping, and
// `for` progress restored from ALERTS_FOR_STATE after a restart.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/server/rule_manager_test_util.h"

namespace vigil::server::alerting::testing_rules {
namespace {

constexpr const char* kPendingRule = R"(groups:
  - name: slow
    rules:
      - alert: Slow
        expr: vector(1)
        for: 1h
        labels: {severity: ticket}
)";

// The alerts of rule `alert` in the manager's groups.
std::vector<rules::Alert> AlertsOf(const RuleManager& m, const std::string& alert) {
  for (const auto& g : m.Groups()) {
    for (const auto& r : g->Snapshot().rules) {
      if (r.alerting && r.name == alert) return r.alerts;
    }
  }
  return {};
}

class RuleManagerReloadTest : public RuleManagerTest {};

TEST_F(RuleManagerReloadTest, ReloadKeepsAlertStateAndForProgress) {
  WriteRules("a.yml", kPendingRule);
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config()));
  manager_->Start();
  RunRound(*manager_);
  auto before = AlertsOf(*manager_, "Slow");
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(before[0].state, rules::AlertState::kPending);
  int64_t active_at = before[0].active_at_ms;
  auto old_group = manager_->Groups()[0];

  // Same group, one more rule, plus a new file.
  WriteRules("a.yml", std::string(kPendingRule) + R"(      - record: extra
        expr: vector(2)
)");
  WriteRules("b.yml", "groups:\n  - name: other\n    rules:\n      - record: other\n        expr: vector(3)\n");
  ASSERT_OK(manager_->Update(Config()));
  ASSERT_EQ(manager_->Groups().size(), 2u);
  EXPECT_NE(manager_->Groups()[0], old_group);  // replaced...
  auto carried = AlertsOf(*manager_, "Slow");  // ...with its state
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0].active_at_ms, active_at);

  RunRound(*manager_);
  auto after = AlertsOf(*manager_, "Slow");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].state, rules::AlertState::kPending);
  EXPECT_EQ(after[0].active_at_ms, active_at);  // `for` keeps counting from the first eval
  // The group's counters continue too.
  auto stats = manager_->StatsFor(manager_->Groups()[0]->file(), "slow");
  EXPECT_EQ(stats->iterations.load(), 2u);
  EXPECT_EQ(stats->rules.load(), 2);
}

TEST_F(RuleManagerReloadTest, BrokenFileKeepsTheOldRulesRunning) {
  WriteRules("a.yml", kPendingRule);
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config()));
  manager_->Start();
  RunRound(*manager_);
  auto groups_before = manager_->Groups();

  struct Case {
    const char* name;
    std::string file, text, want;
  };
  const Case cases[] = {
      {"bad expression", "b.yml", "groups:\n  - name: b\n    rules:\n      - record: x\n        expr: sum(\n",
       "could not parse expression"},
      {"bad yaml", "c.yml", "groups: [\n", "c.yml"},
      {"both record and alert", "d.yml",
       "groups:\n  - name: d\n    rules:\n      - record: x\n        alert: y\n        expr: vector(1)\n",
       "only one of 'record' and 'alert' must be set"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string path = WriteRules(c.file, c.text);
    Status st = manager_->Update(Config());
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find(c.want), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(c.file), std::string::npos) << st.message();
    EXPECT_EQ(manager_->Groups(), groups_before);
    std::filesystem::remove(path);
  }
  // Still evaluating.
  RunRound(*manager_);
  EXPECT_EQ(manager_->StatsFor(groups_before[0]->file(), "slow")->iterations.load(), 2u);
}

TEST_F(RuleManagerReloadTest, EveryBrokenFileIsReported) {
  WriteRules("a.yml", "groups:\n  - name: a\n    rules:\n      - record: 'bad name'\n        expr: vector(1)\n");
  WriteRules("b.yml", "groups:\n  - name: b\n    rules:\n      - alert: B\n        expr: 'up +'\n");
  manager_ = NewManager(nullptr);
  Status st = manager_->Update(Config());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("a.yml"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("b.yml"), std::string::npos) << st.message();
  EXPECT_TRUE(manager_->Groups().empty());
}

TEST_F(RuleManagerReloadTest, RemovedGroupsStop) {
  WriteRules("a.yml", kPendingRule);
  std::string b = WriteRules("b.yml", "groups:\n  - name: b\n    rules:\n      - record: b\n        expr: vector(3)\n");
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config()));
  manager_->Start();
  RunRound(*manager_);
  ASSERT_EQ(manager_->Groups().size(), 2u);
  std::filesystem::remove(b);
  ASSERT_OK(manager_->Update(Config()));
  ASSERT_EQ(manager_->Groups().size(), 1u);
  EXPECT_EQ(manager_->Groups()[0]->name(), "slow");
  EXPECT_EQ(manager_->StatsFor(b, "b"), nullptr);
  std::string metrics;
  manager_->AppendMetrics(&metrics);
  EXPECT_EQ(metrics.find(";b\"}"), std::string::npos) << metrics;
}

TEST_F(RuleManagerReloadTest, ForStateIsRestoredAfterARestart) {
  const int64_t interval = 10'000;
  WriteRules("a.yml", kPendingRule);
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config(interval)));
  manager_->Start();
  // Restore runs after the second evaluation; from the third on, the
  // restored rule writes ALERTS_FOR_STATE.
  for (int i = 0; i < 4; ++i) RunRound(*manager_);
  auto alerts = AlertsOf(*manager_, "Slow");
  ASSERT_EQ(alerts.size(), 1u);
  const int64_t active_at = alerts[0].active_at_ms;
  const int64_t last_eval = AllStats(*manager_)[0]->last_eval_ts_ms.load();
  manager_.reset();

  // Restart 5 minutes later: close and reopen the DB.
  CloseDb();
  OpenDb();
  clock_.Set(last_eval + 5 * 60'000);
  manager_ = NewManager(nullptr);
  ASSERT_OK(manager_->Update(Config(interval)));
  manager_->Start();
  RunRound(*manager_);
  const int64_t first_after = AllStats(*manager_)[0]->last_eval_ts_ms.load();
  ASSERT_EQ(AlertsOf(*manager_, "Slow")[0].active_at_ms, first_after);  // a fresh alert...
  RunRound(*manager_);  // ...restored after the second evaluation
  const int64_t restore_ts = AllStats(*manager_)[0]->last_eval_ts_ms.load();
  auto restored = AlertsOf(*manager_, "Slow");
  ASSERT_EQ(restored.size(), 1u);
  // Prometheus shifts ActiveAt by the downtime (restore time - last
  // ALERTS_FOR_STATE sample), so the pending time before the restart counts.
  EXPECT_EQ(restored[0].active_at_ms, active_at + (restore_ts - last_eval));
  EXPECT_LT(restored[0].active_at_ms, first_after);
}

}  // namespace
}  // namespace vigil::server::alerting::testing_rules
