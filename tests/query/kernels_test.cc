// Range kernels that depend on sample order and time: rate, increase, delta,
// irate, idelta, deriv, predict_linear, holt_winters, changes, resets. Cases
// marked "functions.test" rebuild the window upstream's v2.53 evaluator
// passes for that eval line and check the file's expected value.

#include "query/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "tests/query/kernels_test_util.h"

namespace vigil::query::kernels_test {
namespace {

TEST(RangeKernelLookup, KnowsEveryRangeFunction) {
  for (const char* name : {"rate",
                           "increase",
                           "delta",
                           "irate",
                           "idelta",
                           "deriv",
                           "predict_linear",
                           "changes",
                           "resets",
                           "holt_winters",
                           "avg_over_time",
                           "min_over_time",
                           "max_over_time",
                           "sum_over_time",
                           "count_over_time",
                           "last_over_time",
                           "present_over_time",
                           "quantile_over_time",
                           "stddev_over_time",
                           "stdvar_over_time",
                           "mad_over_time"}) {
    EXPECT_NE(LookupRangeKernel(name), nullptr) << name;
  }
  EXPECT_EQ(LookupRangeKernel("abs"), nullptr);
  EXPECT_EQ(LookupRangeKernel("absent_over_time"), nullptr);
  EXPECT_EQ(LookupRangeKernel(""), nullptr);
}

TEST(RangeKernels, EmptyWindowYieldsNothingForAll) {
  const std::vector<Point> none;
  for (const char* name :
       {"rate", "increase", "delta", "irate", "idelta", "deriv", "changes", "resets",
        "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
        "last_over_time", "present_over_time", "stddev_over_time", "stdvar_over_time",
        "mad_over_time"}) {
    EXPECT_FALSE(EvalRange(name, none, 60 * kSec, 60 * kSec)) << name;
  }
  EXPECT_FALSE(EvalRange("predict_linear", none, 60 * kSec, 60 * kSec, {10}));
  EXPECT_FALSE(EvalRange("holt_winters", none, 60 * kSec, 60 * kSec, {0.5, 0.5}));
  EXPECT_FALSE(EvalRange("quantile_over_time", none, 60 * kSec, 60 * kSec, {0.5}));
}

TEST(RangeKernels, OneSampleWindow) {
  const std::vector<Point> one = {{30 * kSec, 7}};
  for (const char* name : {"rate", "increase", "delta", "irate", "idelta", "deriv"}) {
    EXPECT_FALSE(EvalRange(name, one, 60 * kSec, 60 * kSec)) << name;
  }
  EXPECT_FALSE(EvalRange("predict_linear", one, 60 * kSec, 60 * kSec, {10}));
  EXPECT_FALSE(EvalRange("holt_winters", one, 60 * kSec, 60 * kSec, {0.5, 0.5}));
  EXPECT_EQ(EvalRange("changes", one, 60 * kSec, 60 * kSec), 0);
  EXPECT_EQ(EvalRange("resets", one, 60 * kSec, 60 * kSec), 0);
  // A zero-length range still holds the sample exactly at its end.
  EXPECT_EQ(EvalRange("count_over_time", one, 30 * kSec, 0), 1);
  EXPECT_FALSE(EvalRange("rate", one, 30 * kSec, 0));
}

TEST(RangeKernels, MissingScalarsYieldNothing) {
  const std::vector<Point> s = {{0, 1}, {kSec, 2}};
  EXPECT_FALSE(EvalRange("predict_linear", s, kSec, kMin));
  EXPECT_FALSE(EvalRange("holt_winters", s, kSec, kMin, {0.5}));
  EXPECT_FALSE(EvalRange("quantile_over_time", s, kSec, kMin));
}

// ---- rate / increase / delta: hand-computed extrapolation ----

// Samples (10s, 5) and (20s, 15) in [0s, 30s]: durations to both ends are
// 10s < 1.1 * 10s, so delta extrapolates to the full 30s (x3). For counters
// the zero point lies 5s before the first sample, so the start is cut to 5s:
// 10 * 25/10 = 25, and rate = 25/30.
TEST(KernelExtrapolatedRate, HandComputed) {
  const std::vector<Point> s = {{10 * kSec, 5}, {20 * kSec, 15}};
  EXPECT_TRUE(Same(30, *EvalRange("delta", s, 30 * kSec, 30 * kSec)));
  EXPECT_TRUE(Same(25, *EvalRange("increase", s, 30 * kSec, 30 * kSec)));
  EXPECT_TRUE(Same(10.0 * (25.0 / 10.0 / 30.0), *EvalRange("rate", s, 30 * kSec, 30 * kSec)));
}

// A gap of at least 1.1 * the average interval (>=, inclusive) is
// extrapolated over by only half an interval.
TEST(KernelExtrapolatedRate, ExtrapolationThreshold) {
  // Interval 10s, 12s to the start, 0s to the end: 10 * (10 + 5 + 0) / 10.
  const std::vector<Point> s = {{12 * kSec, 100}, {22 * kSec, 110}};
  EXPECT_TRUE(Same(15, *EvalRange("delta", s, 22 * kSec, 22 * kSec)));
  // Exactly at the threshold (10 * 1.1 == 11.0 in binary): half an interval.
  const std::vector<Point> s11 = {{11 * kSec, 100}, {21 * kSec, 110}};
  EXPECT_TRUE(Same(15, *EvalRange("delta", s11, 21 * kSec, 21 * kSec)));
  // Just below: extrapolated all the way to the range start.
  const std::vector<Point> s2 = {{10900, 100}, {20900, 110}};
  EXPECT_TRUE(Same(10 * ((10.0 + 10.9) / 10.0), *EvalRange("delta", s2, 20900, 20900)));
  // Both ends far: half an interval on each side.
  EXPECT_TRUE(Same(20, *EvalRange("delta", s, 40 * kSec, 40 * kSec)));
  // 3 * 1.1 = 3.3000000000000003: a 3.3s gap is still below the threshold.
  const std::vector<Point> s3 = {{3300, 0}, {6300, 3}};
  EXPECT_TRUE(Same(3 * ((3.0 + 3.3) / 3.0), *EvalRange("delta", s3, 6300, 6300)));
}

// PR 13725 (2.51+): the threshold applies first, then the counter's zero
// point may cut durationToStart further.
TEST(KernelExtrapolatedRate, ZeroPointAfterThreshold) {
  // Far from the start (threshold → avg/2 = 5s), zero point 2s before.
  const std::vector<Point> s = {{50 * kSec, 2}, {60 * kSec, 12}};
  // increase = 10 * (10 + 2 + 0) / 10 = 12.
  EXPECT_TRUE(Same(12, *EvalRange("increase", s, 60 * kSec, 60 * kSec)));
  // Zero point 8s before: between avg/2 and the threshold. Before 2.51 the
  // zero point was taken first and passed the threshold test (18); now the
  // start is already avg/2 = 5s, which the zero point does not shorten.
  const std::vector<Point> s8 = {{50 * kSec, 8}, {60 * kSec, 18}};
  EXPECT_TRUE(Same(15, *EvalRange("increase", s8, 60 * kSec, 60 * kSec)));
  // Negative first value: no zero-point cut.
  const std::vector<Point> neg = {{50 * kSec, -2}, {60 * kSec, 8}};
  EXPECT_TRUE(Same(15, *EvalRange("increase", neg, 60 * kSec, 60 * kSec)));
  // delta never cuts at zero.
  EXPECT_TRUE(Same(15, *EvalRange("delta", s, 60 * kSec, 60 * kSec)));
}

TEST(KernelExtrapolatedRate, CounterResetsAddPreviousValue) {
  // 3 → 2 is a reset: increase counts 0→3, then 2, then +1 = 3 + 2 + 1 + ...
  const std::vector<Point> s = {{0, 1}, {kSec, 3}, {2 * kSec, 2}, {3 * kSec, 5}};
  // result = 5 - 1 + 3 = 7, no extrapolation (window [0, 3s]).
  EXPECT_TRUE(Same(7, *EvalRange("increase", s, 3 * kSec, 3 * kSec)));
  EXPECT_TRUE(Same(4, *EvalRange("delta", s, 3 * kSec, 3 * kSec)));
  EXPECT_TRUE(Same(7.0 * (1.0 / 3.0), *EvalRange("rate", s, 3 * kSec, 3 * kSec)));
}

TEST(KernelExtrapolatedRate, NaNAndInfPropagate) {
  const std::vector<Point> nan_end = {{0, 1}, {kSec, NAN}};
  EXPECT_TRUE(std::isnan(*EvalRange("rate", nan_end, kSec, kSec)));
  const std::vector<Point> inf_end = {{0, 1}, {kSec, INFINITY}};
  EXPECT_TRUE(Same(INFINITY, *EvalRange("increase", inf_end, kSec, kSec)));
}

// Range seconds as Go's Duration.Seconds(): 1.234s = 1 + 0.234.
TEST(KernelExtrapolatedRate, RangeSecondsLikeGo) {
  const std::vector<Point> s = {{0, 0}, {1234, 1234}};
  EXPECT_TRUE(Same(1234.0 * (1.0 / (1 + 234000000 / 1e9)), *EvalRange("rate", s, 1234, 1234)));
}

// functions.test "Tests for increase()".
TEST(KernelExtrapolatedRate, FunctionsTestIncrease) {
  const auto foo = LoadSeries("0+10x10", 5 * kMin);
  const auto bar = LoadSeries("0+10x5 0+10x5", 5 * kMin);
  const auto dings = LoadSeries("10+10x10", 5 * kMin);
  const auto bumms = LoadSeries("1+10x10", 5 * kMin);
  EXPECT_TRUE(PromEq(100, *EvalRange("increase", foo, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(90, *EvalRange("increase", bar, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(100, *EvalRange("increase", dings, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(100, *EvalRange("increase", bumms, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(100, *EvalRange("increase", foo, 50 * kMin, 100 * kMin)));
  EXPECT_TRUE(PromEq(90, *EvalRange("increase", bar, 50 * kMin, 100 * kMin)));
  EXPECT_TRUE(PromEq(105, *EvalRange("increase", dings, 50 * kMin, 100 * kMin)));
  EXPECT_TRUE(PromEq(101, *EvalRange("increase", bumms, 50 * kMin, 100 * kMin)));

  const auto reset = LoadSeries("0 1 2 3 2 3 4", 5 * kMin);
  EXPECT_TRUE(PromEq(7, *EvalRange("increase", reset, 30 * kMin, 30 * kMin)));
}

// functions.test "Tests for rate()".
TEST(KernelExtrapolatedRate, FunctionsTestRate) {
  const auto middle = LoadSeries("0+10x4 0+10x5", 5 * kMin);
  const auto end = LoadSeries("0+10x9 0 10", 5 * kMin);
  EXPECT_TRUE(PromEq(0.03, *EvalRange("rate", middle, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(0, *EvalRange("rate", end, 50 * kMin, 5 * kMin)));

  const auto a = LoadSeries("0+10x10", 5 * kMin);
  const auto b = LoadSeries("0+20x10", 5 * kMin);
  const auto window = LoadSeries("0+80x10", 5 * kMin);
  EXPECT_TRUE(Same(0.26666666666666666, *EvalRange("rate", window, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(
      PromEq(0.03333333333333333, *EvalRange("rate", a, 50 * kMin, 10 * kMin, {}, 5 * kMin)));
  EXPECT_TRUE(
      PromEq(0.06666666666666667, *EvalRange("rate", b, 50 * kMin, 10 * kMin, {}, 5 * kMin)));
}

// functions.test testcounter_zero_cutoff (load 4m).
TEST(KernelExtrapolatedRate, FunctionsTestZeroCutoff) {
  const char* series[] = {"0+240x10",   "60+240x10",  "120+240x10",
                          "180+240x10", "240+240x10", "300+240x10"};
  const double at_10m[] = {0.5, 0.55, 0.6, 0.6, 0.6, 0.6};
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE(series[i]);
    const auto s = LoadSeries(series[i], 4 * kMin);
    EXPECT_TRUE(PromEq(at_10m[i], *EvalRange("rate", s, 10 * kMin, 20 * kMin)));
    EXPECT_TRUE(PromEq(0.6, *EvalRange("rate", s, 50 * kMin, 20 * kMin)));
  }
}

// functions.test "Tests for delta()".
TEST(KernelExtrapolatedRate, FunctionsTestDelta) {
  const auto foo = LoadSeries("0 50 100 150 200", 5 * kMin);
  const auto bar = LoadSeries("200 150 100 50 0", 5 * kMin);
  EXPECT_TRUE(PromEq(200, *EvalRange("delta", foo, 20 * kMin, 20 * kMin)));
  EXPECT_TRUE(PromEq(-200, *EvalRange("delta", bar, 20 * kMin, 20 * kMin)));
}

// ---- irate / idelta ----

TEST(KernelInstantValue, HandComputed) {
  const std::vector<Point> s = {{0, 100}, {10 * kSec, 5}, {14 * kSec, 9}};
  EXPECT_TRUE(Same(1, *EvalRange("irate", s, 20 * kSec, 20 * kSec)));
  EXPECT_TRUE(Same(4, *EvalRange("idelta", s, 20 * kSec, 20 * kSec)));
  // Reset between the last two: irate uses the last value, idelta the drop.
  const std::vector<Point> r = {{0, 100}, {2 * kSec, 5}};
  EXPECT_TRUE(Same(2.5, *EvalRange("irate", r, 2 * kSec, 2 * kSec)));
  EXPECT_TRUE(Same(-95, *EvalRange("idelta", r, 2 * kSec, 2 * kSec)));
}

TEST(KernelInstantValue, ZeroIntervalYieldsNothing) {
  const std::vector<Point> dup = {{kSec, 1}, {kSec, 2}};
  RangeWindow w;
  w.points = dup;
  w.range_start = 0;
  w.range_end = kSec;
  double out = 0;
  EXPECT_FALSE(LookupRangeKernel("irate")(w, &out));
  EXPECT_FALSE(LookupRangeKernel("idelta")(w, &out));
}

// functions.test "Tests for irate()" and "Tests for idelta()".
TEST(KernelInstantValue, FunctionsTest) {
  const auto foo = LoadSeries("0+10x10", 5 * kMin);
  const auto bar = LoadSeries("0+10x5 0+10x5", 5 * kMin);
  EXPECT_TRUE(PromEq(.03333333333333333333, *EvalRange("irate", foo, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(.03333333333333333333, *EvalRange("irate", bar, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(.03333333333333333333, *EvalRange("irate", foo, 30 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(0, *EvalRange("irate", bar, 30 * kMin, 50 * kMin)));

  const auto dfoo = LoadSeries("0 50 100 150", 5 * kMin);
  const auto dbar = LoadSeries("0 50 100 50", 5 * kMin);
  EXPECT_TRUE(PromEq(50, *EvalRange("idelta", dfoo, 20 * kMin, 20 * kMin)));
  EXPECT_TRUE(PromEq(-50, *EvalRange("idelta", dbar, 20 * kMin, 20 * kMin)));
}

// ---- deriv / predict_linear ----

TEST(KernelLinearRegression, HandComputed) {
  // y = 2x + 1 (x in seconds): exact slope, intercept at the step time.
  const std::vector<Point> s = {{0, 1}, {kSec, 3}, {2 * kSec, 5}};
  EXPECT_TRUE(Same(2, *EvalRange("deriv", s, 2 * kSec, 2 * kSec)));
  // Value at 2s is 5; 10s later 25.
  EXPECT_TRUE(Same(25, *EvalRange("predict_linear", s, 2 * kSec, 2 * kSec, {10})));
  EXPECT_TRUE(Same(5, *EvalRange("predict_linear", s, 2 * kSec, 2 * kSec, {0})));
}

TEST(KernelLinearRegression, ConstantSeries) {
  const std::vector<Point> c = {{0, 4}, {kSec, 4}, {2 * kSec, 4}};
  EXPECT_TRUE(Same(0, *EvalRange("deriv", c, 2 * kSec, 2 * kSec)));
  EXPECT_TRUE(Same(4, *EvalRange("predict_linear", c, 2 * kSec, 2 * kSec, {100})));
  const std::vector<Point> inf = {{0, INFINITY}, {kSec, INFINITY}};
  EXPECT_TRUE(std::isnan(*EvalRange("deriv", inf, kSec, kSec)));
  EXPECT_TRUE(std::isnan(*EvalRange("predict_linear", inf, kSec, kSec, {1})));
}

// Without an explicit step time the intercept is taken at range_end.
TEST(KernelLinearRegression, StepTimeDefaultsToRangeEnd) {
  const std::vector<Point> s = {{0, 1}, {kSec, 3}, {2 * kSec, 5}};
  RangeWindow w;
  w.points = s;
  w.range_start = 0;
  w.range_end = 3 * kSec;
  const double scalars[] = {0};
  w.scalars = scalars;
  double out = 0;
  ASSERT_TRUE(LookupRangeKernel("predict_linear")(w, &out));
  EXPECT_TRUE(Same(7, out));
  w.step_t = 4 * kSec;
  ASSERT_TRUE(LookupRangeKernel("predict_linear")(w, &out));
  EXPECT_TRUE(Same(9, out));
}

// functions.test "Tests for deriv() and predict_linear()".
TEST(KernelLinearRegression, FunctionsTest) {
  const auto middle = LoadSeries("0+10x4 0+10x5", 5 * kMin);
  const auto http = LoadSeries("0+80x10", 5 * kMin);
  EXPECT_TRUE(PromEq(0.26666666666666666, *EvalRange("rate", http, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(0.26666666666666666, *EvalRange("deriv", http, 50 * kMin, 50 * kMin)));
  EXPECT_TRUE(PromEq(0.010606060606060607, *EvalRange("deriv", middle, 50 * kMin, 100 * kMin)));
  EXPECT_TRUE(PromEq(76.81818181818181,
                     *EvalRange("predict_linear", middle, 50 * kMin, 50 * kMin, {3600})));
  // @ 3000 pins the window; the intercept moves with the evaluation time.
  EXPECT_TRUE(PromEq(76.81818181818181, *EvalRange("predict_linear", middle, 50 * kMin, 50 * kMin,
                                                   {3600}, 0, 3000 * kSec)));
  EXPECT_TRUE(PromEq(51.36363636363637, *EvalRange("predict_linear", middle, 10 * kMin, 50 * kMin,
                                                   {3600}, 0, 3000 * kSec)));
  EXPECT_TRUE(PromEq(89.54545454545455, *EvalRange("predict_linear", middle, 70 * kMin, 50 * kMin,
                                                   {3600}, 0, 3000 * kSec)));
  // predict_linear(http[50m], 3600) - (http + deriv(http[50m]) * 3600) == 0.
  const double pl = *EvalRange("predict_linear", http, 50 * kMin, 50 * kMin, {3600});
  const double d = *EvalRange("deriv", http, 50 * kMin, 50 * kMin);
  EXPECT_TRUE(PromEq(0, pl - (800 + d * 3600)));
}

// ---- holt_winters ----

TEST(KernelHoltWinters, HandComputed) {
  // s1=1, b=2; i=1: 0.5*3 + 0.5*(1+2) = 3; i=2: b = 0.5*(3-1) + 0.5*2 = 2,
  // 0.5*4 + 0.5*(3+2) = 4.5.
  const std::vector<Point> s = {{0, 1}, {kSec, 3}, {2 * kSec, 4}};
  EXPECT_TRUE(Same(4.5, *EvalRange("holt_winters", s, 2 * kSec, 2 * kSec, {0.5, 0.5})));
}

TEST(KernelHoltWinters, ArgumentValidation) {
  EXPECT_EQ(HoltWintersArgsError(0.5, 0.5), "");
  EXPECT_EQ(HoltWintersArgsError(NAN, NAN), "");  // upstream lets NaN through
  EXPECT_EQ(HoltWintersArgsError(1, 0.5),
            "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
  EXPECT_EQ(HoltWintersArgsError(0, 0.5),
            "invalid smoothing factor. Expected: 0 < sf < 1, got: 0.000000");
  EXPECT_EQ(HoltWintersArgsError(0.5, -0.25),
            "invalid trend factor. Expected: 0 < tf < 1, got: -0.250000");
  EXPECT_EQ(HoltWintersArgsError(2, 2),
            "invalid smoothing factor. Expected: 0 < sf < 1, got: 2.000000");
  EXPECT_EQ(HoltWintersArgsError(0.5, INFINITY),
            "invalid trend factor. Expected: 0 < tf < 1, got: +Inf");
  const std::vector<Point> s = {{0, 1}, {kSec, 3}};
  EXPECT_FALSE(EvalRange("holt_winters", s, kSec, kSec, {1, 0.5}));
  EXPECT_FALSE(EvalRange("holt_winters", s, kSec, kSec, {0.5, 0}));
}

// functions.test "Tests for holt_winters" (load 10s, [1m] at 8000s).
TEST(KernelHoltWinters, FunctionsTest) {
  struct Case {
    const char* series;
    double want;
  };
  const Case cases[] = {
      {"0+10x1000 100+30x1000", 8000},
      {"0+20x1000 200+30x1000", 16000},
      {"0+30x1000 300+80x1000", 24000},
      {"0+40x2000", 32000},
      {"8000-10x1000", 0},
      {"0-20x1000", -16000},
      {"0+30x1000 300-80x1000", 24000},
      {"0-40x1000 0+40x1000", -32000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.series);
    const auto s = LoadSeries(c.series, 10 * kSec);
    EXPECT_TRUE(PromEq(c.want, *EvalRange("holt_winters", s, 8000 * kSec, kMin, {0.01, 0.1})));
  }
}

// ---- changes / resets ----

TEST(KernelChangesResets, NaNHandling) {
  // NaN → NaN is no change; number ↔ NaN is.
  const std::vector<Point> s = {{0, NAN}, {1, NAN}, {2, 1}, {3, 1}, {4, NAN}, {5, 0}};
  EXPECT_EQ(EvalRange("changes", s, 5, 5), 3);
  // resets compares with <, which NaN never satisfies.
  EXPECT_EQ(EvalRange("resets", s, 5, 5), 0);
  const std::vector<Point> z = {{0, 0.0}, {1, -0.0}, {2, -1}, {3, -1}, {4, INFINITY}, {5, 3}};
  EXPECT_EQ(EvalRange("changes", z, 5, 5), 3);  // 0 == -0
  EXPECT_EQ(EvalRange("resets", z, 5, 5), 2);
}

// functions.test "Tests for resets()" / "Tests for changes()".
TEST(KernelChangesResets, FunctionsTest) {
  const auto foo = LoadSeries("1 2 3 0 1 0 0 1 2 0", 5 * kMin);
  const auto bar = LoadSeries("1 2 3 4 5 1 2 3 4 5", 5 * kMin);
  const auto biz = LoadSeries("0 0 0 0 0 1 1 1 1 1", 5 * kMin);
  struct Case {
    int64_t range_min;
    double resets[3];
    double changes[3];
  };
  const Case cases[] = {
      {5, {0, 0, 0}, {0, 0, 0}},
      {20, {1, 0, 0}, {3, 3, 0}},
      {30, {2, 1, 0}, {4, 5, 1}},
      {50, {3, 1, 0}, {8, 9, 1}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.range_min);
    const std::vector<Point>* series[] = {&foo, &bar, &biz};
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(EvalRange("resets", *series[i], 50 * kMin, c.range_min * kMin), c.resets[i]);
      EXPECT_EQ(EvalRange("changes", *series[i], 50 * kMin, c.range_min * kMin), c.changes[i]);
    }
  }
  EXPECT_EQ(EvalRange("changes", LoadSeries("NaN NaN NaN", 5 * kMin), 15 * kMin, 15 * kMin), 0);
  EXPECT_EQ(EvalRange("changes", LoadSeries("0 NaN 0", 5 * kMin), 15 * kMin, 15 * kMin), 2);
}

TEST(KernelKahanAdd, CompensatesCancellation) {
  double sum = 0, c = 0;
  for (double v : {1.0, 1e100, 1.0, -1e100}) KahanAdd(v, &sum, &c);
  EXPECT_TRUE(Same(0, sum));
  EXPECT_TRUE(Same(2, sum + c));
  // Overflow to Inf resets the compensation instead of making it NaN.
  sum = 1.7e308;
  c = 0;
  KahanAdd(1.7e308, &sum, &c);
  EXPECT_TRUE(Same(INFINITY, sum));
  EXPECT_TRUE(Same(0, c));
  sum = 0;
  c = 0;
  for (double v : {0.1, 0.2, 0.3}) KahanAdd(v, &sum, &c);
  EXPECT_TRUE(Same(0.6, sum + c));  // naive 0.1+0.2+0.3 = 0.6000000000000001
}

}  // namespace
}  // namespace vigil::query::kernels_test
