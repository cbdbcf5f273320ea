// PromQL evaluation throughput through query::Engine on the realistic
// generator's data.
//
// The dataset is built once per process (untimed) in a temporary directory
// under /tmp, removed at exit: 1,000 SeriesGenerator scrape targets of 48
// series (48,000 series, no churn so the counts below are exact; counter
// resets at the generator's default rate) scraped every 15 s for 2 h = 480
// rounds, 23.0M samples. After ingestion the chunks column family is
// compacted (DB::CompactChunks), as in select_bench, so most chunks are read
// from SST files; the 64 MiB block cache is warm after the first iteration.
// Queries end at the newest scrape round, so a 1 h range plus the 5 m rate
// window lies inside the data.
//
// The two expressions of the issue, with the generator's metric names:
//   SumRate: sum by (job) (rate(http_requests_total{status_code="200"}[5m]))
//     10,000 counter series (10 of each target's 20 http_requests_total
//     series have status_code="200": GET and POST), 6 jobs out.
//   HistogramQuantile: histogram_quantile(0.95, sum by (le)
//     (rate(http_request_duration_seconds_bucket[5m])))
//     1,000 classic histograms of 12 buckets = 12,000 bucket series.
// Each runs as a range query (1 h, 15 s step = 241 steps) and as an instant
// query at the end time.
//
// Counters: ms_per_query (wall time of one Engine call, result included),
// samples_per_query (samples in the chunks the query reads: every sample a storage
// SampleIterator handed to the engine, counted once per benchmark by running
// the query over a counting Queryable wrapper; the timed runs use the DB
// directly), samples_per_s = samples_per_query / seconds per query, and
// series (input series, checked against the numbers above).
//
// Each benchmark runs with query_threads 1 (serial) and 0 (all hardware
// threads): BM_RangeSumRate/1 and BM_RangeSumRate/0.
//
// Built with the other benches: ./build/bench/promql_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/series_gen.h"
#include "tools/ingest_generated.h"
#include "engine/chunk_decode.h"
#include "engine/db.h"
#include "query/engine.h"

namespace vigil {
namespace {

constexpr size_t kTargets = 1000;
constexpr size_t kSeries = kTargets * gen::SeriesGenerator::kSeriesPerTarget;  // 48,000
constexpr int64_t kRounds = 480;                                                // 2 h at 15 s
constexpr size_t kBatchSamples = 10000;
constexpr int64_t kHourMs = 3600 * 1000;
constexpr int64_t kStepMs = 15000;

constexpr const char* kSumRate = R"(sum by (job) (rate(http_requests_total{status_code="200"}[5m])))";
constexpr const char* kSumRateInput = R"(http_requests_total{status_code="200"})";
constexpr size_t kSumRateSeries = 10000;
constexpr const char* kHistQuantile =
    "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))";
constexpr const char* kHistQuantileInput = "http_request_duration_seconds_bucket";
constexpr size_t kHistQuantileSeries = 12000;

// ---- A Queryable that counts the samples storage iterators hand out. ----

struct SampleCounter {
  uint64_t samples = 0;
};

class CountingIterator final : public SampleIterator {
 public:
  CountingIterator(std::unique_ptr<SampleIterator> it, SampleCounter* c) : it_(std::move(it)), c_(c) {}
  bool Next() override { return Count(it_->Next()); }
  bool Seek(int64_t t_ms) override {
    // A Seek that stays on the current sample hands out nothing new.
    if (valid_ && it_->At().t >= t_ms) return true;
    return Count(it_->Seek(t_ms));
  }
  Sample At() const override { return it_->At(); }
  Status status() const override { return it_->status(); }

 private:
  bool Count(bool ok) {
    valid_ = ok;
    c_->samples += ok;
    return ok;
  }
  std::unique_ptr<SampleIterator> it_;
  SampleCounter* c_;
  bool valid_ = false;
};

class CountingSeries final : public Series {
 public:
  CountingSeries(const Series* s, SampleCounter* c) : s_(s), c_(c) {}
  const Labels& labels() const override { return s_->labels(); }
  std::unique_ptr<SampleIterator> NewIterator() const override {
    return std::make_unique<CountingIterator>(s_->NewIterator(), c_);
  }
  // The engine decodes chunks directly: count what they hold (untimed run).
  const std::vector<ChunkView>& chunks() const override {
    std::vector<Sample> tmp;
    for (const ChunkView& c : s_->chunks()) (void)AppendChunkSamples(c, INT64_MIN, INT64_MAX, false, &tmp);
    c_->samples += tmp.size();
    return s_->chunks();
  }

 private:
  const Series* s_;
  SampleCounter* c_;
};

class CountingSeriesSet final : public SeriesSet {
 public:
  CountingSeriesSet(std::unique_ptr<SeriesSet> set, SampleCounter* c) : set_(std::move(set)), c_(c) {}
  bool Next() override {
    if (!set_->Next()) return false;
    cur_ = std::make_unique<CountingSeries>(&set_->At(), c_);
    return true;
  }
  const Series& At() const override { return *cur_; }
  Status status() const override { return set_->status(); }

 private:
  std::unique_ptr<SeriesSet> set_;
  SampleCounter* c_;
  std::unique_ptr<CountingSeries> cur_;
};

class CountingQuerier final : public Querier {
 public:
  CountingQuerier(std::unique_ptr<Querier> q, SampleCounter* c) : q_(std::move(q)), c_(c) {}
  std::unique_ptr<SeriesSet> Select(const Matchers& matchers, bool sorted) override {
    return std::make_unique<CountingSeriesSet>(q_->Select(matchers, sorted), c_);
  }
  Result<std::vector<Labels>> SeriesLabels(const Matchers& matchers) override { return q_->SeriesLabels(matchers); }
  Result<std::vector<std::string>> LabelNames(const Matchers& matchers) override { return q_->LabelNames(matchers); }
  Result<std::vector<std::string>> LabelValues(std::string_view name, const Matchers& matchers) override {
    return q_->LabelValues(name, matchers);
  }

 private:
  std::unique_ptr<Querier> q_;
  SampleCounter* c_;
};

class CountingQueryable final : public Queryable {
 public:
  CountingQueryable(Queryable* inner, SampleCounter* c) : inner_(inner), c_(c) {}
  Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint_ms, int64_t maxt_ms) override {
    ASSIGN_OR_RETURN(auto q, inner_->NewQuerier(mint_ms, maxt_ms));
    return std::unique_ptr<Querier>(std::make_unique<CountingQuerier>(std::move(q), c_));
  }

 private:
  Queryable* inner_;
  SampleCounter* c_;
};

// ---- The dataset. ----

using Dataset = bench::BenchDb;

Status Build(Dataset* ds) {
  RETURN_IF_ERROR(bench::MakeBenchDir("vigil_promql_", &ds->dir));

  gen::GenOptions go;  // default start_ms: 800 s into a 2 h chunk window
  go.num_series = kSeries;
  go.churn_per_hour = 0;  // exact series counts
  gen::SeriesGenerator g(go);

  DbOptions o;
  o.retention_ms = 0;                // the data is in 2023; keep it
  o.sync_commits = false;            // durability is not what is measured here
  o.background_maintenance = false;  // no idle sealing between ingest and queries
  ASSIGN_OR_RETURN(ds->db, DB::Open(ds->dir + "/db", o));

  ASSIGN_OR_RETURN(tools::IngestSummary sum, tools::IngestGenerated(*ds->db, g, 0, kRounds, kBatchSamples));
  ds->samples = sum.samples;
  ds->maxt = sum.max_t;
  return ds->db->CompactChunks();
}

Dataset* GetDataset() {
  static Dataset* ds = [] {
    auto* d = new Dataset;
    auto t0 = std::chrono::steady_clock::now();
    Status st = Build(d);
    if (!st.ok()) {
      std::fprintf(stderr, "promql_bench: building the dataset failed: %s\n", st.ToString().c_str());
      std::exit(1);
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "promql_bench: dataset %zu series, %llu samples, built in %.1f s (%s)\n", kSeries,
                 static_cast<unsigned long long>(d->samples), s, d->dir.c_str());
    std::atexit([] { delete GetDataset(); });
    return d;
  }();
  return ds;
}

// Series matching `selector` over the query's data range.
size_t CountSeries(Dataset* ds, const char* selector, int64_t mint, int64_t maxt) {
  query::Engine engine;
  auto r = engine.InstantQuery(*ds->db, std::string("count(last_over_time(") + selector + "[" +
                                            std::to_string((maxt - mint) / 1000) + "s]))",
                               maxt);
  if (!r.ok() || r->vector.size() != 1) return 0;
  return static_cast<size_t>(r->vector[0].v);
}

struct QuerySpec {
  const char* expr;
  const char* input;
  size_t want_series;
  bool range;
};

Result<size_t> RunOnce(const query::Engine& engine, Queryable& storage, const QuerySpec& q, int64_t end) {
  if (q.range) {
    ASSIGN_OR_RETURN(auto r, engine.RangeQuery(storage, q.expr, end - kHourMs, end, kStepMs));
    return r.matrix.size();
  }
  ASSIGN_OR_RETURN(auto r, engine.InstantQuery(storage, q.expr, end));
  return r.vector.size();
}

// The benchmark's argument is EngineOptions::query_threads (1 = serial,
// 0 = the machine's hardware threads).
void RunQuery(benchmark::State& state, const QuerySpec& q) {
  Dataset* ds = GetDataset();
  query::EngineOptions eo;
  eo.query_threads = static_cast<size_t>(state.range(0));
  const query::Engine engine(eo);
  const int64_t end = ds->maxt;
  const int64_t window_start = (q.range ? end - kHourMs : end) - 5 * 60 * 1000;

  size_t series = CountSeries(ds, q.input, window_start, end);
  if (series != q.want_series) {
    state.SkipWithError(("unexpected input series count " + std::to_string(series)).c_str());
    return;
  }
  SampleCounter counter;
  CountingQueryable counting(ds->db.get(), &counter);
  auto out = RunOnce(engine, counting, q, end);
  if (!out.ok()) {
    state.SkipWithError(out.status().ToString().c_str());
    return;
  }
  const uint64_t samples_per_query = counter.samples;

  double seconds = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = RunOnce(engine, *ds->db, q, end);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(*r);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["series"] = static_cast<double>(series);
  state.counters["out_series"] = static_cast<double>(*out);
  state.counters["samples_per_query"] = static_cast<double>(samples_per_query);
  state.counters["ms_per_query"] = seconds * 1000 / n;
  state.counters["samples_per_s"] = static_cast<double>(samples_per_query) * n / seconds;
}

void BM_RangeSumRate(benchmark::State& state) {
  RunQuery(state, {kSumRate, kSumRateInput, kSumRateSeries, true});
}
BENCHMARK(BM_RangeSumRate)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(3);

void BM_RangeHistogramQuantile(benchmark::State& state) {
  RunQuery(state, {kHistQuantile, kHistQuantileInput, kHistQuantileSeries, true});
}
BENCHMARK(BM_RangeHistogramQuantile)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(3);

void BM_InstantSumRate(benchmark::State& state) {
  RunQuery(state, {kSumRate, kSumRateInput, kSumRateSeries, false});
}
BENCHMARK(BM_InstantSumRate)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(3);

void BM_InstantHistogramQuantile(benchmark::State& state) {
  RunQuery(state, {kHistQuantile, kHistQuantileInput, kHistQuantileSeries, false});
}
BENCHMARK(BM_InstantHistogramQuantile)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(3);

}  // namespace
}  // namespace vigil

BENCHMARK_MAIN();
