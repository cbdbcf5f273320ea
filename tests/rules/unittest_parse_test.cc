// The promtool test-file parser: accepted shapes and every kind of error
// (strictness that yaml-cpp does not give by itself).
#include <gtest/gtest.h>

#include <cmath>

#include "server/rules/unittest/go_text.h"
#include "server/rules/unittest/test_file.h"

namespace vigil::rules::unittest {
namespace {

TEST(UnittestParse, FullFile) {
  const char* yaml = R"(
rule_files: [a.yml, 'b/*.yml']
evaluation_interval: 30s
group_eval_order: [g1, g2]
fuzzy_compare: true
tests:
  - name: first
    interval: 1m
    start_timestamp: 60
    external_labels: {region: eu}
    external_url: http://x
    input_series:
      - series: 'up{job="a"}'
        values: '1+1x3 _ stale'
    alert_rule_test:
      - eval_time: 5m
        alertname: Down
        exp_alerts:
          - exp_labels: {severity: page}
            exp_annotations: {summary: s}
      - eval_time: 1h30m
        alertname: Other
    promql_expr_test:
      - expr: up
        eval_time: 2m
        exp_samples:
          - labels: 'up{job="a"}'
            value: 2.5e0
          - value: .inf
)";
  auto parsed = ParseTestFile(yaml);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const TestFile& f = *parsed;
  EXPECT_EQ(f.rule_files, (std::vector<std::string>{"a.yml", "b/*.yml"}));
  EXPECT_EQ(f.evaluation_interval_ms, 30'000);
  EXPECT_EQ(f.group_eval_order, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_TRUE(f.fuzzy_compare);
  ASSERT_EQ(f.tests.size(), 1u);
  const TestGroup& g = f.tests[0];
  EXPECT_EQ(g.name, "first");
  EXPECT_EQ(g.interval_ms, 60'000);
  EXPECT_EQ(g.start_ms, 60'000);
  EXPECT_EQ(g.external_labels, (StringPairs{{"region", "eu"}}));
  EXPECT_EQ(g.external_url, "http://x");
  ASSERT_EQ(g.input_series.size(), 1u);
  EXPECT_EQ(g.input_series[0].values, "1+1x3 _ stale");
  ASSERT_EQ(g.alert_tests.size(), 2u);
  EXPECT_EQ(g.alert_tests[0].eval_time_ms, 300'000);
  EXPECT_EQ(g.alert_tests[1].eval_time_text, "1h30m");
  EXPECT_TRUE(g.alert_tests[1].exp_alerts.empty());
  EXPECT_EQ(g.alert_tests[0].exp_alerts[0].labels, (StringPairs{{"severity", "page"}}));
  ASSERT_EQ(g.promql_tests.size(), 1u);
  ASSERT_EQ(g.promql_tests[0].exp_samples.size(), 2u);
  EXPECT_EQ(g.promql_tests[0].exp_samples[0].value, 2.5);
  EXPECT_TRUE(std::isinf(g.promql_tests[0].exp_samples[1].value));
  EXPECT_EQ(g.promql_tests[0].exp_samples[1].labels, "");
}

TEST(UnittestParse, Rfc3339StartTimestamp) {
  auto parsed = ParseTestFile("tests: [{start_timestamp: '2024-01-02T03:04:05Z'}]");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->tests[0].start_ms, 1704164645000);
}

TEST(UnittestParse, EmptyAndNull) {
  for (const char* yaml : {"", "tests:", "rule_files:\ntests: []"}) {
    SCOPED_TRACE(yaml);
    auto parsed = ParseTestFile(yaml);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_TRUE(parsed->tests.empty());
  }
}

TEST(UnittestParse, Errors) {
  struct Case {
    std::string name;
    std::string yaml;
    std::string error;  // exact message
  };
  const std::vector<Case> cases = {
      {"unknown top-level key", "rule_files: []\nfoo: 1\n",
       "yaml: unmarshal errors:\n  line 2: field foo not found in type main.unitTestFile"},
      {"unknown keys at several levels", "tests:\n- interval: 1m\n  bar: 2\n  input_series:\n  - series: x\n    valuez: '1'\n",
       "yaml: unmarshal errors:\n  line 3: field bar not found in type main.testGroup\n"
       "  line 6: field valuez not found in type main.series"},
      {"unknown key in alert", "tests:\n- alert_rule_test:\n  - alertname: A\n    exp_alerts:\n    - exp_label: {}\n",
       "yaml: unmarshal errors:\n  line 5: field exp_label not found in type main.alert"},
      {"unknown key in sample", "tests:\n- promql_expr_test:\n  - expr: x\n    exp_samples:\n    - labels: x\n      val: 1\n",
       "yaml: unmarshal errors:\n  line 6: field val not found in type main.sample"},
      {"repeated key", "rule_files: []\nrule_files: []\n",
       "yaml: unmarshal errors:\n  line 2: field rule_files already set in type main.unitTestFile"},
      {"repeated map key", "tests:\n- external_labels: {a: 1, a: 2}\n",
       "yaml: unmarshal errors:\n  line 2: key \"a\" already set in map"},
      {"bad duration", "evaluation_interval: 5x\n", "unknown unit \"x\" in duration \"5x\""},
      {"number as duration", "tests:\n- interval: 5\n", "not a valid duration string: \"5\""},
      {"string value", "tests:\n- promql_expr_test:\n  - exp_samples:\n    - value: abc\n",
       "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `abc` into float64"},
      {"quoted number value", "tests:\n- promql_expr_test:\n  - exp_samples:\n    - value: '1'\n",
       "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `1` into float64"},
      {"tests not a list", "tests: 3\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `3` into []main.testGroup"},
      {"labels map expected", "tests:\n- external_labels: [a]\n",
       "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into map[string]string"},
      {"root not a map", "- a\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into main.unitTestFile"},
      {"bad bool", "fuzzy_compare: maybe\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `maybe` into bool"},
      {"bad timestamp", "tests: [{start_timestamp: yesterday}]\n",
       "cannot parse \"yesterday\" as a timestamp (Unix seconds or RFC3339)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto parsed = ParseTestFile(c.yaml);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), c.error);
  }
}

TEST(UnittestParse, SyntaxError) {
  auto parsed = ParseTestFile("tests: [\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind("yaml: line ", 0), 0u) << parsed.status().message();
}

TEST(UnittestGoText, DurationString) {
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {0, "0s"}, {500, "500ms"}, {1000, "1s"}, {1500, "1.5s"}, {60'000, "1m0s"},
      {90'000, "1m30s"}, {3'600'000, "1h0m0s"}, {3'661'001, "1h1m1.001s"}, {-60'000, "-1m0s"},
  };
  for (const auto& [ms, want] : cases) {
    SCOPED_TRACE(want);
    EXPECT_EQ(GoDurationString(ms), want);
  }
}

TEST(UnittestGoText, AlertListString) {
  EXPECT_EQ(AlertListString({}), "[]");
  const std::vector<LabelsAndAnnotations> two = {
      {Labels::FromStrings({{"alertname", "A"}}), Labels()},
      {Labels::FromStrings({{"alertname", "B"}}), Labels::FromStrings({{"s", "x"}})},
  };
  EXPECT_EQ(AlertListString(two),
            "[\n0:\n  Labels:{alertname=\"A\"}\n  Annotations:{},\n1:\n  Labels:{alertname=\"B\"}\n  "
            "Annotations:{s=\"x\"}\n]");
  EXPECT_EQ(IndentLines("a\nb\nc", "  "), "a\n  b\n  c");
  EXPECT_EQ(GoFloatE(1), "1E+00");
  EXPECT_EQ(GoFloatE(0.25), "2.5E-01");
}

}  // namespace
}  // namespace vigil::rules::unittest
