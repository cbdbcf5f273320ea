// RuleGroup state across restarts and reloads: RestoreForState (outage
// tolerance, grace period) and CopyStateFrom (alerts, stale markers of
// removed rules).
#include <gtest/gtest.h>

#include "engine/base/sample.h"
#include "tests/rules/rule_group_test_env.h"

namespace vigil::rules::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kMin = 60'000;

TEST(RuleGroupRestore, ForState) {
  const Labels for_state = L({{"__name__", "ALERTS_FOR_STATE"}, {"alertname", "A"}, {"i", "1"}});
  struct Case {
    std::string name;
    int64_t for_ms;
    int64_t down_after_ms;  // last ALERTS_FOR_STATE sample at T0 + this
    bool stale_at_down;
    int64_t restart_after_ms;  // first eval and restore at T0 + this
    int64_t want_active_at;    // relative to T0
  };
  const std::vector<Case> cases = {
      // 20m of 30m still pending > grace: shifted by the downtime (10m).
      {"shift by downtime", 30 * kMin, 10 * kMin, false, 20 * kMin, 10 * kMin},
      // Only 5m left < 10m grace: fires 10m after restart.
      {"grace period", 30 * kMin, 25 * kMin, false, 40 * kMin, 40 * kMin + 10 * kMin - 30 * kMin},
      // Was already firing: the original ActiveAt comes back.
      {"was firing", 30 * kMin, 35 * kMin, false, 45 * kMin, 0},
      // Last sample stale: the alert was not active; nothing restored.
      {"stale", 30 * kMin, 10 * kMin, true, 20 * kMin, 20 * kMin},
      // `for` below the grace period: no restore.
      {"short for", 5 * kMin, 3 * kMin, false, 10 * kMin, 10 * kMin},
      // Beyond the outage tolerance (1h): nothing found.
      {"outage too long", 30 * kMin, 10 * kMin, false, 80 * kMin, 80 * kMin},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RuleGroupEnv env;
    for (int64_t t = 0; t <= c.down_after_ms; t += kMin) {
      const bool stale = c.stale_at_down && t == c.down_after_ms;
      env.Add(for_state, kT0 + t, stale ? StaleNaN() : static_cast<double>(kT0 / 1000));
    }
    env.Add(L({{"__name__", "x"}, {"i", "1"}}), kT0 + c.restart_after_ms, 1);
    auto group = env.Make(Group({Alerting("A", "x > 0", c.for_ms)}), GroupDefaults{});
    const int64_t ts = kT0 + c.restart_after_ms;
    ASSERT_OK(group->Eval(ts, env.env()));
    group->RestoreForState(ts, env.env());
    const GroupSnapshot snap = group->Snapshot();
    ASSERT_EQ(snap.rules[0].alerts.size(), 1u);
    EXPECT_EQ(snap.rules[0].alerts[0].active_at_ms - kT0, c.want_active_at);
    // Restored: ALERTS is written from the next eval on.
    ASSERT_OK(group->Eval(ts + kMin, env.env()));
    EXPECT_EQ(env.Samples(L({{"__name__", "ALERTS"}, {"alertname", "A"}, {"alertstate", "pending"}, {"i", "1"}}),
                          ts + kMin, ts + kMin)
                      .size() +
                  env.Samples(L({{"__name__", "ALERTS"}, {"alertname", "A"}, {"alertstate", "firing"}, {"i", "1"}}),
                              ts + kMin, ts + kMin)
                      .size(),
              1u);
  }
}

TEST(RuleGroupCopyState, TakesOverAlertsAndStalesRemovedRules) {
  RuleGroupEnv env;
  const Labels x = L({{"__name__", "x"}});
  env.Add(x, kT0, 1);
  env.Add(x, kT0 + kMin, 1);
  auto old_group = env.Make(Group({Recording("r", "x"), Alerting("A", "x > 0", 0, 0, {{"s", "1"}})}));
  ASSERT_OK(old_group->Eval(kT0, env.env()));
  ASSERT_EQ(old_group->FiringAlerts("A").size(), 1u);

  auto new_group = env.Make(Group({Alerting("A", "x > 0", 0, 0, {{"s", "1"}}), Alerting("B", "x > 0")}));
  new_group->CopyStateFrom(*old_group);
  const auto firing = new_group->FiringAlerts("A");
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0].active_at_ms, kT0);
  const GroupSnapshot snap = new_group->Snapshot();
  EXPECT_EQ(snap.rules[0].health, "ok");       // copied
  EXPECT_EQ(snap.rules[1].health, "unknown");  // new rule
  EXPECT_EQ(snap.last_eval_ms, old_group->Snapshot().last_eval_ms);

  ASSERT_OK(new_group->Eval(kT0 + kMin, env.env()));
  EXPECT_EQ(new_group->FiringAlerts("A")[0].active_at_ms, kT0);  // not reset
  // The removed recording rule's series gets a stale marker.
  auto r = env.Samples(L({{"__name__", "r"}}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(IsStaleNaN(r[1].v));
  EXPECT_EQ(r[1].t, kT0 + kMin);
}

TEST(RuleGroupCopyState, ChangedLabelsAreANewRule) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}}), kT0, 1);
  auto old_group = env.Make(Group({Alerting("A", "x > 0", 0, 0, {{"s", "1"}})}));
  ASSERT_OK(old_group->Eval(kT0, env.env()));
  auto new_group = env.Make(Group({Alerting("A", "x > 0", 0, 0, {{"s", "2"}})}));
  new_group->CopyStateFrom(*old_group);
  EXPECT_TRUE(new_group->FiringAlerts("A").empty());
}

TEST(RuleGroupHash, DependsOnFileAndName) {
  auto a = RuleGroup::Create(Group({}), "a.yml", GroupDefaults{});
  auto b = RuleGroup::Create(Group({}), "b.yml", GroupDefaults{});
  auto a2 = RuleGroup::Create(Group({}), "a.yml", GroupDefaults{});
  ASSERT_TRUE(a.ok() && b.ok() && a2.ok());
  EXPECT_NE((*a)->Hash(), (*b)->Hash());
  EXPECT_EQ((*a)->Hash(), (*a2)->Hash());
}

}  // namespace
}  // namespace vigil::rules::testing
