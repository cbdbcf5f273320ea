// Which alerts a group hands to its AlertSink (Prometheus needsSending and
// sendAlerts): pending never, firing every resend delay, resolved at once
// and then every resend delay, with ValidUntil / EndsAt / generator URL.
#include <gtest/gtest.h>

#include "server/rules/alert_notice_url.h"
#include "tests/rules/rule_group_test_env.h"

namespace vigil::rules::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kMin = 60'000;

TEST(AlertingRuleSend, ResendSchedule) {
  struct Case {
    std::string name;
    int64_t for_ms;
    int64_t resend_delay_ms;
    std::string condition;
    std::string want_sent;  // per tick: 'F' firing sent, 'R' resolved sent, '.' nothing
  };
  const std::vector<Case> cases = {
      {"resend every 2m", 0, 2 * kMin, "11110000", "F..FR..R"},
      {"resend every 1m (strictly after)", 0, kMin, "1111", "F.F."},
      {"pending is never sent", 3 * kMin, kMin, "11110", "...FR"},
      {"nothing", 0, kMin, "000", "..."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RuleGroupEnv env;
    const Labels x = L({{"__name__", "x"}});
    for (size_t i = 0; i < c.condition.size(); ++i) env.Add(x, kT0 + int64_t(i) * kMin, c.condition[i] - '0');
    GroupDefaults defaults = RuleGroupEnv::Restored();
    defaults.resend_delay_ms = c.resend_delay_ms;
    auto group = env.Make(Group({Alerting("A", "x > 0", c.for_ms)}), defaults);
    std::string got;
    for (size_t i = 0; i < c.condition.size(); ++i) {
      env.sink().sent.clear();
      ASSERT_OK(group->Eval(kT0 + int64_t(i) * kMin, env.env()));
      ASSERT_LE(env.sink().sent.size(), 1u);
      got += env.sink().sent.empty() ? '.' : env.sink().sent[0].second.resolved ? 'R' : 'F';
    }
    EXPECT_EQ(got, c.want_sent);
  }
}

TEST(AlertingRuleSend, NoticeFields) {
  RuleGroupEnv env;
  const Labels x = L({{"__name__", "x"}, {"job", "j"}});
  env.Add(x, kT0, 1);
  env.Add(x, kT0 + kMin, 1);
  env.Add(x, kT0 + 2 * kMin, 0);
  GroupDefaults defaults = RuleGroupEnv::Restored();
  defaults.external_url = "http://vigil.example:9090";
  defaults.resend_delay_ms = kMin;
  RuleGroupNode node = Group({Alerting("A", "x > 0", kMin, 0, {{"severity", "page"}}, {{"summary", "plain"}})});
  node.interval_ms = 2 * kMin;  // ValidUntil uses max(interval, resend delay)
  auto group = env.Make(node, defaults);
  ASSERT_OK(group->Eval(kT0, env.env()));  // pending
  EXPECT_TRUE(env.sink().sent.empty());
  ASSERT_OK(group->Eval(kT0 + kMin, env.env()));  // firing
  ASSERT_EQ(env.sink().sent.size(), 1u);
  const auto& [eval_ts, firing] = env.sink().sent[0];
  EXPECT_EQ(eval_ts, kT0 + kMin);
  EXPECT_EQ(firing.labels, L({{"alertname", "A"}, {"job", "j"}, {"severity", "page"}}));
  EXPECT_EQ(firing.annotations, L({{"summary", "plain"}}));
  EXPECT_EQ(firing.starts_at_ms, kT0 + kMin);  // FiredAt, not ActiveAt
  EXPECT_EQ(firing.ends_at_ms, kT0 + kMin + 4 * 2 * kMin);
  EXPECT_FALSE(firing.resolved);
  EXPECT_EQ(firing.value, 1);
  EXPECT_EQ(firing.generator_url, "http://vigil.example:9090/graph?g0.expr=x+%3E+0&g0.tab=1");
  ASSERT_OK(group->Eval(kT0 + 2 * kMin, env.env()));  // resolved
  ASSERT_EQ(env.sink().sent.size(), 2u);
  const AlertNotice& resolved = env.sink().sent[1].second;
  EXPECT_TRUE(resolved.resolved);
  EXPECT_EQ(resolved.starts_at_ms, kT0 + kMin);
  EXPECT_EQ(resolved.ends_at_ms, kT0 + 2 * kMin);
}

TEST(AlertingRuleSend, NullSinkIsFine) {
  RuleGroupEnv env;
  env.Add(L({{"__name__", "x"}}), kT0, 1);
  env.mutable_env().sink = nullptr;
  auto group = env.Make(Group({Alerting("A", "x > 0")}));
  EXPECT_OK(group->Eval(kT0, env.env()));
}

TEST(AlertNoticeUrl, GoQueryEscape) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"up", "up"},
      {"sum(rate(x[5m])) > 0.5", "sum%28rate%28x%5B5m%5D%29%29+%3E+0.5"},
      {"a{b=\"c\"}", "a%7Bb%3D%22c%22%7D"},
      {"-_.~", "-_.~"},
      {"é", "%C3%A9"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(GoQueryEscape(in), want);
  }
}

}  // namespace
}  // namespace vigil::rules::testing
