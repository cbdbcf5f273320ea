// The *_over_time range kernels: aggregations of one series' samples in the
// window, as Prometheus v2.53's promql/functions.go computes them (float
// samples only; native histograms are not handled here).

#include <cmath>
#include <vector>

#include "query/kernels.h"
#include "query/kernels_internal.h"

#pragma GCC optimize("fp-contract=off")

namespace vigil::query::kernels_internal {

// Incremental mean with Kahan compensation; infinities short-circuit as
// upstream does, since `Inf/count - Inf/count` would turn into NaN.
bool AvgOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  double mean = 0, count = 0, c = 0;
  for (const Point& p : w.points) {
    count++;
    if (std::isinf(mean)) {
      if (std::isinf(p.v) && (mean > 0) == (p.v > 0)) {
        // Infinities of the same sign: the mean is already right.
        continue;
      }
      if (!std::isinf(p.v) && !std::isnan(p.v)) {
        // A finite value does not change an infinite mean.
        continue;
      }
    }
    KahanAdd(p.v / count - mean / count, &mean, &c);
  }
  *out = std::isinf(mean) ? mean : mean + c;
  return true;
}

// A NaN running min/max is replaced by the next sample and a number is never
// replaced by NaN, so the result is NaN only if every sample is NaN.
bool MinOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  double min = w.points[0].v;
  for (const Point& p : w.points) {
    if (p.v < min || std::isnan(min)) min = p.v;
  }
  *out = min;
  return true;
}

bool MaxOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  double max = w.points[0].v;
  for (const Point& p : w.points) {
    if (p.v > max || std::isnan(max)) max = p.v;
  }
  *out = max;
  return true;
}

bool SumOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  double sum = 0, c = 0;
  for (const Point& p : w.points) KahanAdd(p.v, &sum, &c);
  *out = std::isinf(sum) ? sum : sum + c;
  return true;
}

bool CountOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  *out = static_cast<double>(w.points.size());
  return true;
}

bool LastOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  *out = w.points.back().v;
  return true;
}

bool PresentOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  *out = 1;
  return true;
}

// phi = scalars[0]; out-of-range phi gives ±Inf (upstream also warns).
bool QuantileOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty() || w.scalars.empty()) return false;
  std::vector<double> values;
  values.reserve(w.points.size());
  for (const Point& p : w.points) values.push_back(p.v);
  *out = Quantile(w.scalars[0], values);
  return true;
}

namespace {

// Welford's online variance with Kahan-compensated mean and sum of squares.
double Variance(std::span<const Point> points) {
  double count = 0;
  double mean = 0, c_mean = 0;
  double aux = 0, c_aux = 0;
  for (const Point& p : points) {
    count++;
    const double delta = p.v - (mean + c_mean);
    KahanAdd(delta / count, &mean, &c_mean);
    KahanAdd(delta * (p.v - (mean + c_mean)), &aux, &c_aux);
  }
  return (aux + c_aux) / count;
}

}  // namespace

bool StddevOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  *out = std::sqrt(Variance(w.points));
  return true;
}

bool StdvarOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  *out = Variance(w.points);
  return true;
}

// Median absolute deviation: median(|v - median(v)|).
bool MadOverTime(const RangeWindow& w, double* out) {
  if (w.points.empty()) return false;
  std::vector<double> values;
  values.reserve(w.points.size());
  for (const Point& p : w.points) values.push_back(p.v);
  const double median = Quantile(0.5, values);
  values.clear();
  for (const Point& p : w.points) values.push_back(std::fabs(p.v - median));
  *out = Quantile(0.5, values);
  return true;
}

}  // namespace vigil::query::kernels_internal
