// Select + decode throughput through DB::NewQuerier / Querier::Select.
//
// The dataset is built once per process (untimed): 10,000 SeriesGenerator
// series (no churn) scraped every 15 s for 2 h = 480 samples per series,
// 4.8M samples. Timestamps sit at the generator's default offset into the
// 2 h chunk window, so each series has four chunks persisted in RocksDB
// (120+120+120+67 samples, the last cut at the window boundary) and one open
// head chunk (53 samples). After ingestion the chunks column family is
// compacted (DB::CompactChunks) so persisted chunks live in SST files, as
// they would hours later on a real server; the block cache is the default
// 64 MiB, warm after the first iteration.
//
// BM_SelectAll: a matcher selecting all 10k series ({__name__=~".+"}) over
// the whole 2 h, iterating every sample. BM_Select1k: the 1,040 series of
// {__name__="grpc_server_handled_total"}. items_per_second = samples/s (one
// thread); the reported time is ms per full select + decode. BM_SelectAllBulk:
// BM_SelectAll decoded as the query engine does (AppendChunkSamples).
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

namespace vigil {
namespace {

using bench::ProcessCpuSeconds;
using bench::RssBytes;
using bench::WallMs;


constexpr size_t kSeries = 10000;
constexpr int64_t kRounds = 480;  // 2 h at 15 s
constexpr int64_t kTwoHoursMs = 2LL * 3600 * 1000;
constexpr size_t kBatchSamples = 10000;


// The dataset: a DB in a temporary directory, removed at exit.
using Dataset = bench::BenchDb;

Status Build(Dataset* ds) {
  RETURN_IF_ERROR(bench::MakeBenchDir("vigil_select_", &ds->dir));

  gen::GenOptions go;
  go.num_series = kSeries;
  go.churn_per_hour = 0;  // exactly 480 samples per series
  // The generator's default offset into the 2 h window, 3 h in the past.
  go.start_ms = ((WallMs() - 3 * 3600 * 1000) / kTwoHoursMs) * kTwoHoursMs + 800'000;
  gen::SeriesGenerator g(go);

  DbOptions o;
  o.sync_commits = false;             // durability is not what is measured here
  o.background_maintenance = false;   // no idle sealing between ingest and queries
  ASSIGN_OR_RETURN(ds->db, DB::Open(ds->dir + "/db", o));

  ASSIGN_OR_RETURN(tools::IngestSummary sum, tools::IngestGenerated(*ds->db, g, 0, kRounds, kBatchSamples));
  ds->samples = sum.samples;
  ds->mint = sum.min_t;
  ds->maxt = sum.max_t;
  return ds->db->CompactChunks();
}

Dataset* GetDataset() {
  static Dataset* ds = [] {
    auto* d = new Dataset;
    Status st = Build(d);
    if (!st.ok()) {
      std::fprintf(stderr, "select_bench: building the dataset failed: %s\n", st.ToString().c_str());
      std::exit(1);
    }
    std::atexit([] { delete GetDataset(); });
    return d;
  }();
  return ds;
}

// bulk: decode as the query engine does, AppendChunkSamples per chunk into
// a vector, instead of Series::NewIterator.
void RunSelect(benchmark::State& state, const Matcher& matcher, bool bulk = false) {
  Dataset* ds = GetDataset();
  const Matchers matchers{matcher};
  uint64_t samples = 0, series = 0;
  double checksum = 0;
  for (auto _ : state) {
    auto q = ds->db->NewQuerier(ds->mint, ds->maxt);
    if (!q.ok()) {
      state.SkipWithError(q.status().ToString().c_str());
      return;
    }
    std::unique_ptr<SeriesSet> set = (*q)->Select(matchers);
    series = 0;
    uint64_t n = 0;
    std::vector<Sample> buf;
    while (set->Next()) {
      ++series;
      if (bulk) {
        buf.clear();
        for (const ChunkView& c : set->At().chunks()) {
          Status st = AppendChunkSamples(c, ds->mint, ds->maxt, /*skip_stale=*/false, &buf);
          if (!st.ok()) {
            state.SkipWithError(st.ToString().c_str());
            return;
          }
        }
        for (const Sample& s : buf) checksum += s.v;
        n += buf.size();
        continue;
      }
      std::unique_ptr<SampleIterator> it = set->At().NewIterator();
      while (it->Next()) {
        checksum += it->At().v;
        ++n;
      }
      if (!it->status().ok()) {
        state.SkipWithError(it->status().ToString().c_str());
        return;
      }
    }
    if (!set->status().ok()) {
      state.SkipWithError(set->status().ToString().c_str());
      return;
    }
    samples += n;
    benchmark::DoNotOptimize(checksum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(samples));
  state.counters["series"] = static_cast<double>(series);
  state.counters["samples_per_select"] = static_cast<double>(samples) / static_cast<double>(state.iterations());
}

void BM_SelectAll(benchmark::State& state) {
  RunSelect(state, Matcher::MustMake(MatchType::kRegexMatch, "__name__", ".+"));
}
BENCHMARK(BM_SelectAll)->Unit(benchmark::kMillisecond)->MinTime(3);

void BM_Select1k(benchmark::State& state) {
  RunSelect(state, Matcher::MustMake(MatchType::kEqual, "__name__", "grpc_server_handled_total"));
}
BENCHMARK(BM_Select1k)->Unit(benchmark::kMillisecond)->MinTime(3);

void BM_SelectAllBulk(benchmark::State& state) {
  RunSelect(state, Matcher::MustMake(MatchType::kRegexMatch, "__name__", ".+"), /*bulk=*/true);
}
BENCHMARK(BM_SelectAllBulk)->Unit(benchmark::kMillisecond)->MinTime(3);

}  // namespace
}  // namespace vigil

BENCHMARK_MAIN();
