// Range-vector kernels that look at sample order and time: rate, increase,
// delta, irate, idelta, deriv, predict_linear, holt_winters, changes and
// resets, plus KahanAdd and LookupRangeKernel. Each follows Prometheus
// v2.53's promql/functions.go statement by statement, so that floating-point
// results match bit for bit where the operations are the same IEEE ones.

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "query/kernels.h"
#include "query/kernels_internal.h"

// Go does not fuse a*b+c into an FMA on amd64; neither may we, even when the
// build uses -march=native (VIGIL_NATIVE).
#pragma GCC optimize("fp-contract=off")

namespace vigil::query {
namespace {

using kernels_internal::AvgOverTime;
using kernels_internal::CountOverTime;
using kernels_internal::LastOverTime;
using kernels_internal::MadOverTime;
using kernels_internal::MaxOverTime;
using kernels_internal::MinOverTime;
using kernels_internal::PresentOverTime;
using kernels_internal::QuantileOverTime;
using kernels_internal::StddevOverTime;
using kernels_internal::StdvarOverTime;
using kernels_internal::SumOverTime;

// Go's time.Duration(ms).Seconds(): whole seconds plus the nanosecond
// remainder / 1e9, which can differ in the last bit from ms / 1000.0.
double RangeSeconds(const RangeWindow& w) {
  const int64_t range_ms = w.range_end - w.range_start;
  const int64_t sec = range_ms / 1000;
  const int64_t nsec = (range_ms % 1000) * 1000000;
  return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
}

// extrapolatedRate (float samples only), v2.53: the threshold is applied to
// durationToStart first, then the zero point of a counter may shorten it
// further (PR 13725, 2.51+).
bool ExtrapolatedRate(const RangeWindow& w, bool is_counter, bool is_rate, double* out) {
  const auto& s = w.points;
  if (s.size() < 2) return false;
  const size_t num_samples_minus_one = s.size() - 1;
  const int64_t first_t = s.front().t;
  const int64_t last_t = s[num_samples_minus_one].t;
  double result = s[num_samples_minus_one].v - s.front().v;
  if (is_counter && !w.no_resets) {
    double prev = s.front().v;
    for (size_t i = 1; i < s.size(); ++i) {
      const double curr = s[i].v;
      if (curr < prev) result += prev;
      prev = curr;
    }
  }

  double duration_to_start = static_cast<double>(first_t - w.range_start) / 1000;
  double duration_to_end = static_cast<double>(w.range_end - last_t) / 1000;
  const double sampled_interval = static_cast<double>(last_t - first_t) / 1000;
  const double average_duration_between_samples =
      sampled_interval / static_cast<double>(num_samples_minus_one);

  const double extrapolation_threshold = average_duration_between_samples * 1.1;
  double extrapolate_to_interval = sampled_interval;

  if (duration_to_start >= extrapolation_threshold) {
    duration_to_start = average_duration_between_samples / 2;
  }
  if (is_counter && result > 0 && s.front().v >= 0) {
    // Counters cannot be negative: do not extrapolate past the zero point.
    const double duration_to_zero = sampled_interval * (s.front().v / result);
    if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
  }
  extrapolate_to_interval += duration_to_start;

  if (duration_to_end >= extrapolation_threshold) {
    duration_to_end = average_duration_between_samples / 2;
  }
  extrapolate_to_interval += duration_to_end;

  double factor = extrapolate_to_interval / sampled_interval;
  if (is_rate) factor /= RangeSeconds(w);
  result *= factor;
  *out = result;
  return true;
}

bool Rate(const RangeWindow& w, double* out) { return ExtrapolatedRate(w, true, true, out); }
bool Increase(const RangeWindow& w, double* out) { return ExtrapolatedRate(w, true, false, out); }
bool Delta(const RangeWindow& w, double* out) { return ExtrapolatedRate(w, false, false, out); }

// instantValue: the last two samples.
bool InstantValue(const RangeWindow& w, bool is_rate, double* out) {
  const auto& s = w.points;
  if (s.size() < 2) return false;
  const Point& last = s[s.size() - 1];
  const Point& previous = s[s.size() - 2];
  double result;
  if (is_rate && last.v < previous.v) {
    result = last.v;  // counter reset
  } else {
    result = last.v - previous.v;
  }
  const int64_t sampled_interval = last.t - previous.t;
  if (sampled_interval == 0) return false;
  if (is_rate) result /= static_cast<double>(sampled_interval) / 1000;
  *out = result;
  return true;
}

bool Irate(const RangeWindow& w, double* out) { return InstantValue(w, true, out); }
bool Idelta(const RangeWindow& w, double* out) { return InstantValue(w, false, out); }

// linearRegression: least squares with Kahan sums, x in seconds relative to
// intercept_t_ms; the intercept is the value at intercept_t_ms.
void LinearRegression(std::span<const Point> s, int64_t intercept_t_ms, double* slope,
                      double* intercept) {
  double n = 0;
  double sum_x = 0, c_x = 0;
  double sum_y = 0, c_y = 0;
  double sum_xy = 0, c_xy = 0;
  double sum_x2 = 0, c_x2 = 0;
  const double init_y = s.front().v;
  bool const_y = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (const_y && i > 0 && s[i].v != init_y) const_y = false;
    n += 1.0;
    const double x = static_cast<double>(s[i].t - intercept_t_ms) / 1e3;
    KahanAdd(x, &sum_x, &c_x);
    KahanAdd(s[i].v, &sum_y, &c_y);
    KahanAdd(x * s[i].v, &sum_xy, &c_xy);
    KahanAdd(x * x, &sum_x2, &c_x2);
  }
  if (const_y) {
    if (std::isinf(init_y)) {
      *slope = NAN;
      *intercept = NAN;
      return;
    }
    *slope = 0;
    *intercept = init_y;
    return;
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;

  const double cov_xy = sum_xy - sum_x * sum_y / n;
  const double var_x = sum_x2 - sum_x * sum_x / n;
  *slope = cov_xy / var_x;
  *intercept = sum_y / n - *slope * sum_x / n;
}

bool Deriv(const RangeWindow& w, double* out) {
  if (w.points.size() < 2) return false;
  double slope, intercept;
  // Upstream regresses around the first sample's time to keep x small.
  LinearRegression(w.points, w.points.front().t, &slope, &intercept);
  *out = slope;
  return true;
}

bool PredictLinear(const RangeWindow& w, double* out) {
  if (w.points.size() < 2 || w.scalars.empty()) return false;
  const double duration = w.scalars[0];
  const int64_t step_t = w.step_t == RangeWindow::kStepTimeFromRangeEnd ? w.range_end : w.step_t;
  double slope, intercept;
  LinearRegression(w.points, step_t, &slope, &intercept);
  *out = slope * duration + intercept;
  return true;
}

// calcTrendValue: the trend at index i.
double CalcTrendValue(int i, double tf, double s0, double s1, double b) {
  if (i == 0) return b;
  const double x = tf * (s1 - s0);
  const double y = (1 - tf) * b;
  return x + y;
}

bool HoltWinters(const RangeWindow& w, double* out) {
  if (w.scalars.size() < 2) return false;
  const double sf = w.scalars[0];
  const double tf = w.scalars[1];
  if (!HoltWintersArgsError(sf, tf).empty()) return false;
  const auto& s = w.points;
  const size_t l = s.size();
  if (l < 2) return false;

  double s0 = 0, s1 = 0, b = 0;
  s1 = s[0].v;
  b = s[1].v - s[0].v;
  double x, y;
  for (size_t i = 1; i < l; ++i) {
    x = sf * s[i].v;
    b = CalcTrendValue(static_cast<int>(i - 1), tf, s0, s1, b);
    y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  *out = s1;
  return true;
}

bool Changes(const RangeWindow& w, double* out) {
  const auto& s = w.points;
  if (s.empty()) return false;
  int changes = 0;
  double prev = s[0].v;
  for (size_t i = 1; i < s.size(); ++i) {
    const double current = s[i].v;
    if (current != prev && !(std::isnan(current) && std::isnan(prev))) ++changes;
    prev = current;
  }
  *out = changes;
  return true;
}

bool Resets(const RangeWindow& w, double* out) {
  const auto& s = w.points;
  if (s.empty()) return false;
  int resets = 0;
  double prev = s[0].v;
  for (size_t i = 1; i < s.size(); ++i) {
    const double current = s[i].v;
    if (current < prev) ++resets;
    prev = current;
  }
  *out = resets;
  return true;
}

struct NamedRangeKernel {
  std::string_view name;
  RangeKernel kernel;
};

constexpr NamedRangeKernel kRangeKernels[] = {
    {"rate", Rate},
    {"increase", Increase},
    {"delta", Delta},
    {"irate", Irate},
    {"idelta", Idelta},
    {"deriv", Deriv},
    {"predict_linear", PredictLinear},
    {"holt_winters", HoltWinters},
    {"changes", Changes},
    {"resets", Resets},
    {"avg_over_time", AvgOverTime},
    {"min_over_time", MinOverTime},
    {"max_over_time", MaxOverTime},
    {"sum_over_time", SumOverTime},
    {"count_over_time", CountOverTime},
    {"last_over_time", LastOverTime},
    {"present_over_time", PresentOverTime},
    {"quantile_over_time", QuantileOverTime},
    {"stddev_over_time", StddevOverTime},
    {"stdvar_over_time", StdvarOverTime},
    {"mad_over_time", MadOverTime},
};

// Go's %f: six decimals; NaN and infinities spelled as Go spells them.
std::string GoPercentF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

}  // namespace

RangeKernel LookupRangeKernel(std::string_view name) {
  for (const auto& k : kRangeKernels) {
    if (k.name == name) return k.kernel;
  }
  return nullptr;
}

std::string HoltWintersArgsError(double sf, double tf) {
  if (sf <= 0 || sf >= 1) {
    return "invalid smoothing factor. Expected: 0 < sf < 1, got: " + GoPercentF(sf);
  }
  if (tf <= 0 || tf >= 1) {
    return "invalid trend factor. Expected: 0 < tf < 1, got: " + GoPercentF(tf);
  }
  return "";
}

void KahanAdd(double inc, double* sum, double* c) {
  const double t = *sum + inc;
  if (std::isinf(t)) {
    *c = 0;
  } else if (std::fabs(*sum) >= std::fabs(inc)) {
    // Neumaier: the larger operand goes first.
    *c += (*sum - t) + inc;
  } else {
    *c += (inc - t) + *sum;
  }
  *sum = t;
}

}  // namespace vigil::query
