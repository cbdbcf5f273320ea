// Head append throughput and head memory per active series.
//
// BM_HeadAppend/<series>/<rounds>/<sync>: a DB with `series` active series
// (SeriesGenerator data: 15 s scrapes, +-50 ms jitter, no churn so every ref
// stays valid) is set up untimed: the generator's scrape rounds are computed
// into memory, the DB is opened, and round 0 is appended with labels to create
// every series and learn its ref. The timed part then appends rounds
// 1..rounds-1 by ref from 2 threads (each owns half of the slots), committing
// every 10,000 samples, with durable commits (DbOptions::sync_commits, the
// default) unless sync=0 (a diagnostic variant).
//
// Counters: samples_per_s (overall, both threads), samples_per_cpu_s (per
// CPU-second of the whole process, RocksDB threads included: the per-core
// rate, robust to other load on the machine), commits, syncs (synced
// RocksDB writes: group commits share them), and memory: rss_index_B_per_series
// (RSS growth once every series exists with one sample, over the baseline taken
// before DB::Open) and rss_B_per_series (RSS growth after the timed rounds, when
// every series has a partly filled open chunk). The RocksDB block cache is
// 8 MiB (DbOptions::block_cache_bytes) so that it does not count as head memory;
// RocksDB memtables (up to 64 MiB x 2 per column family) do count.
// Background maintenance runs as on a real server; retention is the default
// (15 d) with timestamps placed at the current wall time.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/series_gen.h"
#include "engine/db.h"

namespace vigil {
namespace {

using bench::ProcessCpuSeconds;
using bench::RssBytes;
using bench::WallMs;


constexpr size_t kBatchSamples = 10000;
constexpr int kThreads = 2;
constexpr int64_t kTwoHoursMs = 2LL * 3600 * 1000;



// A fresh directory under /tmp, removed on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/vigil_head_append_XXXXXX";
    const char* p = mkdtemp(tmpl);
    if (p == nullptr) std::abort();
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Generator rounds kept in memory: one timestamp per scrape target and one
// value per slot, per round.
struct Rounds {
  size_t num_series = 0;
  std::vector<std::vector<int64_t>> ts;   // [round][target]
  std::vector<std::vector<double>> vals;  // [round][slot]
  int64_t t(int64_t r, size_t slot) const { return ts[r][slot / gen::SeriesGenerator::kSeriesPerTarget]; }
};

gen::GenOptions GenOpts(size_t num_series) {
  gen::GenOptions g;
  g.num_series = num_series;
  g.churn_per_hour = 0;  // refs taken at setup stay valid
  // Same offset into the 2 h chunk window as the generator's default start,
  // but at the current wall time, so retention sees fresh data.
  g.start_ms = (WallMs() / kTwoHoursMs) * kTwoHoursMs + 800'000 - kTwoHoursMs;
  return g;
}

Rounds Generate(gen::SeriesGenerator& g, int64_t rounds) {
  Rounds out;
  out.num_series = g.num_series();
  size_t targets = (g.num_series() + gen::SeriesGenerator::kSeriesPerTarget - 1) /
                   gen::SeriesGenerator::kSeriesPerTarget;
  out.ts.assign(rounds, std::vector<int64_t>(targets));
  out.vals.assign(rounds, std::vector<double>(g.num_series()));
  for (int64_t r = 0; r < rounds; ++r) {
    size_t slot = 0;
    g.ForEachSampleInRound(r, [&](const gen::GenSeries&, Sample x) {
      out.ts[r][slot / gen::SeriesGenerator::kSeriesPerTarget] = x.t;
      out.vals[r][slot++] = x.v;
    });
  }
  return out;
}

// Appends round 0 of slots [lo, hi) with labels, storing refs.
Status CreateSeries(DB& db, const gen::SeriesGenerator& g, const Rounds& data, size_t lo, size_t hi,
                    std::vector<SeriesRef>* refs) {
  std::unique_ptr<Appender> app = db.NewAppender();
  size_t pending = 0;
  for (size_t slot = lo; slot < hi; ++slot) {
    const gen::GenSeries& s = g.series(slot);
    std::vector<std::pair<std::string_view, std::string_view>> pairs(s.labels.begin(), s.labels.end());
    auto labels = Labels::FromPairs(std::move(pairs));
    if (!labels.ok()) return labels.status();
    auto ref = app->Append(0, *labels, data.t(0, slot), data.vals[0][slot]);
    if (!ref.ok()) return ref.status();
    (*refs)[slot] = *ref;
    if (++pending == kBatchSamples) {
      RETURN_IF_ERROR(app->Commit());
      app = db.NewAppender();
      pending = 0;
    }
  }
  return app->Commit();
}

struct AppendResult {
  Status status;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t commits = 0;
};

// Appends rounds [1, rounds) of slots [lo, hi) by ref, committing every
// kBatchSamples samples.
AppendResult AppendRounds(DB& db, const Rounds& data, const std::vector<SeriesRef>& refs, size_t lo,
                          size_t hi) {
  static const Labels kNoLabels;
  AppendResult res;
  std::unique_ptr<Appender> app = db.NewAppender();
  size_t pending = 0;
  auto commit = [&]() -> Status {
    RETURN_IF_ERROR(app->Commit());
    res.accepted += app->stats().accepted;
    res.rejected += app->stats().rejected();
    ++res.commits;
    app = db.NewAppender();
    pending = 0;
    return Status::OK();
  };
  for (size_t r = 1; r < data.vals.size(); ++r) {
    const std::vector<double>& vals = data.vals[r];
    for (size_t slot = lo; slot < hi; ++slot) {
      auto ref = app->Append(refs[slot], kNoLabels, data.t(r, slot), vals[slot]);
      if (!ref.ok()) {
        ++res.rejected;
        continue;
      }
      if (++pending == kBatchSamples) {
        res.status = commit();
        if (!res.status.ok()) return res;
      }
    }
  }
  res.status = commit();
  return res;
}

void BM_HeadAppend(benchmark::State& state) {
  const size_t num_series = static_cast<size_t>(state.range(0));
  const int64_t rounds = state.range(1);
  const bool sync = state.range(2) != 0;

  for (auto _ : state) {
    gen::SeriesGenerator g(GenOpts(num_series));
    Rounds data = Generate(g, rounds);
    std::vector<SeriesRef> refs(num_series, 0);
    TempDir dir;

    DbOptions o;
    o.sync_commits = sync;
    o.block_cache_bytes = 8ULL << 20;
    o.background_maintenance = true;
    // Return memory freed by earlier cases to the OS, so that what the DB
    // allocates shows up as RSS growth. Still, run each case in its own
    // process for memory figures (see docs/PERFORMANCE.md).
    malloc_trim(0);
    const uint64_t rss_base = RssBytes();
    auto db_or = DB::Open(dir.path() + "/db", o);
    if (!db_or.ok()) {
      state.SkipWithError(db_or.status().ToString().c_str());
      return;
    }
    std::unique_ptr<DB> db = std::move(db_or).value();

    // Setup: create every series (round 0), 2 threads.
    {
      Status errs[kThreads];
      std::vector<std::thread> threads;
      for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
          errs[i] = CreateSeries(*db, g, data, num_series * i / kThreads, num_series * (i + 1) / kThreads, &refs);
        });
      }
      for (auto& t : threads) t.join();
      for (const Status& st : errs) {
        if (!st.ok()) {
          state.SkipWithError(st.ToString().c_str());
          return;
        }
      }
    }
    const uint64_t rss_index = RssBytes();
    const DbStats before = db->stats();

    // Timed: rounds 1..rounds-1 by ref.
    AppendResult results[kThreads];
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (!go.load(std::memory_order_acquire)) {
        }
        results[i] = AppendRounds(*db, data, refs, num_series * i / kThreads, num_series * (i + 1) / kThreads);
      });
    }
    while (ready.load() < kThreads) {
    }
    const double cpu_start = ProcessCpuSeconds();
    auto start = std::chrono::steady_clock::now();
    go.store(true, std::memory_order_release);
    for (auto& t : threads) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = ProcessCpuSeconds() - cpu_start;
    state.SetIterationTime(seconds);

    const uint64_t rss_after = RssBytes();
    const DbStats after = db->stats();
    uint64_t accepted = 0, rejected = 0, commits = 0;
    for (const AppendResult& r : results) {
      if (!r.status.ok()) {
        state.SkipWithError(r.status.ToString().c_str());
        return;
      }
      accepted += r.accepted;
      rejected += r.rejected;
      commits += r.commits;
    }
    state.counters["series"] = static_cast<double>(num_series);
    state.counters["samples"] = static_cast<double>(accepted);
    state.counters["rejected"] = static_cast<double>(rejected);
    state.counters["samples_per_s"] = static_cast<double>(accepted) / seconds;
    state.counters["cpu_s"] = cpu_seconds;
    state.counters["samples_per_cpu_s"] = static_cast<double>(accepted) / cpu_seconds;
    state.counters["commits"] = static_cast<double>(commits);
    state.counters["commit_groups"] = static_cast<double>(after.commit_groups - before.commit_groups);
    state.counters["syncs"] = static_cast<double>(after.syncs - before.syncs);
    state.counters["chunks_persisted"] = static_cast<double>(after.chunks_persisted);
    state.counters["open_chunks"] = static_cast<double>(after.series_with_open_chunk);
    state.counters["rss_base_MiB"] = static_cast<double>(rss_base) / (1 << 20);
    state.counters["rss_index_B_per_series"] =
        (static_cast<double>(rss_index) - static_cast<double>(rss_base)) / static_cast<double>(num_series);
    state.counters["rss_B_per_series"] =
        (static_cast<double>(rss_after) - static_cast<double>(rss_base)) / static_cast<double>(num_series);
    state.counters["log_MiB"] = static_cast<double>(after.log_bytes) / (1 << 20);
    (void)db->Close();
  }
}

// {series, rounds (incl. the setup round 0), sync}. 100k series run 150
// rounds (every series cuts one full chunk, then has 29 samples open); 1M
// series run 60 rounds (60 samples open) to keep the run short. 200k x 60
// pairs with 1M x 60 for the marginal memory per series, which cancels
// RocksDB's fixed memtable and cache memory:
// (rss_B_per_series[1M] * 1M - rss_B_per_series[200k] * 200k) / 800k.
BENCHMARK(BM_HeadAppend)
    ->ArgNames({"series", "rounds", "sync"})
    ->Args({100'000, 150, 1})
    ->Args({200'000, 60, 1})
    ->Args({1'000'000, 60, 1})
    ->Args({100'000, 150, 0})
    ->Args({1'000'000, 60, 0})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil

BENCHMARK_MAIN();
