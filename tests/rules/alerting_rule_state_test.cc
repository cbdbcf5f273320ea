// The alert state machine of RuleGroup's alerting rules, driven tick by
// tick: `for`, `keep_firing_for`, resolution, re-activation, ALERTS /
// ALERTS_FOR_STATE series, labels, duplicate and limit errors.
#include <gtest/gtest.h>

#include "engine/base/sample.h"
#include "tests/rules/rule_group_test_env.h"

namespace vigil::rules::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kMin = 60'000;

// 'F' firing, 'P' pending, '-' neither (absent or resolved).
char StateChar(const RuleSnapshot& rule) {
  if (rule.alerts.empty()) return '-';
  return rule.alerts[0].state == AlertState::kFiring ? 'F' : 'P';
}

TEST(AlertingRuleState, TimeSequences) {
  struct Case {
    std::string name;
    int64_t for_ms;
    int64_t keep_firing_for_ms;
    std::string condition;  // '1' = x > 0 holds at that tick
    std::string want;
  };
  const std::vector<Case> cases = {
      {"for 0 fires at once", 0, 0, "1100", "FF--"},
      {"for 2m", 2 * kMin, 0, "111110", "PPFFF-"},
      {"for 2m interrupted", 2 * kMin, 0, "1101110", "PP-PPF-"},
      {"keep_firing_for holds", 0, 2 * kMin, "1000", "FFF-"},
      {"keep_firing_for restarts when back", 0, 2 * kMin, "1010000", "FFFFF--"},
      {"keep_firing_for does not keep pending", 2 * kMin, 5 * kMin, "1100", "PP--"},
      {"re-activation after resolve starts pending", 2 * kMin, 0, "1110111", "PPF-PPF"},
      {"never", 0, 0, "000", "---"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RuleGroupEnv env;
    const Labels x = L({{"__name__", "x"}, {"i", "1"}});
    for (size_t i = 0; i < c.condition.size(); ++i) {
      env.Add(x, kT0 + static_cast<int64_t>(i) * kMin, c.condition[i] == '1' ? 1 : 0);
    }
    auto group = env.Make(Group({Alerting("A", "x > 0", c.for_ms, c.keep_firing_for_ms)}));
    std::string got;
    for (size_t i = 0; i < c.condition.size(); ++i) {
      ASSERT_OK(group->Eval(kT0 + static_cast<int64_t>(i) * kMin, env.env()));
      const GroupSnapshot snap = group->Snapshot();
      got += StateChar(snap.rules[0]);
      EXPECT_EQ(group->FiringAlerts("A").size(), got.back() == 'F' ? 1u : 0u);
    }
    EXPECT_EQ(got, c.want);
  }
}

TEST(AlertingRuleState, AlertsSeriesAndStaleMarkers) {
  RuleGroupEnv env;
  const Labels x = L({{"__name__", "x"}, {"i", "1"}});
  const std::string condition = "111110";
  for (size_t i = 0; i < condition.size(); ++i) env.Add(x, kT0 + static_cast<int64_t>(i) * kMin, condition[i] - '0');
  auto group = env.Make(Group({Alerting("A", "x > 0", 2 * kMin, 0, {{"severity", "page"}})}));
  for (size_t i = 0; i < condition.size(); ++i) ASSERT_OK(group->Eval(kT0 + static_cast<int64_t>(i) * kMin, env.env()));

  auto values = [&](const Labels& l) {
    std::string out;
    for (const Sample& s : env.Samples(l)) {
      out += std::to_string((s.t - kT0) / kMin) + ":" + (IsStaleNaN(s.v) ? "stale" : std::to_string(int64_t(s.v))) + " ";
    }
    return out;
  };
  EXPECT_EQ(values(L({{"__name__", "ALERTS"}, {"alertname", "A"}, {"alertstate", "pending"}, {"i", "1"}, {"severity", "page"}})),
            "0:1 1:1 2:stale ");
  EXPECT_EQ(values(L({{"__name__", "ALERTS"}, {"alertname", "A"}, {"alertstate", "firing"}, {"i", "1"}, {"severity", "page"}})),
            "2:1 3:1 4:1 5:stale ");
  const auto for_state = env.Samples(L({{"__name__", "ALERTS_FOR_STATE"}, {"alertname", "A"}, {"i", "1"}, {"severity", "page"}}));
  ASSERT_EQ(for_state.size(), 6u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(for_state[i].v, static_cast<double>(kT0 / 1000));
  EXPECT_TRUE(IsStaleNaN(for_state[5].v));
}

TEST(AlertingRuleState, NotRestoredWritesNoAlertsSeries) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}}), kT0, 1);
  GroupDefaults defaults;  // restored = false: the server before RestoreForState
  auto group = env.Make(Group({Alerting("A", "x > 0")}), defaults);
  ASSERT_OK(group->Eval(kT0, env.env()));
  EXPECT_EQ(group->FiringAlerts("A").size(), 1u);
  EXPECT_FALSE(env.ValueAt(L({{"__name__", "ALERTS"}, {"alertname", "A"}, {"alertstate", "firing"}}), kT0));
}

TEST(AlertingRuleState, LabelsOfAlerts) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}, {"job", "j"}, {"severity", "low"}}), kT0, 3);
  RuleGroupNode node = Group({Alerting("A", "x > 0", 0, 0, {{"severity", "high"}, {"team", "t"}})});
  node.labels = {{"env", "prod"}, {"team", "group"}};
  auto group = env.Make(node);
  ASSERT_OK(group->Eval(kT0, env.env()));
  auto firing = group->FiringAlerts("A");
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0].labels,
            L({{"alertname", "A"}, {"env", "prod"}, {"job", "j"}, {"severity", "high"}, {"team", "t"}}));
  EXPECT_EQ(firing[0].value, 3);
  EXPECT_EQ(firing[0].active_at_ms, kT0);
  EXPECT_EQ(firing[0].fired_at_ms, kT0);
}

TEST(AlertingRuleState, TemplatesInLabelsAndAnnotations) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}, {"job", "j"}}), kT0, 1234567);
  GroupDefaults defaults = RuleGroupEnv::Restored();
  defaults.external_labels = L({{"region", "eu"}});
  defaults.external_url = "http://vigil";
  auto group = env.Make(Group({Alerting("A", "x > 0", 0, 0,
                                        {{"tier", "{{ if gt $value 1e6 }}big{{ else }}small{{ end }}"}},
                                        {{"summary", "{{ $labels.job }} at {{ $value }} ({{ humanize $value }})"},
                                         {"where", "{{ $externalLabels.region }} {{ $externalURL }}"},
                                         {"name", "{{ $labels.__name__ }}"},
                                         {"broken", "{{ .Nope.Deeper }}"},
                                         {"queried", "{{ query \"x\" | first | value }}"}})}),
                        defaults);
  ASSERT_OK(group->Eval(kT0, env.env()));
  auto firing = group->FiringAlerts("A");
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0].labels, L({{"alertname", "A"}, {"job", "j"}, {"tier", "big"}}));
  EXPECT_EQ(firing[0].annotations.Get("summary"), "j at 1.234567e+06 (1.235M)");
  EXPECT_EQ(firing[0].annotations.Get("where"), "eu http://vigil");
  EXPECT_EQ(firing[0].annotations.Get("name"), "x");  // $labels hold the sample's labels
  EXPECT_EQ(firing[0].annotations.Get("queried"), "1.234567e+06");
  EXPECT_EQ(std::string(firing[0].annotations.Get("broken")).rfind("<error expanding template: ", 0), 0u)
      << firing[0].annotations.Get("broken");
}

TEST(AlertingRuleState, Errors) {
  struct Case {
    std::string name;
    RuleNode rule;
    int64_t limit;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"same labelset", Alerting("A", "x > 0", 0, 0, {{"i", "same"}}), 0,
       "vector contains metrics with the same labelset after applying alert labels"},
      {"limit", Alerting("A", "x > 0"), 1, "exceeded limit of 1 with 2 alerts"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RuleGroupEnv env;
    env.Add(L({{"__name__", "x"}, {"i", "1"}}), kT0, 1);
    env.Add(L({{"__name__", "x"}, {"i", "2"}}), kT0, 1);
    auto group = env.Make(Group({c.rule}, c.limit));
    Status s = group->Eval(kT0, env.env());
    EXPECT_EQ(s.message(), c.error);
    const GroupSnapshot snap = group->Snapshot();
    EXPECT_EQ(snap.rules[0].health, "err");
    EXPECT_TRUE(snap.rules[0].alerts.empty());
    EXPECT_TRUE(env.sink().sent.empty());
  }
}

TEST(AlertingRuleState, LimitKeepsWorkingBelowIt) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}, {"i", "1"}}), kT0, 1);
  env.Add(L({{"__name__", "x"}, {"i", "2"}}), kT0, 1);
  auto group = env.Make(Group({Alerting("A", "x > 0")}, 2));
  ASSERT_OK(group->Eval(kT0, env.env()));
  EXPECT_EQ(group->FiringAlerts("A").size(), 2u);
}

TEST(AlertingRuleState, ResolvedAlertDroppedAfterRetention) {
  RuleGroupEnv env;
  const Labels x = L({{"__name__", "x"}});
  env.Add(x, kT0, 1);
  env.Add(x, kT0 + kMin, 0);
  auto group = env.Make(Group({Alerting("A", "x > 0")}));
  ASSERT_OK(group->Eval(kT0, env.env()));
  ASSERT_OK(group->Eval(kT0 + kMin, env.env()));  // resolved at T0+1m
  env.sink().sent.clear();
  // Still re-sent as resolved within 15m, not after.
  ASSERT_OK(group->Eval(kT0 + 16 * kMin, env.env()));
  EXPECT_EQ(env.sink().sent.size(), 1u);
  ASSERT_OK(group->Eval(kT0 + 17 * kMin, env.env()));
  ASSERT_OK(group->Eval(kT0 + 30 * kMin, env.env()));
  EXPECT_EQ(env.sink().sent.size(), 1u);
}

}  // namespace
}  // namespace vigil::rules::testing
