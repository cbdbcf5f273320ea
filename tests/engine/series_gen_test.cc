// SeriesGenerator: determinism, kind proportions, counter and histogram
// invariants, churn rate and jitter bounds.
#include "bench/series_gen.h"

#include <bit>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::gen {
namespace {

struct Round {
  std::vector<uint64_t> ids;
  std::vector<Sample> samples;
};

Round Collect(SeriesGenerator& g, int64_t round) {
  Round r;
  g.ForEachSampleInRound(round, [&](const GenSeries& s, Sample x) {
    r.ids.push_back(s.id);
    r.samples.push_back(x);
  });
  return r;
}

TEST(SeriesGen, Deterministic) {
  GenOptions opts{.num_series = 500, .seed = 7};
  SeriesGenerator a(opts), b(opts);
  for (int64_t round = 0; round < 50; ++round) {
    Round ra = Collect(a, round), rb = Collect(b, round);
    ASSERT_EQ(ra.ids, rb.ids);
    for (size_t i = 0; i < ra.samples.size(); ++i) {
      ASSERT_EQ(ra.samples[i].t, rb.samples[i].t);
      ASSERT_EQ(std::bit_cast<uint64_t>(ra.samples[i].v), std::bit_cast<uint64_t>(rb.samples[i].v));
    }
  }
  for (size_t i = 0; i < opts.num_series; ++i) ASSERT_EQ(a.series(i).labels, b.series(i).labels);
  // Replaying an earlier round gives the same samples.
  Round again = Collect(a, 10);
  SeriesGenerator c(opts);
  Round fresh = Collect(c, 10);
  EXPECT_EQ(again.ids, fresh.ids);
  EXPECT_EQ(again.samples[100].v, fresh.samples[100].v);
  // Another seed gives other data.
  SeriesGenerator d(GenOptions{.num_series = 500, .seed = 8});
  EXPECT_NE(Collect(d, 10).samples[20].v, fresh.samples[20].v);
}

TEST(SeriesGen, KindProportionsAndLabels) {
  SeriesGenerator g(GenOptions{.num_series = 4800});
  std::map<Kind, size_t> count;
  std::set<LabelPairs> unique;
  g.GenerateRound(0);
  for (size_t i = 0; i < g.num_series(); ++i) {
    const GenSeries& s = g.series(i);
    ++count[s.kind];
    EXPECT_EQ(s.kind, g.KindOf(i));
    ASSERT_TRUE(std::is_sorted(s.labels.begin(), s.labels.end()));
    ASSERT_EQ(s.labels.front().first, "__name__");
    unique.insert(s.labels);
  }
  EXPECT_EQ(unique.size(), g.num_series());
  auto frac = [&](Kind k) { return static_cast<double>(count[k]) / g.num_series(); };
  EXPECT_NEAR(frac(Kind::kCounter), 0.60, 0.02);
  EXPECT_NEAR(frac(Kind::kHistogramBucket), 0.25, 0.02);
  EXPECT_NEAR(frac(Kind::kGaugeFloat) + frac(Kind::kGaugeConst), 0.15, 0.02);
  EXPECT_NEAR(frac(Kind::kGaugeFloat), frac(Kind::kGaugeConst), 0.03);
}

TEST(SeriesGen, CountersAndHistogramsBehave) {
  GenOptions opts{.num_series = 960, .churn_per_hour = 0, .resets_per_day = 2};
  SeriesGenerator g(opts);
  std::vector<double> prev(opts.num_series, -1);
  size_t decreases = 0, counter_steps = 0, changed_gauges = 0;
  for (int64_t round = 0; round < 2000; ++round) {
    Round r = Collect(g, round);
    for (size_t i = 0; i < r.samples.size(); ++i) {
      double v = r.samples[i].v;
      Kind kind = g.KindOf(i);
      if (kind == Kind::kCounter || kind == Kind::kHistogramBucket) {
        ASSERT_EQ(v, std::floor(v));
        ASSERT_GE(v, 0);
        if (round > 0) {
          ++counter_steps;
          if (v < prev[i]) ++decreases;
        }
      }
      if (kind == Kind::kHistogramBucket && i % SeriesGenerator::kSeriesPerTarget != 0) {
        ASSERT_GE(v, r.samples[i - 1].v) << "buckets must be cumulative over le";
      }
      if (kind == Kind::kGaugeConst && round > 0) {
        ASSERT_EQ(v, prev[i]);
      }
      if (kind == Kind::kGaugeFloat && round > 0 && v != prev[i]) ++changed_gauges;
      prev[i] = v;
    }
  }
  // Resets only (about 2 per target per day): rare but present.
  EXPECT_GT(decreases, 0u);
  EXPECT_LT(static_cast<double>(decreases) / counter_steps, 1e-3);
  EXPECT_GT(changed_gauges, 0u);
}

TEST(SeriesGen, SeriesSamplesMatchRounds) {
  GenOptions opts{.num_series = 96, .churn_per_hour = 0};
  SeriesGenerator g(opts);
  std::vector<std::vector<Sample>> rounds(opts.num_series);
  for (int64_t round = 0; round < 130; ++round) {
    Round r = Collect(g, round);
    for (size_t i = 0; i < r.samples.size(); ++i) rounds[i].push_back(r.samples[i]);
  }
  for (size_t i = 0; i < opts.num_series; ++i) {
    std::vector<Sample> s = g.SeriesSamples(i, 130);
    ASSERT_EQ(s.size(), rounds[i].size());
    for (size_t k = 0; k < s.size(); ++k) {
      ASSERT_EQ(s[k].t, rounds[i][k].t);
      ASSERT_EQ(std::bit_cast<uint64_t>(s[k].v), std::bit_cast<uint64_t>(rounds[i][k].v)) << i << " " << k;
    }
  }
}

TEST(SeriesGen, ChurnAboutOnePercentPerHour) {
  GenOptions opts{.num_series = 9600};
  SeriesGenerator g(opts);
  const int64_t rounds = 24 * 3600 * 1000 / opts.interval_ms;  // one day
  g.GenerateRound(0);
  std::vector<uint64_t> ids(opts.num_series);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = g.series(i).id;
  size_t replaced = 0;
  for (int64_t round = 1; round < rounds; ++round) {
    g.GenerateRound(round);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (g.series(i).id != ids[i]) ++replaced, ids[i] = g.series(i).id;
    }
  }
  double per_hour = static_cast<double>(replaced) / opts.num_series / 24;
  EXPECT_GT(per_hour, 0.006);
  EXPECT_LT(per_hour, 0.015);
}

TEST(SeriesGen, JitterWithinBounds) {
  GenOptions opts{.num_series = 480, .interval_ms = 15000, .jitter_ms = 50};
  SeriesGenerator g(opts);
  std::vector<int64_t> last(opts.num_series, 0);
  std::set<int64_t> offsets;
  for (int64_t round = 0; round < 200; ++round) {
    Round r = Collect(g, round);
    for (size_t i = 0; i < r.samples.size(); ++i) {
      int64_t t = r.samples[i].t;
      int64_t from_grid = t - opts.start_ms - round * opts.interval_ms;
      ASSERT_GE(from_grid, -opts.jitter_ms);
      ASSERT_LT(from_grid, opts.interval_ms + opts.jitter_ms);
      if (round > 0) {
        ASSERT_GE(t - last[i], opts.interval_ms - 2 * opts.jitter_ms);
        ASSERT_LE(t - last[i], opts.interval_ms + 2 * opts.jitter_ms);
      }
      if (i % SeriesGenerator::kSeriesPerTarget != 0) {
        ASSERT_EQ(t, r.samples[i - 1].t) << "one scrape per target";
      }
      offsets.insert(t - last[i]);
      last[i] = t;
    }
  }
  EXPECT_GT(offsets.size(), 100u);  // jitter really varies
}

}  // namespace
}  // namespace vigil::gen
