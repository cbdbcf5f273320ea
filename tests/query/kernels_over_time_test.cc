// The *_over_time kernels: hand-computed tables and the cases of upstream
// v2.53 functions.test, windows rebuilt as the 2.x evaluator cuts them.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "query/kernels.h"
#include "tests/query/kernels_test_util.h"

namespace vigil::query::kernels_test {
namespace {

std::vector<Point> Values(std::initializer_list<double> vs) {
  std::vector<Point> out;
  int64_t t = 0;
  for (double v : vs) out.push_back({t++ * kSec, v});
  return out;
}

// f(series[1m]) at 60s over samples at 0, 1s, 2s, ...
std::optional<double> Over(std::string_view name, const std::vector<Point>& s,
                           std::vector<double> scalars = {}) {
  return EvalRange(name, s, kMin, kMin, std::move(scalars));
}

TEST(KernelOverTime, HandComputedTable) {
  struct Case {
    const char* name;
    std::vector<Point> s;
    double want;
  };
  const std::vector<Point> v = Values({3, 1, 4, 1, 5});
  const Case cases[] = {
      {"sum_over_time", v, 14},
      {"avg_over_time", v, 2.8},
      {"min_over_time", v, 1},
      {"max_over_time", v, 5},
      {"count_over_time", v, 5},
      {"last_over_time", v, 5},
      {"present_over_time", v, 1},
      // mean 2.8; squared deviations .04 3.24 1.44 3.24 4.84 → 12.8 / 5.
      {"stdvar_over_time", v, 2.56},
      {"stddev_over_time", v, 1.6},
      // median 3; |dev| 0 2 1 2 2 → median 2.
      {"mad_over_time", v, 2},
      {"sum_over_time", Values({7}), 7},
      {"stdvar_over_time", Values({7}), 0},
      {"mad_over_time", Values({7}), 0},
      {"avg_over_time", Values({-1, 1}), 0},
      {"last_over_time", Values({1, NAN}), NAN},
      {"count_over_time", Values({NAN, NAN}), 2},
      {"present_over_time", Values({NAN}), 1},
      {"sum_over_time", Values({1, NAN}), NAN},
      {"stddev_over_time", Values({1, INFINITY}), NAN},
      {"mad_over_time", Values({1, 2, 3, 4}), 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto got = Over(c.name, c.s);
    ASSERT_TRUE(got);
    EXPECT_TRUE(PromEq(c.want, *got));
  }
}

TEST(KernelOverTime, KahanSumIsExactWhereNaiveIsNot) {
  EXPECT_TRUE(Same(0.6, *Over("sum_over_time", Values({0.1, 0.2, 0.3}))));
  EXPECT_TRUE(Same(2, *Over("sum_over_time", Values({1, 1e100, 1, -1e100}))));
  // Upstream's incremental mean lands one ulp below 0.2 here; so do we.
  EXPECT_TRUE(Same(0.19999999999999998, *Over("avg_over_time", Values({0.1, 0.2, 0.3}))));
}

// Min/max: a NaN running value is replaced, a number never becomes NaN.
TEST(KernelOverTime, MinMaxNaN) {
  EXPECT_TRUE(Same(1, *Over("max_over_time", Values({NAN, 1, NAN}))));
  EXPECT_TRUE(Same(-1, *Over("min_over_time", Values({NAN, NAN, -1}))));
  EXPECT_TRUE(std::isnan(*Over("max_over_time", Values({NAN, NAN}))));
  EXPECT_TRUE(Same(INFINITY, *Over("max_over_time", Values({NAN, INFINITY, 3}))));
  EXPECT_TRUE(Same(-INFINITY, *Over("min_over_time", Values({-INFINITY, NAN}))));
  // -0 vs 0: neither is smaller, the first stays.
  EXPECT_TRUE(Same(-0.0, *Over("max_over_time", Values({-0.0, 0.0}))));
}

// functions.test "Tests for *_over_time" (load 10s, [1m] at 1m).
TEST(KernelOverTime, FunctionsTestMinMaxLast) {
  struct Case {
    const char* series;
    double min, max, last;
  };
  const Case cases[] = {
      {"2 0 3", 0, 3, 3},   {"2 0 NaN", 0, 2, NAN},         {"2 NaN 1", 1, 2, 1},
      {"NaN 0 1", 0, 1, 1}, {"NaN NaN NaN", NAN, NAN, NAN},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.series);
    const auto s = LoadSeries(c.series, 10 * kSec);
    EXPECT_TRUE(PromEq(c.min, *EvalRange("min_over_time", s, kMin, kMin)));
    EXPECT_TRUE(PromEq(c.max, *EvalRange("max_over_time", s, kMin, kMin)));
    EXPECT_TRUE(PromEq(c.last, *EvalRange("last_over_time", s, kMin, kMin)));
  }
}

// functions.test "Tests for avg_over_time", each with the paired
// sum_over_time / count_over_time expectation.
TEST(KernelOverTime, FunctionsTestAvgWithInfinities) {
  struct Case {
    const char* series;
    double avg;
    double sum_div_count;
  };
  const Case cases[] = {
      {"1 2 3 4 5", 3, 3},
      {"1 2 3 4 Inf", INFINITY, INFINITY},
      {"1 2 3 4 -Inf", -INFINITY, -INFINITY},
      {"1 2 3 Inf -Inf", NAN, NAN},
      {"Inf 0 Inf", INFINITY, INFINITY},
      {"Inf Inf Inf -Inf", NAN, NAN},
      {"1 2 3 -Inf -Inf", -INFINITY, -INFINITY},
      {"-Inf 0 -Inf", -INFINITY, -INFINITY},
      {"-Inf -Inf -Inf Inf", NAN, NAN},
      {"1 2 -Inf -Inf Inf", NAN, NAN},
      {"9.988465674311579e+307 9.988465674311579e+307", 9.988465674311579e+307, INFINITY},
      {"-9.988465674311579e+307 -9.988465674311579e+307 -9.988465674311579e+307",
       -9.988465674311579e+307, -INFINITY},
      {"-9.988465674311579e+307 9.988465674311579e+307", 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.series);
    const auto s = LoadSeries(c.series, 10 * kSec);
    EXPECT_TRUE(PromEq(c.avg, *EvalRange("avg_over_time", s, kMin, kMin)));
    const double sum = *EvalRange("sum_over_time", s, kMin, kMin);
    const double count = *EvalRange("count_over_time", s, kMin, kMin);
    EXPECT_TRUE(PromEq(c.sum_div_count, sum / count));
  }
  // Big values average exactly, without overflowing.
  EXPECT_TRUE(
      Same(9.988465674311579e+307,
           *EvalRange("avg_over_time",
                      LoadSeries("9.988465674311579e+307 9.988465674311579e+307", 10 * kSec), kMin,
                      kMin)));
  EXPECT_TRUE(PromEq(
      2, *EvalRange("sum_over_time", LoadSeries("1 1e100 1 -1e100", 10 * kSec), kMin, kMin)));
}

// functions.test "Tests for stddev_over_time and stdvar_over_time" (+#4927).
TEST(KernelOverTime, FunctionsTestStddev) {
  const auto s = LoadSeries("0 8 8 2 3", 10 * kSec);
  EXPECT_TRUE(PromEq(10.56, *EvalRange("stdvar_over_time", s, kMin, kMin)));
  EXPECT_TRUE(PromEq(3.249615, *EvalRange("stddev_over_time", s, kMin, kMin)));
  const auto flat =
      LoadSeries("1.5990505637277868 1.5990505637277868 1.5990505637277868", 10 * kSec);
  EXPECT_TRUE(Same(0, *EvalRange("stdvar_over_time", flat, kMin, kMin)));
  EXPECT_TRUE(Same(0, *EvalRange("stddev_over_time", flat, kMin, kMin)));
}

// functions.test "Tests for mad_over_time".
TEST(KernelOverTime, FunctionsTestMad) {
  const auto s = LoadSeries("4 6 2 1 999 1 2", 10 * kSec);
  EXPECT_TRUE(PromEq(1, *EvalRange("mad_over_time", s, 70 * kSec, 70 * kSec)));
}

// functions.test "Tests for quantile_over_time".
TEST(KernelOverTime, FunctionsTestQuantile) {
  const auto two = LoadSeries("0 1", 10 * kSec);
  const auto three = LoadSeries("0 1 2", 10 * kSec);
  const auto uneven = LoadSeries("0 1 4", 10 * kSec);
  struct Case {
    double q;
    double two, three, uneven;
  };
  const Case cases[] = {
      {0, 0, 0, 0},
      {0.5, 0.5, 1, 1},
      {0.75, 0.75, 1.5, 2.5},
      {0.8, 0.8, 1.6, 2.8},
      {1, 1, 2, 4},
      {-1, -INFINITY, -INFINITY, -INFINITY},
      {2, INFINITY, INFINITY, INFINITY},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.q);
    EXPECT_TRUE(PromEq(c.two, *EvalRange("quantile_over_time", two, kMin, kMin, {c.q})));
    EXPECT_TRUE(PromEq(c.three, *EvalRange("quantile_over_time", three, kMin, kMin, {c.q})));
    EXPECT_TRUE(PromEq(c.uneven, *EvalRange("quantile_over_time", uneven, kMin, kMin, {c.q})));
  }
  EXPECT_TRUE(std::isnan(*EvalRange("quantile_over_time", two, kMin, kMin, {NAN})));
}

// functions.test present_over_time / absent_over_time windows (load 1m):
// the sample at 0 is in [ -30s, 0 ] but not in [30s, 60s].
TEST(KernelOverTime, FunctionsTestPresentWindows) {
  const auto single = LoadSeries("1", kMin);
  EXPECT_EQ(EvalRange("present_over_time", single, 0, 30 * kSec), 1);
  EXPECT_FALSE(EvalRange("present_over_time", single, kMin, 30 * kSec));
  const auto http = LoadSeries("1+1x10", kMin);                             // 0m..10m
  EXPECT_EQ(EvalRange("present_over_time", http, 15 * kMin, 5 * kMin), 1);  // sample at 10m
  EXPECT_FALSE(EvalRange("present_over_time", http, 16 * kMin, 5 * kMin));
  EXPECT_EQ(EvalRange("present_over_time", http, 16 * kMin, 6 * kMin), 1);
  const auto nan = LoadSeries("NaN NaN NaN NaN NaN", kMin);  // NaN is a sample
  EXPECT_EQ(EvalRange("present_over_time", nan, 5 * kMin, 4 * kMin), 1);
  EXPECT_FALSE(EvalRange("present_over_time", nan, 10 * kMin, 4 * kMin));
}

}  // namespace
}  // namespace vigil::query::kernels_test
