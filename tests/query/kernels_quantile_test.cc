// BucketQuantile and Quantile: hand-computed edge cases plus the classic
// bucket cases of upstream v2.53 histograms.test and the quantile() cases of
// aggregators.test.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "query/kernels.h"
#include "tests/query/kernels_test_util.h"

namespace vigil::query::kernels_test {
namespace {

double BQ(double q, std::vector<Bucket> b) { return BucketQuantile(q, b).value; }

TEST(KernelBucketQuantile, QuantileOutOfRange) {
  const std::vector<Bucket> b = {{1, 1}, {INFINITY, 2}};
  EXPECT_TRUE(Same(-INFINITY, BQ(-0.1, b)));
  EXPECT_TRUE(Same(INFINITY, BQ(1.01, b)));
  EXPECT_TRUE(std::isnan(BQ(NAN, b)));
  // The q checks come first, even for unusable buckets.
  EXPECT_TRUE(Same(-INFINITY, BQ(-1, {{1, 1}})));
  EXPECT_TRUE(std::isnan(BQ(0.5, {})));
}

TEST(KernelBucketQuantile, NeedsInfBucketAndTwoBuckets) {
  EXPECT_TRUE(std::isnan(BQ(0.5, {{1, 1}, {2, 2}})));                // no +Inf
  EXPECT_TRUE(std::isnan(BQ(0.5, {{INFINITY, 5}})));                 // one bucket
  EXPECT_TRUE(std::isnan(BQ(0.5, {{INFINITY, 5}, {INFINITY, 1}})));  // coalesced to one
  EXPECT_TRUE(std::isnan(BQ(0.5, {{1, 0}, {INFINITY, 0}})));         // no observations
  EXPECT_TRUE(std::isnan(BQ(0.5, {{-INFINITY, 1}, {1, 2}})));        // -Inf is not +Inf
}

TEST(KernelBucketQuantile, Interpolation) {
  // Lowest bucket with a positive bound interpolates from 0.
  EXPECT_TRUE(Same(0.5, BQ(0.125, {{1, 2}, {2, 4}, {INFINITY, 8}})));
  EXPECT_TRUE(Same(1, BQ(0.25, {{1, 2}, {2, 4}, {INFINITY, 8}})));
  EXPECT_TRUE(Same(1.5, BQ(0.375, {{1, 2}, {2, 4}, {INFINITY, 8}})));
  // In the +Inf bucket: the second-highest bound.
  EXPECT_TRUE(Same(2, BQ(0.9, {{1, 2}, {2, 4}, {INFINITY, 8}})));
  // Lowest bucket with a bound <= 0: that bound.
  EXPECT_TRUE(Same(-1, BQ(0.1, {{-1, 2}, {2, 4}, {INFINITY, 4}})));
  EXPECT_TRUE(Same(0, BQ(0.1, {{0, 2}, {2, 4}, {INFINITY, 4}})));
  // q = 0 lands in the first bucket (count >= 0): 0 + 1 * (0 / 1) = 0, but
  // an empty first bucket interpolates 0 / 0 = NaN, as upstream does.
  EXPECT_TRUE(Same(0, BQ(0, {{1, 1}, {2, 4}, {INFINITY, 4}})));
  EXPECT_TRUE(std::isnan(BQ(0, {{1, 0}, {2, 4}, {INFINITY, 4}})));
  // Unsorted input is sorted (and reordered in place).
  std::vector<Bucket> b = {{INFINITY, 8}, {2, 4}, {1, 2}};
  EXPECT_TRUE(Same(0.5, BucketQuantile(0.125, b).value));
  EXPECT_EQ(b[0].upper_bound, 1);
}

TEST(KernelBucketQuantile, DuplicateBoundsAreCoalesced) {
  // {0.2: 1+1} → buckets 0.1:1, 0.2:3, +Inf:4 (histograms.test mixed_bucket).
  const std::vector<Bucket> b = {{0.1, 1}, {0.2, 1}, {0.2, 1}, {0.2, 1}, {INFINITY, 4}};
  EXPECT_TRUE(PromEq(0.15, BQ(0.5, b)));
  EXPECT_TRUE(PromEq(0.2, BQ(0.75, b)));
  EXPECT_TRUE(PromEq(0.2, BQ(1, b)));
}

TEST(KernelBucketQuantile, MonotonicityFlags) {
  std::vector<Bucket> b = {{1, 1000}, {2, 999.9999999999999}, {INFINITY, 1000}};
  QuantileResult r = BucketQuantile(0.5, b);
  EXPECT_TRUE(r.fixed_precision);
  EXPECT_FALSE(r.forced_monotonic);
  EXPECT_TRUE(Same(0.5, r.value));

  b = {{1, 10}, {2, 5}, {INFINITY, 20}};
  r = BucketQuantile(0.5, b);
  EXPECT_TRUE(r.forced_monotonic);
  EXPECT_FALSE(r.fixed_precision);
  // Envelope: 10, 10, 20 → rank 10 in the first bucket → 1.
  EXPECT_TRUE(Same(1, r.value));

  b = {{1, 10}, {2, 15}, {INFINITY, 20}};
  r = BucketQuantile(0.5, b);
  EXPECT_FALSE(r.forced_monotonic);
  EXPECT_FALSE(r.fixed_precision);
  // Flags are not reported when the answer is NaN for lack of data.
  b = {{1, 0}, {2, -1}, {INFINITY, 0}};
  r = BucketQuantile(0.5, b);
  EXPECT_TRUE(std::isnan(r.value));
  EXPECT_FALSE(r.forced_monotonic);
}

// histograms.test: classic buckets at 50m (index 10 of "0+<inc>x10").
TEST(KernelBucketQuantile, HistogramsTestRaw) {
  const std::vector<Bucket> pos = {{0.1, 50}, {.2, 70}, {1e0, 110}, {INFINITY, 120}};
  const std::vector<Bucket> neg = {{-.2, 10}, {-0.1, 20}, {0.3, 20}, {INFINITY, 30}};
  struct Case {
    double q, pos, neg;
  };
  const Case cases[] = {
      {-0.1, -INFINITY, -INFINITY},
      {1.01, INFINITY, INFINITY},
      {NAN, NAN, NAN},
      {0, 0, -0.2},
      {1, 1, 0.3},
      {0.2, 0.048, -0.2},
      {0.5, 0.15, -0.15},
      {0.8, 0.72, 0.3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.q);
    EXPECT_TRUE(PromEq(c.pos, BQ(c.q, pos)));
    EXPECT_TRUE(PromEq(c.neg, BQ(c.q, neg)));
  }
  const std::vector<Bucket> h2 = {{0, 0}, {2, 1}, {4, 2}, {6, 3}, {INFINITY, 3}};  // at 7m
  EXPECT_TRUE(PromEq(1, BQ(1. / 6., h2)));
  EXPECT_TRUE(PromEq(3, BQ(0.5, h2)));
  EXPECT_TRUE(PromEq(5, BQ(5. / 6., h2)));

  const std::vector<Bucket> nonmono = {{0.1, 20}, {1, 10},    {10, 50},
                                       {100, 40}, {1000, 90}, {INFINITY, 80}};
  EXPECT_TRUE(PromEq(0.0045, BQ(0.01, nonmono)));
  EXPECT_TRUE(PromEq(8.5, BQ(0.5, nonmono)));
  EXPECT_TRUE(PromEq(979.75, BQ(0.99, nonmono)));
  std::vector<Bucket> copy = nonmono;
  EXPECT_TRUE(BucketQuantile(0.5, copy).forced_monotonic);
}

// Bucket series → rate(...[range]) at t via the rate kernel → quantile.
struct BucketSeries {
  double le;
  const char* load;
};
std::vector<Bucket> RatedBuckets(const std::vector<BucketSeries>& series, int64_t t_ms,
                                 int64_t range_ms) {
  std::vector<Bucket> out;
  for (const BucketSeries& s : series) {
    out.push_back({s.le, *EvalRange("rate", LoadSeries(s.load, 5 * kMin), t_ms, range_ms)});
  }
  return out;
}

TEST(KernelBucketQuantile, HistogramsTestWithRate) {
  const std::vector<BucketSeries> pos = {
      {0.1, "0+5x10"}, {.2, "0+7x10"}, {1e0, "0+11x10"}, {INFINITY, "0+12x10"}};
  const std::vector<BucketSeries> neg = {
      {-.2, "0+1x10"}, {-0.1, "0+2x10"}, {0.3, "0+2x10"}, {INFINITY, "0+3x10"}};
  EXPECT_TRUE(PromEq(0.048, BQ(0.2, RatedBuckets(pos, 50 * kMin, 5 * kMin))));
  EXPECT_TRUE(PromEq(-0.2, BQ(0.2, RatedBuckets(neg, 50 * kMin, 5 * kMin))));
  EXPECT_TRUE(PromEq(0.15, BQ(0.5, RatedBuckets(pos, 50 * kMin, 5 * kMin))));
  EXPECT_TRUE(PromEq(-0.15, BQ(0.5, RatedBuckets(neg, 50 * kMin, 5 * kMin))));
  EXPECT_TRUE(PromEq(0.72, BQ(0.8, RatedBuckets(pos, 50 * kMin, 5 * kMin))));
  EXPECT_TRUE(PromEq(0.3, BQ(0.8, RatedBuckets(neg, 50 * kMin, 5 * kMin))));

  const std::vector<BucketSeries> h2 = {
      {0, "0+0x10"}, {2, "0+1x10"}, {4, "0+2x10"}, {6, "0+3x10"}, {INFINITY, "0+3x10"}};
  EXPECT_TRUE(PromEq(1, BQ(1. / 6., RatedBuckets(h2, 47 * kMin, 15 * kMin))));
  EXPECT_TRUE(PromEq(3, BQ(0.5, RatedBuckets(h2, 47 * kMin, 15 * kMin))));
  EXPECT_TRUE(PromEq(5, BQ(5. / 6., RatedBuckets(h2, 47 * kMin, 15 * kMin))));

  const std::vector<BucketSeries> empty = {{0.1, "0x10"}, {0.2, "0x10"}, {INFINITY, "0x10"}};
  EXPECT_TRUE(std::isnan(BQ(0.2, RatedBuckets(empty, 50 * kMin, 5 * kMin))));

  const std::vector<BucketSeries> mixed1 = {
      {0.1, "0+1x10"}, {0.2, "0+1x10"}, {2e-1, "0+1x10"}, {2.0e-1, "0+1x10"}, {INFINITY, "0+4x10"}};
  const std::vector<BucketSeries> mixed2 = {{INFINITY, "0+0x10"}, {INFINITY, "0+0x10"}};
  for (double q : {0.5, 0.75, 1.0}) {
    SCOPED_TRACE(q);
    EXPECT_TRUE(PromEq(q == 0.5 ? 0.15 : 0.2, BQ(q, RatedBuckets(mixed1, 50 * kMin, 5 * kMin))));
    EXPECT_TRUE(std::isnan(BQ(q, RatedBuckets(mixed2, 50 * kMin, 5 * kMin))));
  }
}

// histograms.test request_duration_seconds: per-series increments per 5m,
// summed by the given grouping as sum(rate(...[5m])) by (le, ...).
TEST(KernelBucketQuantile, HistogramsTestAggregated) {
  struct Series {
    const char* job;
    const char* instance;
    double inc[3];  // le=0.1, 0.2, +Inf
  };
  const Series series[] = {{"job1", "ins1", {1, 3, 4}},
                           {"job1", "ins2", {2, 5, 6}},
                           {"job2", "ins1", {3, 4, 6}},
                           {"job2", "ins2", {4, 7, 9}}};
  const double les[3] = {0.1, 0.2, INFINITY};
  auto grouped = [&](auto key) {
    std::map<std::string, std::vector<Bucket>> out;
    for (const Series& s : series) {
      auto& b = out[key(s)];
      if (b.empty()) b = {{les[0], 0}, {les[1], 0}, {les[2], 0}};
      for (int i = 0; i < 3; ++i) {
        const std::string load = "0+" + std::to_string(static_cast<int>(s.inc[i])) + "x10";
        b[i].count += *EvalRange("rate", LoadSeries(load, 5 * kMin), 50 * kMin, 5 * kMin);
      }
    }
    return out;
  };
  auto all = grouped([](const Series&) { return std::string(); });
  EXPECT_TRUE(PromEq(0.075, BQ(0.3, all[""])));
  EXPECT_TRUE(PromEq(0.1277777777777778, BQ(0.5, all[""])));

  auto by_instance = grouped([](const Series& s) { return std::string(s.instance); });
  EXPECT_TRUE(PromEq(0.075, BQ(0.3, by_instance["ins1"])));
  EXPECT_TRUE(PromEq(0.075, BQ(0.3, by_instance["ins2"])));
  EXPECT_TRUE(PromEq(0.1333333333, BQ(0.5, by_instance["ins1"])));
  EXPECT_TRUE(PromEq(0.125, BQ(0.5, by_instance["ins2"])));

  auto by_job = grouped([](const Series& s) { return std::string(s.job); });
  EXPECT_TRUE(PromEq(0.1, BQ(0.3, by_job["job1"])));
  EXPECT_TRUE(PromEq(0.0642857142857143, BQ(0.3, by_job["job2"])));
  EXPECT_TRUE(PromEq(0.14, BQ(0.5, by_job["job1"])));
  EXPECT_TRUE(PromEq(0.1125, BQ(0.5, by_job["job2"])));

  auto each = grouped([](const Series& s) { return std::string(s.job) + s.instance; });
  EXPECT_TRUE(PromEq(0.11, BQ(0.3, each["job1ins1"])));
  EXPECT_TRUE(PromEq(0.09, BQ(0.3, each["job1ins2"])));
  EXPECT_TRUE(PromEq(0.06, BQ(0.3, each["job2ins1"])));
  EXPECT_TRUE(PromEq(0.0675, BQ(0.3, each["job2ins2"])));
  EXPECT_TRUE(PromEq(0.15, BQ(0.5, each["job1ins1"])));
  EXPECT_TRUE(PromEq(0.13333333333333333, BQ(0.5, each["job1ins2"])));
  EXPECT_TRUE(PromEq(0.1, BQ(0.5, each["job2ins1"])));
  EXPECT_TRUE(PromEq(0.11666666666666667, BQ(0.5, each["job2ins2"])));
}

TEST(KernelQuantile, HandComputed) {
  std::vector<double> v = {3, 1, 2};
  EXPECT_TRUE(Same(2, Quantile(0.5, v)));
  EXPECT_EQ(v, (std::vector<double>{1, 2, 3}));  // sorted in place
  v = {3, 1, 2};
  EXPECT_TRUE(Same(1.5, Quantile(0.25, v)));
  v = {5};
  EXPECT_TRUE(Same(5, Quantile(0.99, v)));
  v = {};
  EXPECT_TRUE(std::isnan(Quantile(0.5, v)));
  v = {1, 2};
  EXPECT_TRUE(Same(-INFINITY, Quantile(-0.5, v)));
  EXPECT_TRUE(Same(INFINITY, Quantile(1.5, v)));
  EXPECT_TRUE(std::isnan(Quantile(NAN, v)));
  // NaN sorts first.
  v = {2, NAN, 1};
  EXPECT_TRUE(Same(1, Quantile(0.5, v)));
  EXPECT_TRUE(std::isnan(v[0]));
  v = {2, NAN, 1};
  EXPECT_TRUE(Same(2, Quantile(1, v)));
  v = {2, NAN, 1};
  EXPECT_TRUE(std::isnan(Quantile(0, v)));
  // Upstream always blends two neighbours: Inf * weight 0 is NaN.
  v = {-INFINITY, 0, INFINITY};
  EXPECT_TRUE(std::isnan(Quantile(0.5, v)));
  v = {-INFINITY, 0, INFINITY};
  EXPECT_TRUE(Same(-INFINITY, Quantile(0.25, v)));
}

// aggregators.test "Tests for quantile".
TEST(KernelQuantile, AggregatorsTest) {
  std::vector<double> two = {0, 1}, three = {0, 1, 2}, uneven = {0, 1, 4};
  EXPECT_TRUE(PromEq(0.8, Quantile(0.8, two)));
  EXPECT_TRUE(PromEq(1.6, Quantile(0.8, three)));
  EXPECT_TRUE(PromEq(2.8, Quantile(0.8, uneven)));
  EXPECT_TRUE(std::isnan(Quantile(NAN, two)));
  EXPECT_TRUE(std::isnan(Quantile(NAN, three)));
}

}  // namespace
}  // namespace vigil::query::kernels_test
