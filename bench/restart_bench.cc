// Restart after SIGKILL: time until DB::Open returns with 1M active series
// whose open chunks are full (119 samples each, nothing sealed), so that
// Open has to replay the whole redo log.
//
// The dataset is built by a child process (this binary re-executed with
// VIGIL_RESTART_CHILD_DIR set): it opens a DB with default options (durable
// commits, background maintenance, retention), appends 119 SeriesGenerator
// rounds (15 s apart, no churn) of 1M series from 2 threads in 10k-sample
// commits, reports "done" on a pipe and waits; the parent SIGKILLs it. The
// parent then times DB::Open once (manual time = seconds to open), and
// reports the RSS after open, the replayed sample and record counts and the
// series with open chunks. The page cache is warm (same machine, just
// written), as after a crash-restart; it is not dropped (needs root).
//
// Environment: VIGIL_RESTART_SERIES overrides the series count (for a quick
// small run, e.g. under a profiler).
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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


constexpr int64_t kRounds = 119;
constexpr size_t kDefaultSeries = 1'000'000;
constexpr size_t kBatchSamples = 10000;
constexpr int kThreads = 2;
constexpr int64_t kTwoHoursMs = 2LL * 3600 * 1000;

size_t NumSeries() {
  const char* env = std::getenv("VIGIL_RESTART_SERIES");
  return env != nullptr ? static_cast<size_t>(std::strtoull(env, nullptr, 10)) : kDefaultSeries;
}



// ---- Child: build the dataset, report, wait to be killed. ----

[[noreturn]] void Die(const char* what, const Status& st) {
  std::fprintf(stderr, "restart child: %s: %s\n", what, st.ToString().c_str());
  std::_Exit(3);
}

[[noreturn]] void RunChild(const std::string& dir, int ack_fd) {
  const size_t n = NumSeries();
  gen::GenOptions go;
  go.num_series = n;
  go.churn_per_hour = 0;
  // The generator's default offset into the 2 h window: 119 rounds stay in
  // one window, so no chunk is cut.
  go.start_ms = (WallMs() / kTwoHoursMs) * kTwoHoursMs + 800'000 - kTwoHoursMs;
  gen::SeriesGenerator g(go);

  // All rounds computed up front, so the threads only append.
  const size_t targets = (n + gen::SeriesGenerator::kSeriesPerTarget - 1) / gen::SeriesGenerator::kSeriesPerTarget;
  std::vector<std::vector<int64_t>> ts(kRounds, std::vector<int64_t>(targets));
  std::vector<std::vector<double>> vals(kRounds, std::vector<double>(n));
  for (int64_t r = 0; r < kRounds; ++r) {
    size_t slot = 0;
    g.ForEachSampleInRound(r, [&](const gen::GenSeries&, Sample x) {
      ts[r][slot / gen::SeriesGenerator::kSeriesPerTarget] = x.t;
      vals[r][slot++] = x.v;
    });
  }

  // Steady state, driven by a manual clock: rounds 15 s apart, a
  // maintenance round every minute (as the background thread would). With
  // checkpoints (the default) the log then holds what a real server's
  // would; without, Open replays every sample (the worst case).
  const bool checkpoints = std::getenv("VIGIL_RESTART_NO_CHECKPOINTS") == nullptr;
  ManualClock clock(go.start_ms);
  DbOptions opts;
  opts.clock = &clock;
  opts.background_maintenance = false;
  if (!checkpoints) opts.checkpoint_interval_ms = 0;
  auto db_or = DB::Open(dir, opts);
  if (!db_or.ok()) Die("open", db_or.status());
  std::unique_ptr<DB> db = std::move(db_or).value();

  const double cpu0 = ProcessCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<SeriesRef>> refs(kThreads);
  for (int64_t r = 0; r < kRounds; ++r) {
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        const size_t lo = n * i / kThreads, hi = n * (i + 1) / kThreads;
        if (refs[i].empty()) refs[i].assign(hi - lo, 0);
        std::unique_ptr<Appender> app = db->NewAppender();
        size_t pending = 0;
        for (size_t slot = lo; slot < hi; ++slot) {
          Labels labels;
          if (r == 0) {
            const gen::GenSeries& s = g.series(slot);
            std::vector<std::pair<std::string_view, std::string_view>> pairs(s.labels.begin(), s.labels.end());
            auto l = Labels::FromPairs(std::move(pairs));
            if (!l.ok()) Die("labels", l.status());
            labels = std::move(l).value();
          }
          auto ref = app->Append(refs[i][slot - lo], labels, ts[r][slot / gen::SeriesGenerator::kSeriesPerTarget],
                                 vals[r][slot]);
          if (!ref.ok()) Die("append", ref.status());
          refs[i][slot - lo] = *ref;
          if (++pending == kBatchSamples) {
            Status st = app->Commit();
            if (!st.ok()) Die("commit", st);
            app = db->NewAppender();
            pending = 0;
          }
        }
        Status st = app->Commit();
        if (!st.ok()) Die("commit", st);
      });
    }
    for (auto& t : threads) t.join();
    clock.Advance(15000);
    if (r % 4 == 3) {
      Status st = db->RunMaintenance();
      if (!st.ok()) Die("maintenance", st);
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu_secs = ProcessCpuSeconds() - cpu0;
  DbStats s = db->stats();
  std::fprintf(stderr,
               "restart child: %zu series x %lld rounds in %.1f s (%.2fM samples/s, %.2fM per CPU-s); open chunks %llu, "
               "chunks persisted %llu, log %.0f MiB\n",
               n, static_cast<long long>(kRounds), secs, static_cast<double>(n * kRounds) / secs / 1e6,
               static_cast<double>(n * kRounds) / cpu_secs / 1e6,
               static_cast<unsigned long long>(s.series_with_open_chunk),
               static_cast<unsigned long long>(s.chunks_persisted), static_cast<double>(s.log_bytes) / (1 << 20));
  const char kDone[] = "done\n";
  if (write(ack_fd, kDone, sizeof(kDone) - 1) != static_cast<ssize_t>(sizeof(kDone) - 1)) std::_Exit(6);
  while (true) pause();  // killed by the parent
}

// ---- Parent. ----

struct Dataset {
  std::string root;
  std::string db_dir;
  ~Dataset() {
    std::error_code ec;
    if (!root.empty()) std::filesystem::remove_all(root, ec);
  }
};

// Builds the dataset in a child and SIGKILLs it. Empty string on failure.
std::string BuildKilledDataset(Dataset* ds, bool with_checkpoints) {
  char tmpl[] = "/tmp/vigil_restart_XXXXXX";
  const char* p = mkdtemp(tmpl);
  if (p == nullptr) return "mkdtemp failed";
  ds->root = p;
  ds->db_dir = ds->root + "/db";
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    close(fds[0]);
    setenv("VIGIL_RESTART_CHILD_DIR", ds->db_dir.c_str(), 1);
    setenv("VIGIL_RESTART_ACK_FD", std::to_string(fds[1]).c_str(), 1);
    if (!with_checkpoints) setenv("VIGIL_RESTART_NO_CHECKPOINTS", "1", 1);
    execl("/proc/self/exe", "restart_bench_child", nullptr);
    std::_Exit(127);
  }
  close(fds[1]);
  std::string buf;
  char chunk[64];
  ssize_t r;
  while (buf.find("done\n") == std::string::npos && (r = read(fds[0], chunk, sizeof(chunk))) > 0) {
    buf.append(chunk, static_cast<size_t>(r));
  }
  close(fds[0]);
  kill(pid, SIGKILL);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  if (buf.find("done\n") == std::string::npos) return "child failed before finishing";
  if (!WIFSIGNALED(wstatus) || WTERMSIG(wstatus) != SIGKILL) return "child was not killed by SIGKILL";
  return "";
}

void BM_RestartAfterSigkill(benchmark::State& state) {
  Dataset ds;
  std::string err = BuildKilledDataset(&ds, state.range(0) != 0);
  if (!err.empty()) {
    state.SkipWithError(err.c_str());
    return;
  }
  for (auto _ : state) {
    const uint64_t rss_before = RssBytes();
    const double cpu0 = ProcessCpuSeconds();
    auto t0 = std::chrono::steady_clock::now();
    auto db = DB::Open(ds.db_dir, DbOptions());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu_secs = ProcessCpuSeconds() - cpu0;
    state.SetIterationTime(secs);
    if (!db.ok()) {
      state.SkipWithError(db.status().ToString().c_str());
      return;
    }
    const uint64_t rss_after = RssBytes();
    DbStats s = (*db)->stats();
    state.counters["open_s"] = secs;
    state.counters["open_cpu_s"] = cpu_secs;
    state.counters["series"] = static_cast<double>(s.series);
    state.counters["open_chunks"] = static_cast<double>(s.series_with_open_chunk);
    state.counters["chunks_persisted"] = static_cast<double>(s.chunks_persisted);
    state.counters["checkpointed_chunks_loaded"] = static_cast<double>(s.series_with_open_chunk);
    state.counters["samples_replayed"] = static_cast<double>(s.samples_replayed);
    state.counters["records_replayed"] = static_cast<double>(s.log_records_replayed);
    state.counters["replay_samples_per_s"] = static_cast<double>(s.samples_replayed) / secs;
    state.counters["log_MiB"] = static_cast<double>(s.log_bytes) / (1 << 20);
    state.counters["rss_after_open_MiB"] = static_cast<double>(rss_after) / (1 << 20);
    state.counters["rss_growth_MiB"] = (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / (1 << 20);
    (void)(*db)->Close();
  }
}
// Arg 1: steady state with checkpoints (default options); arg 0: no
// checkpoints, the whole log is replayed.
BENCHMARK(BM_RestartAfterSigkill)->Arg(1)->Arg(0)->ArgName("checkpoints")->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
}  // namespace vigil

int main(int argc, char** argv) {
  const char* child_dir = std::getenv("VIGIL_RESTART_CHILD_DIR");
  const char* ack_fd = std::getenv("VIGIL_RESTART_ACK_FD");
  if (child_dir != nullptr && ack_fd != nullptr) vigil::RunChild(child_dir, std::atoi(ack_fd));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
