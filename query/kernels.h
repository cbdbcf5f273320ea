// Numeric kernels of PromQL functions, exactly as Prometheus 2.53 computes
// them (promql/functions.go, promql/quantile.go): range-vector functions over
// one window of samples, element-wise math and date functions, and the
// classic-bucket quantile. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "query/value.h"

namespace vigil::query {

// One step's window of a range-vector argument.
struct RangeWindow {
  std::span<const Point> points;  // samples in [range_start, range_end], ascending, no stale markers
  int64_t range_start = 0;        // ms: step time - offset - range
  int64_t range_end = 0;          // ms: step time - offset
  std::span<const double> scalars;  // the call's scalar arguments at this step, in order
  // ms: the step's evaluation time (Prometheus's enh.Ts). It differs from
  // range_end under `offset` and `@`. Only predict_linear reads it: the
  // regression intercept is taken at this time, as upstream does (see
  // functions.test "predict_linear(...[50m] @ 3000, 3600)" at 10m and 70m).
  // kStepTimeFromRangeEnd (the default) means "same as range_end", which is
  // right only without offset/@; the evaluator should always set it.
  static constexpr int64_t kStepTimeFromRangeEnd = std::numeric_limits<int64_t>::min();
  int64_t step_t = kStepTimeFromRangeEnd;
  // Set by a caller that knows no sample in the window is below its
  // predecessor (by `<`, so NaNs never count): rate and increase then skip
  // their counter-reset pass, which would add nothing. false is always safe.
  bool no_resets = false;
};

// Computes the function at one step. Returns false for "no sample".
// Every kernel returns false for an empty window (upstream does not call the
// function then); rate/increase/delta/irate/idelta/deriv/predict_linear/
// holt_winters also need at least two samples. Scalar arguments come in call
// order without the range argument: predict_linear [t], holt_winters [sf,
// tf], quantile_over_time [phi]. rate divides by range_end - range_start (as
// Go's Duration.Seconds()), so a zero range gives ±Inf/NaN as upstream.
using RangeKernel = bool (*)(const RangeWindow& w, double* out);
// rate, increase, delta, irate, idelta, deriv, predict_linear, changes,
// resets, holt_winters, {avg,min,max,sum,count,last,present,quantile,
// stddev,stdvar,mad}_over_time. nullptr for other names.
RangeKernel LookupRangeKernel(std::string_view name);

// holt_winters's argument check. Upstream fails the whole query (panic →
// error) when the function runs with sf or tf outside (0, 1); NaN passes, as
// upstream's `sf <= 0 || sf >= 1` test does. Returns "" when valid, else
// upstream's message, e.g. "invalid smoothing factor. Expected: 0 < sf < 1,
// got: 1.500000". The evaluator calls this at each step where the series has
// samples in its window, before the kernel; the kernel itself returns false
// for invalid factors.
std::string HoltWintersArgsError(double sf, double tf);

// Element-wise function of an instant-vector value with the call's scalar
// arguments (clamp's min/max, round's to_nearest, ...). abs, ceil, floor,
// exp, sqrt, ln, log2, log10, round, clamp, clamp_min, clamp_max, sgn, the
// trig functions, deg, rad, and the date functions (value = Unix seconds).
//
// round: scalars [to_nearest] or []; clamp: [min, max]; clamp_min: [min];
// clamp_max: [max]. Min/max follow Go's math.Min/Max (NaN wins, except that
// an infinity of the right sign wins over NaN). Date functions truncate v to
// int64 seconds like Go's int64(v) on amd64 (NaN/out of range → INT64_MIN)
// and compute in UTC with Go 1.22's calendar; for the no-argument forms
// (year() ...) pass v = step time in ms / 1000.
using ElementKernel = double (*)(double v, std::span<const double> scalars);
ElementKernel LookupElementKernel(std::string_view name);

// clamp(v, min, max) returns an empty vector when max < min (upstream); the
// evaluator checks this per step before applying the clamp kernel.
bool ClampYieldsEmpty(double min, double max);

// A classic histogram bucket: upper bound (le) and cumulative count.
struct Bucket {
  double upper_bound = 0;
  double count = 0;
};
struct QuantileResult {
  double value = 0;
  // Counts decreased and were raised to the envelope; upstream then adds the
  // info annotation "input to histogram_quantile needed to be fixed for
  // monotonicity". Only set when `value` comes from interpolation.
  bool forced_monotonic = false;
  // Relative differences below 1e-12 were treated as precision loss and
  // ignored (upstream reports nothing for this).
  bool fixed_precision = false;
};
// Prometheus's bucketQuantile: q NaN → NaN, q < 0 → -Inf, q > 1 → +Inf (in
// that order, before looking at buckets); sorts by upper bound; NaN unless
// the highest bound is +Inf; merges equal bounds (summing counts); fixes
// non-monotonic counts; NaN with fewer than two buckets or zero
// observations; the +Inf bucket answers the second-highest bound; a lowest
// bucket with bound <= 0 answers that bound, otherwise its lower bound is 0;
// else linear interpolation. `buckets` is reordered and may be rewritten.
// Empty `buckets` → NaN (upstream never calls it so).
QuantileResult BucketQuantile(double q, std::vector<Bucket>& buckets);

// Kahan-Babuska-Neumaier summation step as Prometheus's kahanSumInc: adds
// `inc` to `*sum`, accumulating the lost low-order part in `*c`; an infinite
// sum resets `*c` to 0. Callers finish with `isinf(sum) ? sum : sum + c`.
void KahanAdd(double inc, double* sum, double* c);

// Prometheus's quantile over values (for quantile() and
// quantile_over_time): empty or q NaN → NaN, q < 0 → -Inf, q > 1 → +Inf;
// else sorts ascending with NaN first and blends the two neighbours of rank
// q * (n - 1) (so an infinite neighbour with weight 0 still gives NaN).
// `values` is reordered.
double Quantile(double q, std::vector<double>& values);

}  // namespace vigil::query
