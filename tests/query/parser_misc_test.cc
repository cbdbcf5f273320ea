// Prettify, ParseMetricSelector, ParseSeriesDesc and duration tables.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/base/sample.h"
#include "query/duration.h"
#include "query/parser.h"
#include "tests/testutil/testutil.h"

namespace vigil::query {
namespace {

struct PrettyCase {
  const char* in;
  const char* out;
};

const PrettyCase kPretty[] = {
    {"a + b", "a + b"},
    {"sum by (job) (rate(x[5m]))", "sum by (job) (rate(x[5m]))"},
    {"sum by (job) (rate(http_requests_total{job=\"prometheus\",instance=\"localhost:9090\",handler=\"/api/v1/query\"}[5m]))",
     "sum by (job) (\n"
     "  rate(http_requests_total{job=\"prometheus\",instance=\"localhost:9090\",handler=\"/api/v1/query\"}[5m])\n"
     ")"},
    {"histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket{job=\"very_long_job_name_here\"}[5m]))) > 0.5",
     "  histogram_quantile(\n"
     "    0.9,\n"
     "    sum by (le, job) (rate(http_request_duration_seconds_bucket{job=\"very_long_job_name_here\"}[5m]))\n"
     "  )\n"
     ">\n"
     "  0.5"},
    {"topk(10, sum without (instance) (rate(node_network_receive_bytes_total{device!~\"lo|veth.*\",job=\"node-exporter\"}[5m])))",
     "topk(\n"
     "  10,\n"
     "  sum without (instance) (\n"
     "    rate(node_network_receive_bytes_total{device!~\"lo|veth.*\",job=\"node-exporter\"}[5m])\n"
     "  )\n"
     ")"},
    {"-sum(rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m])) * on (job) group_left (team) "
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
     "  -sum(rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m]))\n"
     "* on (job) group_left (team)\n"
     "  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
    {"max_over_time((rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m]) + "
     "rate(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb[5m]))[1h:1m])",
     "max_over_time(\n"
     "  (\n"
     "      rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa[5m])\n"
     "    +\n"
     "      rate(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb[5m])\n"
     "  )[1h:1m]\n"
     ")"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa and bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
     "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
     "and\n"
     "  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa > bool bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
     "  aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
     "> bool\n"
     "  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
    {"label_replace(up{job=\"api-server\",service=\"a:c\"}, \"foo\", \"$1\", \"service\", \"(.*):.*\") + label_replace(up, \"x\", \"y\", \"z\", \"w\")",
     "  label_replace(up{job=\"api-server\",service=\"a:c\"}, \"foo\", \"$1\", \"service\", \"(.*):.*\")\n"
     "+\n"
     "  label_replace(up, \"x\", \"y\", \"z\", \"w\")"},
};

TEST(PrettifyTest, Table) {
  for (const PrettyCase& c : kPretty) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(ExprPtr e, ParseExpr(c.in));
    EXPECT_EQ(Prettify(*e), c.out);
    // Prettified output parses back to the same expression.
    ASSERT_OK_AND_ASSIGN(ExprPtr again, ParseExpr(Prettify(*e)));
    EXPECT_EQ(again->ToString(), e->ToString());
  }
}

TEST(MetricSelectorTest, Matchers) {
  ASSERT_OK_AND_ASSIGN(Matchers m, ParseMetricSelector("foo{a=\"b\", c=~\"d.*\"}"));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].name(), "a");
  EXPECT_EQ(m[1].type(), MatchType::kRegexMatch);
  EXPECT_EQ(m[2].name(), "__name__");
  EXPECT_EQ(m[2].value(), "foo");
  ASSERT_OK_AND_ASSIGN(Matchers empty, ParseMetricSelector("{}"));
  EXPECT_TRUE(empty.empty());
  ASSERT_OK_AND_ASSIGN(Matchers kw, ParseMetricSelector("sum"));
  ASSERT_EQ(kw.size(), 1u);
  EXPECT_EQ(kw[0].value(), "sum");
}

TEST(MetricSelectorTest, Errors) {
  EXPECT_EQ(ParseMetricSelector("rate(foo)").status().message(), "1:5: parse error: unexpected \"(\"");
  EXPECT_EQ(ParseMetricSelector("foo[5m]").status().message(), "1:4: parse error: unexpected \"[\"");
  EXPECT_EQ(ParseMetricSelector("1").status().message(), "1:1: parse error: unexpected number \"1\"");
  EXPECT_EQ(ParseMetricSelector("foo{a=}").status().message(),
            "1:7: parse error: unexpected \"}\" in label matching, expected string");
  EXPECT_FALSE(ParseMetricSelector("").ok());
}

std::vector<std::optional<double>> V(std::initializer_list<double> vs) {
  std::vector<std::optional<double>> out;
  for (double v : vs) out.push_back(v);
  return out;
}

TEST(SeriesDescTest, Expansions) {
  struct Case {
    const char* in;
    std::vector<std::optional<double>> want;
  };
  const Case cases[] = {
      {"m 1 2 3", V({1, 2, 3})},
      {"m 1+1x3", V({1, 2, 3, 4})},
      {"m -1-1x2", V({-1, -2, -3})},
      {"m 1-1x4", V({1, 0, -1, -2, -3})},
      {"m 5x2", V({5, 5, 5})},
      {"m 1x0", V({1})},
      {"m 0+10x2 100", V({0, 10, 20, 100})},
      {"m 1.5+0.5x1", V({1.5, 2})},
      {"m  1   2 ", V({1, 2})},
      {"m _x3", {std::nullopt, std::nullopt, std::nullopt}},
      {"m _ 1 _", {std::nullopt, 1.0, std::nullopt}},
      {"m Inf -Inf", V({INFINITY, -INFINITY})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(SeriesDesc d, ParseSeriesDesc(c.in));
    EXPECT_EQ(d.values, c.want);
  }
}

TEST(SeriesDescTest, LabelsAndSpecialValues) {
  ASSERT_OK_AND_ASSIGN(SeriesDesc d, ParseSeriesDesc("metric{a=\"b\", c='d',} 1+2x3 _ stale Inf -Inf NaN 5x2 1-1x4 _x3"));
  EXPECT_EQ(d.labels, Labels::FromStrings({{"__name__", "metric"}, {"a", "b"}, {"c", "d"}}));
  ASSERT_EQ(d.values.size(), 4u + 1 + 1 + 3 + 3 + 5 + 3);
  EXPECT_EQ(d.values[3], 7.0);
  EXPECT_FALSE(d.values[4].has_value());
  ASSERT_TRUE(d.values[5].has_value());
  EXPECT_TRUE(IsStaleNaN(*d.values[5]));
  EXPECT_TRUE(std::isnan(*d.values[8]));
  EXPECT_FALSE(IsStaleNaN(*d.values[8]));
  ASSERT_OK_AND_ASSIGN(SeriesDesc nameless, ParseSeriesDesc("{job=\"x\"} 1"));
  EXPECT_EQ(nameless.labels, Labels::FromStrings({{"job", "x"}}));
  ASSERT_OK_AND_ASSIGN(SeriesDesc kw, ParseSeriesDesc("sum 1"));
  EXPECT_EQ(kw.labels, Labels::FromStrings({{"__name__", "sum"}}));
}

TEST(SeriesDescTest, Errors) {
  EXPECT_EQ(ParseSeriesDesc("m 1 foo").status().message(),
            "1:5: parse error: unexpected identifier \"foo\" in series values, expected number or \"stale\"");
  EXPECT_EQ(ParseSeriesDesc("m 1x1.5").status().message(),
            "1:5: parse error: invalid repetition in series values: strconv.ParseUint: parsing \"1.5\": invalid syntax");
  EXPECT_FALSE(ParseSeriesDesc("m{a=b} 1").ok());
  EXPECT_FALSE(ParseSeriesDesc("m 1 $").ok());
  // Hex is not lexed in series descriptions: 0x10 is "0 repeated 10 times".
  ASSERT_OK_AND_ASSIGN(SeriesDesc d, ParseSeriesDesc("m 0x10"));
  EXPECT_EQ(d.values.size(), 11u);
}

TEST(DurationTest, Parse) {
  struct Case {
    const char* in;
    int64_t ms;
  };
  const Case ok[] = {
      {"0", 0},           {"0s", 0},          {"1ms", 1},          {"5s", 5000},
      {"1m", 60000},      {"1h30m", 5400000}, {"1d", 86400000},    {"1w", 604800000},
      {"1y", 31536000000}, {"1y2w3d4h5m6s7ms", 31536000000 + 2 * 604800000 + 3 * 86400000 + 4 * 3600000 + 5 * 60000 + 6007},
      {"90s", 90000},
  };
  for (const Case& c : ok) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(int64_t ms, ParseDuration(c.in));
    EXPECT_EQ(ms, c.ms);
  }
  EXPECT_EQ(ParseDuration("").status().message(), "empty duration string");
  EXPECT_EQ(ParseDuration("1").status().message(), "not a valid duration string: \"1\"");
  EXPECT_EQ(ParseDuration("1m1h").status().message(), "not a valid duration string: \"1m1h\"");
  EXPECT_EQ(ParseDuration("1s1s").status().message(), "not a valid duration string: \"1s1s\"");
  EXPECT_EQ(ParseDuration("5hs").status().message(), "unknown unit \"hs\" in duration \"5hs\"");
  EXPECT_EQ(ParseDuration("-1s").status().message(), "not a valid duration string: \"-1s\"");
  EXPECT_EQ(ParseDuration("1.5h").status().message(), "unknown unit \".\" in duration \"1.5h\"");
  EXPECT_EQ(ParseDuration("300y").status().message(), "duration out of range");
}

TEST(DurationTest, Format) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(1), "1ms");
  EXPECT_EQ(FormatDuration(1500), "1s500ms");
  EXPECT_EQ(FormatDuration(300000), "5m");
  EXPECT_EQ(FormatDuration(5400000), "1h30m");
  EXPECT_EQ(FormatDuration(86400000), "1d");
  EXPECT_EQ(FormatDuration(604800000), "1w");
  EXPECT_EQ(FormatDuration(8 * 86400000LL), "8d");
  EXPECT_EQ(FormatDuration(14 * 86400000LL), "2w");
  EXPECT_EQ(FormatDuration(31536000000LL), "1y");
  EXPECT_EQ(FormatDuration(31536000000LL + 86400000), "366d");
  EXPECT_EQ(FormatDuration(90 * 86400000LL), "90d");
}

TEST(ParserDepthTest, DeepNestingIsRejected) {
  std::string deep(5000, '(');
  deep += "1";
  deep += std::string(5000, ')');
  auto r = ParseExpr(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting too deep"), std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 3000; ++i) chain += " + 1";
  EXPECT_FALSE(ParseExpr(chain).ok());
  std::string unary(3000, '-');
  EXPECT_FALSE(ParseExpr(unary + "foo").ok());
  std::string ok_chain = "1";
  for (int i = 0; i < 500; ++i) ok_chain += " + 1";
  EXPECT_TRUE(ParseExpr(ok_chain).ok());
}

TEST(ParserTest, AstShape) {
  ASSERT_OK_AND_ASSIGN(ExprPtr e, ParseExpr("sum by (job) (rate(x{a=\"b\"}[5m] offset 1m)) * on(job) group_left(team) y"));
  ASSERT_EQ(e->kind, ExprKind::kBinary);
  const auto& b = As<BinaryExpr>(*e);
  ASSERT_TRUE(b.matching.has_value());
  EXPECT_EQ(b.matching->card, Cardinality::kManyToOne);
  EXPECT_TRUE(b.matching->on);
  EXPECT_EQ(b.matching->include, std::vector<std::string>{"team"});
  const auto& agg = As<AggregateExpr>(*b.lhs);
  EXPECT_EQ(agg.grouping, std::vector<std::string>{"job"});
  const auto& call = As<Call>(*agg.expr);
  const auto& ms = As<MatrixSelector>(*call.args[0]);
  EXPECT_EQ(ms.range_ms, 300000);
  const auto& vs = As<VectorSelector>(*ms.vector_selector);
  EXPECT_EQ(vs.offset_ms, 60000);
  EXPECT_EQ(vs.name, "x");
  EXPECT_EQ(e->type(), ValueType::kVector);
  ASSERT_OK_AND_ASSIGN(ExprPtr s, ParseExpr("1 + 2"));
  EXPECT_EQ(s->type(), ValueType::kScalar);
  EXPECT_FALSE(As<BinaryExpr>(*s).matching.has_value());
  ASSERT_OK_AND_ASSIGN(ExprPtr set, ParseExpr("a and b"));
  EXPECT_EQ(As<BinaryExpr>(*set).matching->card, Cardinality::kManyToMany);
  ASSERT_OK_AND_ASSIGN(ExprPtr at, ParseExpr("foo @ 1.5"));
  EXPECT_EQ(As<VectorSelector>(*at).at, AtModifier::kTimestamp);
  EXPECT_EQ(As<VectorSelector>(*at).at_ms, 1500);
}

}  // namespace
}  // namespace vigil::query
