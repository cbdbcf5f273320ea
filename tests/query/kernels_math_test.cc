// Element kernels: math, trig, round/clamp/sgn and the date functions, with
// the expectations of upstream v2.53 functions.test and trig_functions.test
// plus hand-computed edge cases.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "query/kernels.h"
#include "tests/query/kernels_test_util.h"

namespace vigil::query::kernels_test {
namespace {

TEST(ElementKernelLookup, KnowsEveryElementFunction) {
  for (const char* name :
       {"abs",   "ceil",        "floor",        "exp",         "sqrt",          "ln",    "log2",
        "log10", "round",       "clamp",        "clamp_min",   "clamp_max",     "sgn",   "sin",
        "cos",   "tan",         "asin",         "acos",        "atan",          "sinh",  "cosh",
        "tanh",  "asinh",       "acosh",        "atanh",       "deg",           "rad",   "minute",
        "hour",  "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year"}) {
    EXPECT_NE(LookupElementKernel(name), nullptr) << name;
  }
  EXPECT_EQ(LookupElementKernel("rate"), nullptr);
  EXPECT_EQ(LookupElementKernel("pi"), nullptr);
}

TEST(ElementKernels, Basic) {
  EXPECT_TRUE(Same(2.5, Elem("abs", -2.5)));
  EXPECT_TRUE(Same(0.0, Elem("abs", -0.0)));
  EXPECT_TRUE(Same(-2, Elem("ceil", -2.5)));
  EXPECT_TRUE(Same(-3, Elem("floor", -2.5)));
  EXPECT_TRUE(Same(3, Elem("sqrt", 9)));
  EXPECT_TRUE(std::isnan(Elem("sqrt", -1)));
  EXPECT_TRUE(Same(INFINITY, Elem("exp", INFINITY)));
  EXPECT_TRUE(Same(0, Elem("exp", -INFINITY)));
  EXPECT_TRUE(Same(-INFINITY, Elem("ln", 0)));
  // Go's Log2: exact for powers of two.
  EXPECT_TRUE(Same(10, Elem("log2", 1024)));
  EXPECT_TRUE(Same(-1074, Elem("log2", 4.9406564584124654e-324)));
  EXPECT_TRUE(Same(INFINITY, Elem("log2", INFINITY)));
  EXPECT_TRUE(std::isnan(Elem("log2", -8)));
  EXPECT_TRUE(Same(-INFINITY, Elem("log10", 0)));
  EXPECT_TRUE(Same(3, Elem("log10", 1000)));
}

// functions.test "Testing exp() sqrt() log2() log10() ln()".
TEST(ElementKernels, FunctionsTestExpLog) {
  struct Case {
    const char* fn;
    double v, want;
  };
  const Case cases[] = {
      {"exp", 10, 22026.465794806718},
      {"exp", 20, 485165195.4097903},
      {"exp", 0, 1},
      {"exp", -10, 4.5399929762484854e-05},
      {"ln", 10, 2.302585092994046},
      {"ln", 20, 2.995732273553991},
      {"ln", 0, -INFINITY},
      {"ln", -10, NAN},
      {"sqrt", 10, 3.1622776601683795},
      {"sqrt", 20, 4.47213595499958},
      {"log2", 10, 3.3219280948873626},
      {"log2", 20, 4.321928094887363},
      {"log2", 0, -INFINITY},
      {"log2", -10, NAN},
      {"log10", 10, 1},
      {"log10", 20, 1.301029995663981},
      {"log10", 0, -INFINITY},
      {"log10", -10, NAN},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.fn) + "(" + std::to_string(c.v) + ")");
    EXPECT_TRUE(PromEq(c.want, Elem(c.fn, c.v)));
  }
  EXPECT_TRUE(PromEq(20, Elem("exp", Elem("ln", 20))));
  EXPECT_TRUE(PromEq(10, Elem("exp", Elem("ln", 10))));
}

// trig_functions.test (trig{l="x"} 10, {l="y"} 20, {l="NaN"} NaN).
TEST(ElementKernels, TrigFunctionsTest) {
  struct Case {
    const char* fn;
    double v, want;
  };
  const Case cases[] = {
      {"sin", 10, -0.5440211108893699},
      {"sin", 20, 0.9129452507276277},
      {"cos", 10, -0.8390715290764524},
      {"cos", 20, 0.40808206181339196},
      {"tan", 10, 0.6483608274590867},
      {"tan", 20, 2.2371609442247427},
      {"asin", -0.1, -0.10016742116155944},
      {"asin", 9.9, NAN},
      {"acos", -0.1, 1.670963747956456},
      {"acos", 9.9, NAN},
      {"atan", 10, 1.4711276743037345},
      {"atan", 20, 1.5208379310729538},
      {"sinh", 10, 11013.232920103324},
      {"sinh", 20, 2.4258259770489514e+08},
      {"cosh", 10, 11013.232920103324},
      {"cosh", 20, 2.4258259770489514e+08},
      {"tanh", 10, 0.9999999958776927},
      {"tanh", 20, 1},
      {"asinh", 10, 2.99822295029797},
      {"asinh", 20, 3.6895038689889055},
      {"acosh", 10, 2.993222846126381},
      {"acosh", 20, 3.6882538673612966},
      {"atanh", -0.1, -0.10033534773107522},
      {"atanh", 9.9, NAN},
      {"rad", 10, 0.17453292519943295},
      {"rad", 20, 0.3490658503988659},
      {"rad", 0, 0},
      {"rad", -10, -0.17453292519943295},
      {"deg", 10, 572.9577951308232},
      {"deg", 20, 1145.9155902616465},
      {"deg", 0, 0},
      {"deg", -10, -572.9577951308232},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.fn) + "(" + std::to_string(c.v) + ")");
    EXPECT_TRUE(PromEq(c.want, Elem(c.fn, c.v)));
  }
  // upstream computes trig - 10.1 first.
  EXPECT_TRUE(PromEq(-0.10016742116155944, Elem("asin", 10 - 10.1)));
  EXPECT_TRUE(PromEq(-0.10033534773107522, Elem("atanh", 10 - 10.1)));
  for (const char* fn : {"sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
                         "asinh", "acosh", "atanh", "rad", "deg"}) {
    EXPECT_TRUE(std::isnan(Elem(fn, NAN))) << fn;
  }
  // deg/rad in upstream's operation order.
  EXPECT_TRUE(Same(10 * 180 / M_PI, Elem("deg", 10)));
  EXPECT_TRUE(Same(10 * M_PI / 180, Elem("rad", 10)));
}

TEST(ElementKernels, Sgn) {
  // functions.test "Test cases for sgn".
  EXPECT_TRUE(Same(-1, Elem("sgn", -INFINITY)));
  EXPECT_TRUE(Same(1, Elem("sgn", INFINITY)));
  EXPECT_TRUE(std::isnan(Elem("sgn", NAN)));
  EXPECT_TRUE(Same(-1, Elem("sgn", -50)));
  EXPECT_TRUE(Same(0, Elem("sgn", 0)));
  EXPECT_TRUE(Same(1, Elem("sgn", 100)));
  EXPECT_TRUE(Same(-0.0, Elem("sgn", -0.0)));
}

TEST(ElementKernels, Round) {
  EXPECT_TRUE(Same(3, Elem("round", 2.5)));
  EXPECT_TRUE(Same(-2, Elem("round", -2.5)));  // ties round up
  EXPECT_TRUE(Same(2, Elem("round", 2.4999)));
  EXPECT_TRUE(Same(1.2, Elem("round", 1.234, {0.1})));
  EXPECT_TRUE(Same(10, Elem("round", 5, {10})));
  EXPECT_TRUE(Same(0, Elem("round", 4.9, {10})));
  EXPECT_TRUE(
      Same(std::floor(0.15 * (1.0 / 0.05) + 0.5) / (1.0 / 0.05), Elem("round", 0.15, {0.05})));
  EXPECT_TRUE(std::isnan(Elem("round", NAN)));
  EXPECT_TRUE(Same(INFINITY, Elem("round", INFINITY)));
  EXPECT_TRUE(std::isnan(Elem("round", 3, {0})));  // floor(Inf)/Inf
  EXPECT_TRUE(Same(0.0, Elem("round", -0.4)));     // floor(0.1) / 1 = +0
}

TEST(ElementKernels, Clamp) {
  // functions.test "Tests for clamp_max, clamp_min(), and clamp()".
  const double vals[] = {-50, 0, 100};
  const double want_max[] = {-50, 0, 75};
  const double want_min[] = {-25, 0, 100};
  const double want_clamp[] = {-25, 0, 75};
  const double want_nested[] = {-20, 0, 70};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(Same(want_max[i], Elem("clamp_max", vals[i], {75})));
    EXPECT_TRUE(Same(want_min[i], Elem("clamp_min", vals[i], {-25})));
    EXPECT_TRUE(Same(want_clamp[i], Elem("clamp", vals[i], {-25, 75})));
    EXPECT_TRUE(Same(want_nested[i], Elem("clamp_max", Elem("clamp_min", vals[i], {-20}), {70})));
    EXPECT_TRUE(std::isnan(Elem("clamp", vals[i], {0, NAN})));
    EXPECT_TRUE(std::isnan(Elem("clamp", vals[i], {NAN, 0})));
  }
  EXPECT_TRUE(ClampYieldsEmpty(5, -5));  // clamp(test_clamp, 5, -5) is empty
  EXPECT_FALSE(ClampYieldsEmpty(-5, 5));
  EXPECT_FALSE(ClampYieldsEmpty(5, 5));
  EXPECT_FALSE(ClampYieldsEmpty(0, NAN));
  EXPECT_FALSE(ClampYieldsEmpty(NAN, 0));
  // Go's Min/Max: an infinity beats NaN, NaN beats numbers, signed zeros.
  EXPECT_TRUE(Same(INFINITY, Elem("clamp_min", NAN, {INFINITY})));
  EXPECT_TRUE(Same(-INFINITY, Elem("clamp_max", NAN, {-INFINITY})));
  EXPECT_TRUE(std::isnan(Elem("clamp_min", NAN, {0})));
  EXPECT_TRUE(std::isnan(Elem("clamp_max", 1, {NAN})));
  EXPECT_TRUE(Same(0.0, Elem("clamp_min", -0.0, {0.0})));
  EXPECT_TRUE(Same(-0.0, Elem("clamp_max", 0.0, {-0.0})));
  EXPECT_TRUE(Same(INFINITY, Elem("clamp", INFINITY, {0, INFINITY})));
}

// {unix seconds, year, month, day, yday, weekday, hour, minute, days in month}
struct DateCase {
  double t;
  double year, month, day, yday, wday, hour, minute, days_in_month;
};

void CheckDate(const DateCase& c) {
  SCOPED_TRACE(std::to_string(c.t));
  EXPECT_TRUE(Same(c.year, Elem("year", c.t)));
  EXPECT_TRUE(Same(c.month, Elem("month", c.t)));
  EXPECT_TRUE(Same(c.day, Elem("day_of_month", c.t)));
  EXPECT_TRUE(Same(c.yday, Elem("day_of_year", c.t)));
  EXPECT_TRUE(Same(c.wday, Elem("day_of_week", c.t)));
  EXPECT_TRUE(Same(c.hour, Elem("hour", c.t)));
  EXPECT_TRUE(Same(c.minute, Elem("minute", c.t)));
  EXPECT_TRUE(Same(c.days_in_month, Elem("days_in_month", c.t)));
}

TEST(DateKernels, CalendarTable) {
  // Cross-checked with Python's datetime (proleptic Gregorian, UTC).
  const DateCase cases[] = {
      {0, 1970, 1, 1, 1, 4, 0, 0, 31},
      {-1, 1969, 12, 31, 365, 3, 23, 59, 31},
      {951782400, 2000, 2, 29, 60, 2, 0, 0, 29},
      {1136239445, 2006, 1, 2, 2, 1, 22, 4, 31},
      {-62135596800, 1, 1, 1, 1, 1, 0, 0, 31},
      {-62135596801, 0, 12, 31, 366, 0, 23, 59, 31},  // year 0 is a leap year
      {253402300799, 9999, 12, 31, 365, 5, 23, 59, 31},
      {4102444800, 2100, 1, 1, 1, 5, 0, 0, 31},
      {4105123200, 2100, 2, 1, 32, 1, 0, 0, 28},  // 2100 is not a leap year
      {-2208988800, 1900, 1, 1, 1, 1, 0, 0, 31},
      {1709210096, 2024, 2, 29, 60, 4, 12, 34, 29},
      {68256000000, 4132, 12, 12, 347, 5, 0, 0, 31},
  };
  for (const DateCase& c : cases) CheckDate(c);
}

// functions.test "Test time-related functions".
TEST(DateKernels, FunctionsTest) {
  EXPECT_TRUE(Same(1970, Elem("year", 0)));
  EXPECT_TRUE(Same(2006, Elem("year", 1136239445)));
  EXPECT_TRUE(Same(1, Elem("month", 0)));
  EXPECT_TRUE(Same(1, Elem("month", 1136239445)));
  EXPECT_TRUE(Same(1, Elem("day_of_month", 0)));
  EXPECT_TRUE(Same(2, Elem("day_of_month", 1136239445)));
  EXPECT_TRUE(Same(1, Elem("day_of_year", 0)));
  EXPECT_TRUE(Same(2, Elem("day_of_year", 1136239445)));
  EXPECT_TRUE(Same(4, Elem("day_of_week", 0)));
  EXPECT_TRUE(Same(1, Elem("day_of_week", 1136239445)));
  EXPECT_TRUE(Same(0, Elem("hour", 0)));
  EXPECT_TRUE(Same(22, Elem("hour", 1136239445)));
  EXPECT_TRUE(Same(0, Elem("minute", 0)));
  EXPECT_TRUE(Same(4, Elem("minute", 1136239445)));
  EXPECT_TRUE(Same(2008, Elem("year", 1230767999)));
  EXPECT_TRUE(Same(2009, Elem("year", 1230768000)));
  EXPECT_TRUE(PromEq(2.29, Elem("month", 1456790399) + Elem("day_of_month", 1456790399) / 100));
  EXPECT_TRUE(PromEq(3.01, Elem("month", 1456790400) + Elem("day_of_month", 1456790400) / 100));
  EXPECT_TRUE(Same(366, Elem("day_of_year", 1483191420)));
  EXPECT_TRUE(Same(365, Elem("day_of_year", 1672493820)));
  EXPECT_TRUE(Same(29, Elem("days_in_month", 1454284800)));
  EXPECT_TRUE(Same(28, Elem("days_in_month", 1485907200)));
}

TEST(DateKernels, TruncationAndOutOfRange) {
  // int64(v) truncates toward zero: -0.5 is 1970-01-01 00:00:00.
  EXPECT_TRUE(Same(1970, Elem("year", -0.5)));
  EXPECT_TRUE(Same(0, Elem("hour", -0.9)));
  EXPECT_TRUE(Same(23, Elem("hour", -1.0)));
  EXPECT_TRUE(Same(59, Elem("minute", 3599.99)));
  // NaN, ±Inf and out-of-range values all become INT64_MIN seconds, as on
  // amd64 Go: some fixed, finite (nonsense) date rather than NaN.
  for (const char* fn : {"year", "month", "day_of_month", "day_of_year", "day_of_week", "hour",
                         "minute", "days_in_month"}) {
    SCOPED_TRACE(fn);
    const double at_nan = Elem(fn, NAN);
    EXPECT_TRUE(std::isfinite(at_nan));
    EXPECT_TRUE(Same(at_nan, Elem(fn, INFINITY)));
    EXPECT_TRUE(Same(at_nan, Elem(fn, -INFINITY)));
    EXPECT_TRUE(Same(at_nan, Elem(fn, 1e300)));
    EXPECT_TRUE(Same(at_nan, Elem(fn, -9223372036854775808.0)));
  }
  EXPECT_GE(Elem("month", NAN), 1);
  EXPECT_LE(Elem("month", NAN), 12);
}

}  // namespace
}  // namespace vigil::query::kernels_test
