// Unit tests of the PromQL test-script runner's file parser and result
// comparison on inline snippets (no engine needed). Series lines are parsed
// by a small fake here so these tests pin the runner, not the PromQL parser.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>
#include <sstream>

#include "engine/base/sample.h"
#include "tests/query/promql_script.h"
#include "tests/testutil/testutil.h"

namespace vigil::promqltest {
namespace {

using query::QueryResult;
using query::ValueType;

// name{a="b", c="d"} v1 v2 ... with _, stale, axn and a+bxn / a-bxn.
Result<SeriesDesc> FakeSeriesDesc(std::string_view line) {
  static const std::regex re(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{([^}]*)\})?\s*(.*)$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(line.begin(), line.end(), m, re)) return Status::InvalidArgument("bad series");
  if (!m[1].matched && !m[2].matched) return Status::InvalidArgument("bad series: " + std::string(line));
  std::vector<std::pair<std::string, std::string>> pairs;
  if (m[1].matched) pairs.emplace_back("__name__", m[1].str());
  static const std::regex label_re(R"re(\s*([a-zA-Z_]+)\s*=\s*"([^"]*)"\s*,?)re");
  const std::string body = m[3].str();
  for (auto it = std::sregex_iterator(body.begin(), body.end(), label_re); it != std::sregex_iterator(); ++it) {
    pairs.emplace_back((*it)[1].str(), (*it)[2].str());
  }
  std::vector<std::pair<std::string_view, std::string_view>> views(pairs.begin(), pairs.end());
  SeriesDesc d;
  ASSIGN_OR_RETURN(d.labels, Labels::FromPairs(views));
  std::istringstream vals(m[4].str());
  std::string tok;
  static const std::regex expand_re(R"(^(-?[0-9.]+)(?:([+-])([0-9.]+))?x([0-9]+)$)");
  while (vals >> tok) {
    std::smatch em;
    if (tok == "_") {
      d.values.push_back(std::nullopt);
    } else if (tok.rfind("_x", 0) == 0) {
      for (int i = 0; i < std::stoi(tok.substr(2)); ++i) d.values.push_back(std::nullopt);
    } else if (tok == "stale") {
      d.values.push_back(StaleNaN());
    } else if (std::regex_match(tok, em, expand_re)) {
      const double a = std::stod(em[1].str());
      const double b = em[2].matched ? (em[2].str() == "-" ? -1 : 1) * std::stod(em[3].str()) : 0;
      for (int i = 0; i <= std::stoi(em[4].str()); ++i) d.values.push_back(a + i * b);
    } else if (auto f = ParseNumber(tok)) {
      d.values.push_back(*f);
    } else {
      return Status::InvalidArgument("bad value " + tok);
    }
  }
  return d;
}

Script MustParse(std::string_view text) {
  auto s = ParseScript("snippet.test", text, FakeSeriesDesc);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : Script{};
}

TEST(PromqlScriptParse, LoadAndInstantEval) {
  const Script s = MustParse(R"(# a comment
load 5m
  http_requests{job="api", instance="0"} 0+10x3
  http_requests{job="api", instance="1"} 1 _ stale 4

eval instant at 10m sum by (job) (http_requests)
  {job="api"} 24
)");
  ASSERT_EQ(s.commands.size(), 2u);
  const auto& load = std::get<LoadCmd>(s.commands[0]);
  EXPECT_EQ(load.line, 2);
  EXPECT_EQ(load.step_ms, 300'000);
  ASSERT_EQ(load.series.size(), 2u);
  EXPECT_EQ(load.series[0].labels.ToString(), R"({__name__="http_requests", instance="0", job="api"})");
  ASSERT_EQ(load.series[0].values.size(), 4u);
  EXPECT_EQ(*load.series[0].values[3], 30);
  ASSERT_EQ(load.series[1].values.size(), 4u);
  EXPECT_FALSE(load.series[1].values[1].has_value());
  EXPECT_TRUE(IsStaleNaN(*load.series[1].values[2]));

  const auto& ev = std::get<EvalCmd>(s.commands[1]);
  EXPECT_EQ(ev.line, 6);
  EXPECT_EQ(ev.expr, "sum by (job) (http_requests)");
  EXPECT_FALSE(ev.is_range);
  EXPECT_EQ(ev.start_ms, 600'000);
  EXPECT_FALSE(ev.expect_scalar);
  ASSERT_EQ(ev.expected.size(), 1u);
  EXPECT_EQ(ev.expected[0].labels.ToString(), R"({job="api"})");
  EXPECT_EQ(ev.expected[0].pos, 1);
  EXPECT_EQ(*ev.expected[0].values[0], 24);
}

TEST(PromqlScriptParse, ScalarEmptyAndEmptyLabels) {
  const Script s = MustParse(R"(
eval instant at 50m 12.34e6
	12340000

eval instant at 1m -Inf
  -Inf

eval instant at 0s nothing_here

eval instant at 1h vector(1)
  {} 1
)");
  ASSERT_EQ(s.commands.size(), 4u);
  const auto& a = std::get<EvalCmd>(s.commands[0]);
  EXPECT_TRUE(a.expect_scalar);
  EXPECT_EQ(a.scalar, 12340000);
  EXPECT_EQ(a.start_ms, 3'000'000);
  const auto& b = std::get<EvalCmd>(s.commands[1]);
  EXPECT_TRUE(b.expect_scalar);
  EXPECT_TRUE(std::isinf(b.scalar) && b.scalar < 0);
  const auto& c = std::get<EvalCmd>(s.commands[2]);
  EXPECT_FALSE(c.expect_scalar);
  EXPECT_TRUE(c.expected.empty());
  EXPECT_EQ(c.line, 8);
  const auto& d = std::get<EvalCmd>(s.commands[3]);
  ASSERT_EQ(d.expected.size(), 1u);
  EXPECT_TRUE(d.expected[0].labels.empty());
  EXPECT_EQ(d.start_ms, 3'600'000);
}

TEST(PromqlScriptParse, OrderedFailRangeAndClear) {
  const Script s = MustParse(R"(load 1m
  a{x="1"} 1 2 3
  a{x="2"} 4 5 6

eval_ordered instant at 2m sort_desc(a)
  a{x="2"} 6
  a{x="1"} 3

clear
eval_fail instant at 0m label_replace(a, "dst", "v-$1", "src", "(.*")

eval range from 0 to 2m step 1m a
  a{x="1"} 1+1x2
  a{x="2"} _ 5 6
)");
  ASSERT_EQ(s.commands.size(), 5u);
  const auto& ord = std::get<EvalCmd>(s.commands[1]);
  EXPECT_TRUE(ord.ordered);
  ASSERT_EQ(ord.expected.size(), 2u);
  EXPECT_EQ(ord.expected[0].labels.Get("x"), "2");
  EXPECT_EQ(ord.expected[0].pos, 1);
  EXPECT_EQ(ord.expected[1].pos, 2);
  EXPECT_EQ(std::get<ClearCmd>(s.commands[2]).line, 9);
  const auto& fail = std::get<EvalCmd>(s.commands[3]);
  EXPECT_TRUE(fail.fail);
  EXPECT_EQ(fail.expr, R"(label_replace(a, "dst", "v-$1", "src", "(.*"))");
  const auto& rng = std::get<EvalCmd>(s.commands[4]);
  EXPECT_TRUE(rng.is_range);
  EXPECT_EQ(rng.start_ms, 0);
  EXPECT_EQ(rng.end_ms, 120'000);
  EXPECT_EQ(rng.step_ms, 60'000);
  EXPECT_EQ(rng.expr, "a");
  ASSERT_EQ(rng.expected.size(), 2u);
  EXPECT_EQ(rng.expected[0].values.size(), 3u);
  EXPECT_FALSE(rng.expected[1].values[0].has_value());
}

TEST(PromqlScriptParse, MultipleBlocksAndNativeHistograms) {
  const Script s = MustParse(R"(load 5m
	h {{schema:0 sum:5 count:4 buckets:[1 2 1]}}
	f 1 2

eval instant at 5m histogram_count(h)
	{} 4

eval instant at 5m h
	{__name__="h"} {{schema:0 sum:5 count:4 buckets:[1 2 1]}}

load_with_nhcb 1m
	b_bucket{le="1"} 1
)");
  ASSERT_EQ(s.commands.size(), 4u);
  const auto& load = std::get<LoadCmd>(s.commands[0]);
  EXPECT_EQ(load.native_histogram_lines, 1);
  EXPECT_EQ(load.series.size(), 1u);
  EXPECT_EQ(std::get<EvalCmd>(s.commands[1]).native_histogram_lines, 0);
  EXPECT_EQ(std::get<EvalCmd>(s.commands[2]).native_histogram_lines, 1);
  EXPECT_TRUE(std::get<LoadCmd>(s.commands[3]).with_nhcb);
}

TEST(PromqlScriptParse, Errors) {
  EXPECT_FALSE(ParseScript("x.test", "bogus 1\n", FakeSeriesDesc).ok());
  EXPECT_FALSE(ParseScript("x.test", "load\n", FakeSeriesDesc).ok());
  EXPECT_FALSE(ParseScript("x.test", "load 5x\n", FakeSeriesDesc).ok());
  EXPECT_FALSE(ParseScript("x.test", "eval instant at 5q foo\n", FakeSeriesDesc).ok());
  EXPECT_FALSE(ParseScript("x.test", "eval range from 5m to 1m step 1m foo\n", FakeSeriesDesc).ok());
  // A scalar line ends the block: a further line is read as a command.
  auto r = ParseScript("x.test", "eval instant at 1m 1\n  1\n  2\n", FakeSeriesDesc);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x.test:3"), std::string::npos) << r.status().message();
}

TEST(PromqlScriptParse, DurationsAndNumbers) {
  EXPECT_EQ(*ParseDurationMs("0"), 0);
  EXPECT_EQ(*ParseDurationMs("1h30m"), 5'400'000);
  EXPECT_EQ(*ParseDurationMs("500ms"), 500);
  EXPECT_EQ(*ParseDurationMs("1d"), 86'400'000);
  EXPECT_EQ(*ParseDurationMs("10s"), 10'000);
  EXPECT_FALSE(ParseDurationMs("").ok());
  EXPECT_FALSE(ParseDurationMs("1m1h").ok());
  EXPECT_FALSE(ParseDurationMs("-1m").ok());

  EXPECT_EQ(*ParseNumber("42"), 42);
  EXPECT_EQ(*ParseNumber("0x10"), 16);
  EXPECT_EQ(*ParseNumber("010"), 8);  // Go's ParseInt base 0
  EXPECT_EQ(*ParseNumber("08"), 8);   // not octal: falls back to ParseFloat
  EXPECT_EQ(*ParseNumber("1_000"), 1000);
  EXPECT_EQ(*ParseNumber("-0.2e-6"), -0.2e-6);
  EXPECT_EQ(*ParseNumber(".5"), 0.5);
  EXPECT_TRUE(std::isinf(*ParseNumber("+Inf")));
  EXPECT_TRUE(std::isinf(*ParseNumber("inf")));
  EXPECT_TRUE(std::isnan(*ParseNumber("NaN")));
  EXPECT_FALSE(ParseNumber("{} 1").has_value());
  EXPECT_FALSE(ParseNumber("foo").has_value());
  EXPECT_FALSE(ParseNumber("1 2").has_value());
  EXPECT_FALSE(ParseNumber("+nan").has_value());

  EXPECT_EQ(FormatFloat(1), "1");
  EXPECT_EQ(FormatFloat(0.5), "0.5");
  EXPECT_EQ(FormatFloat(123456), "123456");
  EXPECT_EQ(FormatFloat(1e6), "1e+06");
  EXPECT_EQ(FormatFloat(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatFloat(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PromqlScriptCompare, AlmostEqual) {
  EXPECT_TRUE(AlmostEqual(1, 1 + 1e-9));
  EXPECT_FALSE(AlmostEqual(1, 1.001));
  EXPECT_TRUE(AlmostEqual(std::nan(""), StaleNaN()));
  EXPECT_FALSE(AlmostEqual(0, 1e-300));
  EXPECT_TRUE(AlmostEqual(std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(AlmostEqual(std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()));
}

QueryResult Vec(std::vector<std::pair<Labels, double>> samples) {
  QueryResult r;
  r.type = ValueType::kVector;
  for (auto& [l, v] : samples) r.vector.push_back({l, 0, v});
  return r;
}

TEST(PromqlScriptCompare, Vectors) {
  const Script s = MustParse(R"(eval instant at 1m x
  {a="1"} 1
  {a="2"} NaN

eval_ordered instant at 1m x
  {a="1"} 1
  {a="2"} 2
)");
  const auto& unordered = std::get<EvalCmd>(s.commands[0]);
  const Labels a1 = Labels::FromStrings({{"a", "1"}}), a2 = Labels::FromStrings({{"a", "2"}});
  const double nan = std::nan("");
  EXPECT_OK(CompareResult(unordered, Vec({{a2, nan}, {a1, 1.0000001}})));
  Status st = CompareResult(unordered, Vec({{a1, 1}}));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(R"(expected metric {a="2"} with [NaN] not found)"), std::string::npos) << st.message();
  st = CompareResult(unordered, Vec({{a1, 2}, {a2, nan}}));
  EXPECT_NE(st.message().find(R"(expected 1 for {a="1"} but got 2)"), std::string::npos) << st.message();
  st = CompareResult(unordered, Vec({{a1, 1}, {a2, nan}, {Labels(), 3}}));
  EXPECT_NE(st.message().find("unexpected metric {} in result, has value 3"), std::string::npos) << st.message();

  const auto& ordered = std::get<EvalCmd>(s.commands[1]);
  EXPECT_OK(CompareResult(ordered, Vec({{a1, 1}, {a2, 2}})));
  st = CompareResult(ordered, Vec({{a2, 2}, {a1, 1}}));
  EXPECT_NE(st.message().find("at position 2 but was at 1"), std::string::npos) << st.message();

  QueryResult scalar;
  scalar.type = ValueType::kScalar;
  scalar.scalar.v = 1;
  EXPECT_FALSE(CompareResult(unordered, scalar).ok());
}

TEST(PromqlScriptCompare, ScalarsAndMatrices) {
  const Script s = MustParse(R"(eval instant at 1m 1+1
  2

eval range from 0 to 2m step 1m x
  {a="1"} 1 _ 3
)");
  const auto& sc = std::get<EvalCmd>(s.commands[0]);
  QueryResult r;
  r.type = ValueType::kScalar;
  r.scalar.v = 2;
  EXPECT_OK(CompareResult(sc, r));
  r.scalar.v = 3;
  EXPECT_NE(CompareResult(sc, r).message().find("expected scalar 2 but got 3"), std::string::npos);
  EXPECT_FALSE(CompareResult(sc, Vec({})).ok());

  const auto& rng = std::get<EvalCmd>(s.commands[1]);
  QueryResult m;
  m.type = ValueType::kMatrix;
  m.matrix.push_back({Labels::FromStrings({{"a", "1"}}), {{0, 1}, {120'000, 3}}});
  EXPECT_OK(CompareResult(rng, m));
  m.matrix[0].points[1].t = 60'000;
  EXPECT_NE(CompareResult(rng, m).message().find("to have timestamp 120000, but it had timestamp 60000"),
            std::string::npos);
  m.matrix[0].points.pop_back();
  EXPECT_NE(CompareResult(rng, m).message().find("expected 2 float points"), std::string::npos);
  QueryResult empty;
  empty.type = ValueType::kMatrix;
  EXPECT_NE(CompareResult(rng, empty).message().find(R"(expected metric {a="1"} not found)"), std::string::npos);
}

// Answers every query with a fixed vector (range: the same at every step),
// or with an error for expressions containing "boom".
class FakeBackend final : public EvalBackend {
 public:
  Result<QueryResult> Instant(Queryable&, std::string_view expr, int64_t t) override {
    ++instant_calls;
    if (expr.find("boom") != std::string_view::npos) return Status::Execution("boom");
    QueryResult r = Vec({{Labels::FromStrings({{"a", "1"}}), 1}});
    r.vector[0].t = t;
    return r;
  }
  Result<QueryResult> Range(Queryable&, std::string_view expr, int64_t start, int64_t end, int64_t step) override {
    ++range_calls;
    if (expr.find("boom") != std::string_view::npos) return Status::Execution("boom");
    QueryResult r;
    r.type = ValueType::kMatrix;
    r.matrix.push_back({Labels::FromStrings({{"a", "1"}}), {}});
    for (int64_t t = start; t <= end; t += step) r.matrix[0].points.push_back({t, 1});
    return r;
  }
  Status CheckParse(std::string_view expr) override {
    return expr.find("((") != std::string_view::npos ? Status::InvalidArgument("1:1: parse error") : Status::OK();
  }
  Result<std::vector<AtVariant>> AtModifierVariants(std::string_view expr, int64_t t) override {
    return std::vector<AtVariant>{{std::string(expr) + " @ pinned", t}, {std::string(expr) + " @ pinned", 0}};
  }
  int instant_calls = 0, range_calls = 0;
};

TEST(PromqlScriptRun, CountsAndMessages) {
  const Script s = MustParse(R"(load 1m
  x{a="1"} 1 2 3

eval instant at 1m x
  {a="1"} 1

eval instant at 1m x
  {a="1"} 2

eval_fail instant at 1m boom

eval_fail instant at 1m x

eval instant at 1m ((x

eval range from 0 to 2m step 1m x
  {a="1"} 1x2

clear
load 1m
  h {{schema:0 sum:1 count:1}}

eval instant at 1m x
  {a="1"} 1
)");
  FakeBackend backend;
  const ScriptReport r = RunScript(s, backend);
  EXPECT_EQ(r.passed, 3);
  EXPECT_EQ(r.failed, 3);
  EXPECT_EQ(r.skipped, 1);
  ASSERT_EQ(r.cases.size(), 7u);
  EXPECT_EQ(r.cases[0].status, CaseStatus::kPassed) << r.cases[0].message;
  EXPECT_EQ(r.cases[1].line, 7);
  EXPECT_NE(r.cases[1].message.find(R"(expected 2 for {a="1"} but got 1)"), std::string::npos) << r.cases[1].message;
  EXPECT_EQ(r.cases[2].status, CaseStatus::kPassed) << r.cases[2].message;
  EXPECT_NE(r.cases[3].message.find("expected error evaluating query but got none"), std::string::npos);
  EXPECT_NE(r.cases[4].message.find("parse error"), std::string::npos);
  EXPECT_EQ(r.cases[5].status, CaseStatus::kPassed) << r.cases[5].message;
  EXPECT_EQ(r.cases[6].status, CaseStatus::kSkipped);
  // The passing instant eval ran itself plus two @ variants, each also in range mode.
  EXPECT_GE(backend.instant_calls, 3);
}

}  // namespace
}  // namespace vigil::promqltest
