// Element-wise kernels of instant-vector functions: math, trigonometry,
// rounding/clamping and the UTC date functions, as Prometheus v2.53 computes
// them with Go's math and time packages. Where Go's result is a composition
// of simpler IEEE operations (Log2, Log10, Max/Min, deg/rad, round, the
// calendar) we repeat that composition; transcendental primitives (exp, log,
// sin, ...) come from libm and may differ from Go's in the last ulp.

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>

#include "query/kernels.h"

#pragma GCC optimize("fp-contract=off")

namespace vigil::query {
namespace {

using Scalars = std::span<const double>;

// Go's math.Max: +Inf beats NaN, NaN beats numbers, +0 beats -0.
double GoMax(double x, double y) {
  if ((std::isinf(x) && x > 0) || (std::isinf(y) && y > 0)) return INFINITY;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

// Go's math.Min: -Inf beats NaN, NaN beats numbers, -0 beats +0.
double GoMin(double x, double y) {
  if ((std::isinf(x) && x < 0) || (std::isinf(y) && y < 0)) return -INFINITY;
  if (std::isnan(x) || std::isnan(y)) return NAN;
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

// Go's math.Log2: exact for powers of two, else Log(frac)/Ln2 + exp.
double GoLog2(double x) {
  int exp = 0;
  double frac = x;
  if (x != 0 && !std::isinf(x) && !std::isnan(x)) frac = std::frexp(x, &exp);
  if (frac == 0.5) return static_cast<double>(exp - 1);
  constexpr double kInvLn2 = 1.44269504088896340735992468100189214;  // Go's exact 1/Ln2
  return std::log(frac) * kInvLn2 + static_cast<double>(exp);
}

// Go's math.Log10: Log(x) * (1/Ln10), hence log10(1000) = 2.9999999999999996.
double GoLog10(double x) {
  constexpr double kInvLn10 = 0.43429448190325182765112891891660508;  // Go's exact 1/Ln10
  return std::log(x) * kInvLn10;
}

double Abs(double v, Scalars) { return std::fabs(v); }
double Ceil(double v, Scalars) { return std::ceil(v); }
double Floor(double v, Scalars) { return std::floor(v); }
double Exp(double v, Scalars) { return std::exp(v); }
double Sqrt(double v, Scalars) { return std::sqrt(v); }
double Ln(double v, Scalars) { return std::log(v); }
double Log2(double v, Scalars) { return GoLog2(v); }
double Log10(double v, Scalars) { return GoLog10(v); }

double Sgn(double v, Scalars) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;  // ±0 and NaN unchanged
}

// Ties round up; the inverse is used because upstream found it more exact.
double Round(double v, Scalars s) {
  const double to_nearest = s.empty() ? 1.0 : s[0];
  const double to_nearest_inverse = 1.0 / to_nearest;
  return std::floor(v * to_nearest_inverse + 0.5) / to_nearest_inverse;
}

double Clamp(double v, Scalars s) {
  if (s.size() < 2) return NAN;
  return GoMax(s[0], GoMin(s[1], v));
}
double ClampMin(double v, Scalars s) { return s.empty() ? NAN : GoMax(s[0], v); }
double ClampMax(double v, Scalars s) { return s.empty() ? NAN : GoMin(s[0], v); }

double Sin(double v, Scalars) { return std::sin(v); }
double Cos(double v, Scalars) { return std::cos(v); }
double Tan(double v, Scalars) { return std::tan(v); }
double Asin(double v, Scalars) { return std::asin(v); }
double Acos(double v, Scalars) { return std::acos(v); }
double Atan(double v, Scalars) { return std::atan(v); }
double Sinh(double v, Scalars) { return std::sinh(v); }
double Cosh(double v, Scalars) { return std::cosh(v); }
double Tanh(double v, Scalars) { return std::tanh(v); }
double Asinh(double v, Scalars) { return std::asinh(v); }
double Acosh(double v, Scalars) { return std::acosh(v); }
double Atanh(double v, Scalars) { return std::atanh(v); }
double Deg(double v, Scalars) { return v * 180 / M_PI; }
double Rad(double v, Scalars) { return v * M_PI / 180; }

// ---- Dates: Go 1.22's time package, UTC. ----

constexpr uint64_t kSecondsPerMinute = 60;
constexpr uint64_t kSecondsPerHour = 60 * kSecondsPerMinute;
constexpr uint64_t kSecondsPerDay = 24 * kSecondsPerHour;
constexpr uint64_t kSecondsPerWeek = 7 * kSecondsPerDay;
constexpr uint64_t kDaysPer400Years = 365 * 400 + 97;
constexpr uint64_t kDaysPer100Years = 365 * 100 + 24;
constexpr uint64_t kDaysPer4Years = 365 * 4 + 1;
constexpr int64_t kAbsoluteZeroYear = -292277022399;
// unixToInternal + internalToAbsolute, where absoluteToInternal is
// (absoluteZeroYear - 1) * 365.2425 * 86400: Unix seconds → seconds since Jan 1 of
// the absolute zero year, computed modulo 2^64 as Go does.
constexpr uint64_t kUnixToAbsolute = 9223372028715321600ULL;
constexpr int kDaysBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

// Go's int64(f) on amd64 (CVTTSD2SQ): truncation, and 1<<63 for NaN and
// anything out of range.
int64_t GoFloatToInt64(double v) {
  if (v >= -9223372036854775808.0 && v < 9223372036854775808.0) return static_cast<int64_t>(v);
  return INT64_MIN;
}

uint64_t AbsSeconds(double v) { return static_cast<uint64_t>(GoFloatToInt64(v)) + kUnixToAbsolute; }

bool IsLeap(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

struct Date {
  int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int yday = 0;   // 0-based
};

// Go 1.22 time.absDate(abs, full=true).
Date AbsDate(uint64_t abs) {
  uint64_t d = abs / kSecondsPerDay;
  uint64_t n = d / kDaysPer400Years;
  uint64_t y = 400 * n;
  d -= kDaysPer400Years * n;
  n = d / kDaysPer100Years;
  n -= n >> 2;
  y += 100 * n;
  d -= kDaysPer100Years * n;
  n = d / kDaysPer4Years;
  y += 4 * n;
  d -= kDaysPer4Years * n;
  n = d / 365;
  n -= n >> 2;
  y += n;
  d -= 365 * n;

  Date out;
  out.year = static_cast<int64_t>(y) + kAbsoluteZeroYear;
  out.yday = static_cast<int>(d);
  int day = out.yday;
  if (IsLeap(out.year)) {
    if (day > 31 + 29 - 1) {
      day--;  // after Feb 29: pretend it was not there
    } else if (day == 31 + 29 - 1) {
      out.month = 2;
      out.day = 29;
      return out;
    }
  }
  int month = day / 31;  // may be one too low
  const int end = kDaysBefore[month + 1];
  int begin;
  if (day >= end) {
    month++;
    begin = end;
  } else {
    begin = kDaysBefore[month];
  }
  out.month = month + 1;
  out.day = day - begin + 1;
  return out;
}

double Minute(double v, Scalars) {
  return static_cast<double>((AbsSeconds(v) % kSecondsPerHour) / kSecondsPerMinute);
}
double Hour(double v, Scalars) {
  return static_cast<double>((AbsSeconds(v) % kSecondsPerDay) / kSecondsPerHour);
}
double DayOfWeek(double v, Scalars) {
  // Jan 1 of the absolute year was a Monday (Weekday 1).
  return static_cast<double>(((AbsSeconds(v) + kSecondsPerDay) % kSecondsPerWeek) / kSecondsPerDay);
}
double DayOfMonth(double v, Scalars) { return AbsDate(AbsSeconds(v)).day; }
double DayOfYear(double v, Scalars) { return AbsDate(AbsSeconds(v)).yday + 1; }
double Month(double v, Scalars) { return AbsDate(AbsSeconds(v)).month; }
double Year(double v, Scalars) { return static_cast<double>(AbsDate(AbsSeconds(v)).year); }
double DaysInMonth(double v, Scalars) {
  const Date d = AbsDate(AbsSeconds(v));
  int days = kDaysBefore[d.month] - kDaysBefore[d.month - 1];
  if (d.month == 2 && IsLeap(d.year)) days++;
  return days;
}

struct NamedElementKernel {
  std::string_view name;
  ElementKernel kernel;
};

constexpr NamedElementKernel kElementKernels[] = {
    {"abs", Abs},
    {"ceil", Ceil},
    {"floor", Floor},
    {"exp", Exp},
    {"sqrt", Sqrt},
    {"ln", Ln},
    {"log2", Log2},
    {"log10", Log10},
    {"sgn", Sgn},
    {"round", Round},
    {"clamp", Clamp},
    {"clamp_min", ClampMin},
    {"clamp_max", ClampMax},
    {"sin", Sin},
    {"cos", Cos},
    {"tan", Tan},
    {"asin", Asin},
    {"acos", Acos},
    {"atan", Atan},
    {"sinh", Sinh},
    {"cosh", Cosh},
    {"tanh", Tanh},
    {"asinh", Asinh},
    {"acosh", Acosh},
    {"atanh", Atanh},
    {"deg", Deg},
    {"rad", Rad},
    {"minute", Minute},
    {"hour", Hour},
    {"day_of_week", DayOfWeek},
    {"day_of_month", DayOfMonth},
    {"day_of_year", DayOfYear},
    {"days_in_month", DaysInMonth},
    {"month", Month},
    {"year", Year},
};

}  // namespace

ElementKernel LookupElementKernel(std::string_view name) {
  for (const auto& k : kElementKernels) {
    if (k.name == name) return k.kernel;
  }
  return nullptr;
}

bool ClampYieldsEmpty(double min, double max) { return max < min; }

}  // namespace vigil::query
