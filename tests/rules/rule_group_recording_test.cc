// RuleGroup with recording rules: renaming and labels, scalars, errors
// (duplicates, limit), in-order visibility and stale markers.
#include <gtest/gtest.h>

#include "engine/base/sample.h"
#include "tests/rules/rule_group_test_env.h"

namespace vigil::rules::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kMin = 60'000;

TEST(RuleGroupRecording, RenamesAndAppliesLabels) {
  const Labels a1 = L({{"__name__", "x"}, {"job", "a"}, {"i", "1"}});
  const Labels a2 = L({{"__name__", "x"}, {"job", "a"}, {"i", "2"}});
  struct Case {
    std::string name;
    std::vector<Labels> inputs;  // values 1, 2, ...
    RuleNode rule;
    LabelPairs group_labels;
    Labels want;
    double value;
  };
  const std::vector<Case> cases = {
      {"rename", {a1, a2}, Recording("job:x:sum", "sum by (job) (x)"), {}, L({{"__name__", "job:x:sum"}, {"job", "a"}}),
       3},
      {"rule label added", {a1}, Recording("r", "x", {{"team", "t"}}), {},
       L({{"__name__", "r"}, {"job", "a"}, {"i", "1"}, {"team", "t"}}), 1},
      {"rule label overrides sample label", {a1}, Recording("r", "x", {{"job", "b"}}), {},
       L({{"__name__", "r"}, {"job", "b"}, {"i", "1"}}), 1},
      {"group label, rule label wins", {a1, a2}, Recording("r", "sum(x)", {{"env", "rule"}}),
       {{"env", "group"}, {"g", "1"}}, L({{"__name__", "r"}, {"env", "rule"}, {"g", "1"}}), 3},
      {"empty rule label deletes", {a1}, Recording("r", "x", {{"i", ""}}), {}, L({{"__name__", "r"}, {"job", "a"}}), 1},
      {"scalar result", {a1, a2}, Recording("r", "scalar(sum(x)) * 2"), {}, L({{"__name__", "r"}}), 6},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RuleGroupEnv env;
    for (size_t i = 0; i < c.inputs.size(); ++i) env.Add(c.inputs[i], kT0, static_cast<double>(i + 1));
    RuleGroupNode node = Group({c.rule});
    node.labels = c.group_labels;
    auto group = env.Make(node);
    ASSERT_OK(group->Eval(kT0, env.env()));
    EXPECT_EQ(env.ValueAt(c.want, kT0), c.value);
    EXPECT_EQ(group->Snapshot().rules[0].health, "ok");
  }
}

TEST(RuleGroupRecording, Errors) {
  struct Case {
    std::string name;
    RuleNode rule;
    int64_t limit;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"same labelset after labels", Recording("r", "x", {{"i", "same"}}), 0,
       "vector contains metrics with the same labelset after applying rule labels"},
      {"limit", Recording("r", "x"), 1, "exceeded limit of 1 with 2 series"},
      {"string result", Recording("r", "\"s\""), 0, "rule result is not a vector or scalar"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RuleGroupEnv env;
    env.Add(L({{"__name__", "x"}, {"i", "1"}}), kT0, 1);
    env.Add(L({{"__name__", "x"}, {"i", "2"}}), kT0, 2);
    auto group = env.Make(Group({c.rule}, c.limit));
    Status s = group->Eval(kT0, env.env());
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), c.error);
    GroupSnapshot snap = group->Snapshot();
    EXPECT_EQ(snap.rules[0].health, "err");
    EXPECT_EQ(snap.rules[0].last_error, c.error);
    // Nothing of the failed rule was written.
    EXPECT_EQ(env.Samples(L({{"__name__", "r"}, {"i", "1"}})).size(), 0u);
  }
}

TEST(RuleGroupRecording, LimitNotExceededWritesAll) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}, {"i", "1"}}), kT0, 1);
  env.Add(L({{"__name__", "x"}, {"i", "2"}}), kT0, 2);
  auto group = env.Make(Group({Recording("r", "x")}, 2));
  ASSERT_OK(group->Eval(kT0, env.env()));
  EXPECT_EQ(env.ValueAt(L({{"__name__", "r"}, {"i", "2"}}), kT0), 2);
}

TEST(RuleGroupRecording, LaterRulesSeeEarlierResults) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}}), kT0, 5);
  auto group = env.Make(Group({Recording("a", "x * 2"), Recording("b", "a + 1")}));
  ASSERT_OK(group->Eval(kT0, env.env()));
  EXPECT_EQ(env.ValueAt(L({{"__name__", "b"}}), kT0), 11);
}

TEST(RuleGroupRecording, StaleMarkersForVanishedSeries) {
  RuleGroupEnv env;
  const Labels x1 = L({{"__name__", "x"}, {"i", "1"}});
  const Labels x2 = L({{"__name__", "x"}, {"i", "2"}});
  env.Add(x1, kT0, 1);
  env.Add(x2, kT0, 2);
  // x{i="2"} is marked stale at T0+1m, so it vanishes from the result.
  env.Add(x1, kT0 + kMin, 1);
  env.Add(x2, kT0 + kMin, StaleNaN());
  auto group = env.Make(Group({Recording("r", "x")}));
  ASSERT_OK(group->Eval(kT0, env.env()));
  ASSERT_OK(group->Eval(kT0 + kMin, env.env()));
  ASSERT_OK(group->Eval(kT0 + 2 * kMin, env.env()));
  const auto r2 = env.Samples(L({{"__name__", "r"}, {"i", "2"}}));
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_EQ(r2[0].v, 2);
  EXPECT_EQ(r2[1].t, kT0 + kMin);
  EXPECT_TRUE(IsStaleNaN(r2[1].v));  // once, not again at T0+2m
  const auto r1 = env.Samples(L({{"__name__", "r"}, {"i", "1"}}));
  EXPECT_EQ(r1.size(), 3u);
  for (const auto& s : r1) EXPECT_FALSE(IsStaleNaN(s.v));
}

TEST(RuleGroupRecording, QueryOffsetShiftsQueryAndSamples) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}}), kT0, 1);
  env.Add(L({{"__name__", "x"}}), kT0 + kMin, 2);
  RuleGroupNode node = Group({Recording("r", "x")});
  node.query_offset_ms = kMin;
  auto group = env.Make(node);
  ASSERT_OK(group->Eval(kT0 + kMin, env.env()));
  EXPECT_EQ(env.ValueAt(L({{"__name__", "r"}}), kT0), 1);
  EXPECT_FALSE(env.ValueAt(L({{"__name__", "r"}}), kT0 + kMin).has_value());
}

TEST(RuleGroupRecording, CreateRejectsBadExpression) {
  RuleGroupNode node = Group({Recording("r", "sum(")});
  auto g = RuleGroup::Create(node, "f.yml", GroupDefaults{});
  EXPECT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
}

TEST(RuleGroupRecording, SnapshotShape) {
  RuleGroupEnv env;
  RuleGroupNode node = Group({Recording("r", "vector(1)", {{"a", "b"}}), Alerting("A", "vector(1)", 5 * kMin)}, 7);
  node.interval_ms = 30'000;
  auto group = env.Make(node);
  GroupSnapshot before = group->Snapshot();
  EXPECT_EQ(before.interval_ms, 30'000);
  EXPECT_EQ(before.limit, 7);
  ASSERT_EQ(before.rules.size(), 2u);
  EXPECT_FALSE(before.rules[0].evaluated);
  EXPECT_EQ(before.rules[0].health, "unknown");
  EXPECT_TRUE(before.rules[1].alerting);
  EXPECT_EQ(before.rules[1].for_ms, 5 * kMin);
  ASSERT_OK(group->Eval(kT0, env.env()));
  GroupSnapshot after = group->Snapshot();
  EXPECT_TRUE(after.rules[0].evaluated);
  EXPECT_EQ(after.rules[0].labels, (LabelPairs{{"a", "b"}}));
  EXPECT_EQ(after.rules[1].state, AlertState::kPending);
  ASSERT_EQ(after.rules[1].alerts.size(), 1u);
  EXPECT_GT(after.last_eval_ms, 0);
}

}  // namespace
}  // namespace vigil::rules::testing
