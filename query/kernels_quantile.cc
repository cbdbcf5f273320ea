// Quantiles as Prometheus v2.53's promql/quantile.go computes them: the
// classic-histogram bucketQuantile (with coalesceBuckets and
// ensureMonotonicAndIgnoreSmallDeltas) and the sample quantile used by
// quantile() and quantile_over_time.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "query/kernels.h"

#pragma GCC optimize("fp-contract=off")

namespace vigil::query {
namespace {

// Relative deltas between successive buckets below this are treated as
// floating-point noise (upstream's smallDeltaTolerance).
constexpr double kSmallDeltaTolerance = 1e-12;

// util/almost.Equal.
bool AlmostEqual(double a, double b, double epsilon) {
  constexpr double kMinNormal = std::numeric_limits<double>::min();  // 0x0010000000000000
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

// Merges buckets with the same upper bound. REQUIRES: sorted, non-empty.
void CoalesceBuckets(std::vector<Bucket>& buckets) {
  Bucket last = buckets[0];
  size_t i = 0;
  for (size_t j = 1; j < buckets.size(); ++j) {
    const Bucket& b = buckets[j];
    if (b.upper_bound == last.upper_bound) {
      last.count += b.count;
    } else {
      buckets[i] = last;
      last = b;
      ++i;
    }
  }
  buckets[i] = last;
  buckets.resize(i + 1);
}

// Ignores numerically insignificant differences in either direction, then
// removes any decrease (the envelope). Neither updates `prev`.
void EnsureMonotonicAndIgnoreSmallDeltas(std::vector<Bucket>& buckets, double tolerance,
                                         bool* forced_monotonic, bool* fixed_precision) {
  double prev = buckets[0].count;
  for (size_t i = 1; i < buckets.size(); ++i) {
    const double curr = buckets[i].count;
    if (curr == prev) continue;
    if (AlmostEqual(prev, curr, tolerance)) {
      buckets[i].count = prev;
      *fixed_precision = true;
      continue;
    }
    if (curr < prev) {
      buckets[i].count = prev;
      *forced_monotonic = true;
      continue;
    }
    prev = curr;
  }
}

// Ascending with NaN first, like upstream's vectorByValueHeap.Less, but a
// strict weak order so std::sort stays well-defined.
bool ValueLess(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  if (std::isnan(b)) return false;
  return a < b;
}

}  // namespace

QuantileResult BucketQuantile(double q, std::vector<Bucket>& buckets) {
  QuantileResult r;
  if (std::isnan(q)) {
    r.value = NAN;
    return r;
  }
  if (q < 0) {
    r.value = -INFINITY;
    return r;
  }
  if (q > 1) {
    r.value = INFINITY;
    return r;
  }
  if (buckets.empty()) {  // upstream never gets here with no buckets
    r.value = NAN;
    return r;
  }
  // Upstream's comparator treats NaN bounds as equal to everything (order
  // unspecified); we sort NaN last, which then yields NaN below.
  std::stable_sort(buckets.begin(), buckets.end(), [](const Bucket& a, const Bucket& b) {
    if (std::isnan(a.upper_bound)) return false;
    if (std::isnan(b.upper_bound)) return true;
    return a.upper_bound < b.upper_bound;
  });
  const double top = buckets.back().upper_bound;
  if (!(std::isinf(top) && top > 0)) {
    r.value = NAN;
    return r;
  }

  CoalesceBuckets(buckets);
  bool forced_monotonic = false, fixed_precision = false;
  EnsureMonotonicAndIgnoreSmallDeltas(buckets, kSmallDeltaTolerance, &forced_monotonic,
                                      &fixed_precision);

  if (buckets.size() < 2) {
    r.value = NAN;
    return r;
  }
  const double observations = buckets.back().count;
  if (observations == 0) {
    r.value = NAN;
    return r;
  }
  r.forced_monotonic = forced_monotonic;
  r.fixed_precision = fixed_precision;
  double rank = q * observations;
  // sort.Search over [0, len-1): the first bucket with count >= rank.
  size_t lo = 0, hi = buckets.size() - 1;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (!(buckets[mid].count >= rank)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const size_t b = lo;

  if (b == buckets.size() - 1) {
    r.value = buckets[buckets.size() - 2].upper_bound;
    return r;
  }
  if (b == 0 && buckets[0].upper_bound <= 0) {
    r.value = buckets[0].upper_bound;
    return r;
  }
  double bucket_start = 0;
  const double bucket_end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    bucket_start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  r.value = bucket_start + (bucket_end - bucket_start) * (rank / count);
  return r;
}

double Quantile(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return NAN;
  if (q < 0) return -INFINITY;
  if (q > 1) return INFINITY;
  // Stable, so that -0 and +0 keep their input order as Go's insertion sort
  // does for the small inputs it sorts that way.
  std::stable_sort(values.begin(), values.end(), ValueLess);

  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower_index = std::max(0.0, std::floor(rank));
  const double upper_index = std::min(n - 1, lower_index + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower_index)] * (1 - weight) +
         values[static_cast<size_t>(upper_index)] * weight;
}

}  // namespace vigil::query
