// Deterministic, realistic synthetic series for benchmarks, tests and the
// demo: Prometheus-like scrape targets of 48 series each (60% counters, 25%
// classic histogram buckets, 15% gauges), scraped every interval with
// per-target jitter, with counter resets and target churn. The same options
// and seed give the same samples on every machine (own PRNG, no std
// distributions). A SeriesGenerator is single-owner (not thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/sample.h"

namespace vigil::gen {

enum class Kind : uint8_t {
  kCounter,          // integral, Poisson increments, reset to 0 on target restart
  kHistogramBucket,  // <name>_bucket{le=...}: integral, cumulative over le, monotone
  kGaugeFloat,       // fixed-decimal random walk with 3-4 significant digits
  kGaugeConst,       // never changes (up, build_info, limits)
};
inline constexpr int kNumKinds = 4;
std::string_view KindName(Kind kind);

struct GenOptions {
  size_t num_series = 10000;            // series alive at any time (slots)
  int64_t start_ms = 1'700'000'000'000;
  int64_t interval_ms = 15000;          // scrape interval
  int64_t jitter_ms = 50;               // uniform +-jitter per scrape; clamped below interval/2
  double churn_per_hour = 0.01;         // fraction of series replaced per hour
  double resets_per_day = 0.5;          // target restarts (counter resets) per target per day
  uint64_t seed = 1;
};

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

struct GenSeries {
  uint64_t id = 0;    // unique across churn: (generation << 32) | slot
  LabelPairs labels;  // sorted by name, __name__ included
  Kind kind = Kind::kCounter;
};

class SeriesGenerator {
 public:
  // Series are grouped into scrape targets of this many slots: positions
  // 0-11 one histogram family (12 buckets), 12-40 counters, 41-47 gauges
  // (4 float, 3 constant). Targets share a timestamp per round.
  static constexpr size_t kSeriesPerTarget = 48;

  explicit SeriesGenerator(GenOptions options);

  const GenOptions& options() const { return opts_; }
  size_t num_series() const { return opts_.num_series; }
  Kind KindOf(size_t slot) const;

  // Computes scrape round `round` (t ~ start + target offset + round *
  // interval + jitter) and calls fn(const GenSeries&, Sample) for every slot
  // in slot order. Rounds are cheapest in increasing order: later rounds are
  // fast-forwarded, an earlier one replays from round 0. The GenSeries
  // reference is valid until the next round is generated.
  template <typename Fn>
  void ForEachSampleInRound(int64_t round, Fn&& fn) {
    GenerateRound(round);
    for (size_t i = 0; i < opts_.num_series; ++i) {
      fn(series_[i], Sample{ts_[i / kSeriesPerTarget], values_[i]});
    }
  }
  // Advances the state to `round` without calling anything.
  void GenerateRound(int64_t round);
  // The series in `slot` as of the last generated round.
  const GenSeries& series(size_t slot) const { return series_[slot]; }

  // Rounds 0..rounds-1 of one slot's first series, ignoring churn (the slot
  // keeps its generation-0 series). Matches ForEachSampleInRound for as long
  // as that slot has not churned. Independent of generator state.
  std::vector<Sample> SeriesSamples(size_t slot, int64_t rounds) const;

  // Per-slot and per-target simulation state (public for the .cc helpers).
  struct Slot {
    uint64_t rng = 0;
    int64_t state = 0;      // counter: count; float gauge: scaled integer m
    double lambda = 0;      // counter: mean increments per round
    double exp_neg_lambda = 0;
    int64_t lo = 0, hi = 0, step = 0;  // float gauge walk bounds and max step
    int32_t scale = 0;      // float gauge: value = m / 10^scale (or m * 10^-scale)
    double value = 0;       // current value
  };
  struct Family {
    uint64_t rng = 0;
    double lambda = 0, exp_neg_lambda = 0;
    double cond[11] = {};  // P(obs <= le[j] | obs <= le[j+1])
    int64_t cum[12] = {};  // cumulative bucket counts
  };

 private:
  void Restart();
  void InitTarget(size_t target);
  void StepRound(int64_t round);

  GenOptions opts_;
  int64_t next_round_ = 0;
  std::vector<GenSeries> series_;
  std::vector<Slot> slots_;
  std::vector<Family> families_;     // one per target
  std::vector<uint32_t> gens_;       // generation per target
  std::vector<int64_t> ts_;          // timestamp per target, current round
  std::vector<double> values_;       // value per slot, current round
};

}  // namespace vigil::gen
