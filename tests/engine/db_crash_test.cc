// Crash test: a child process (this binary, re-executed) appends and commits
// batches, reporting each acknowledged commit on a pipe; the parent SIGKILLs
// it at random moments, reopens the DB and checks that every acknowledged
// batch is there, whole, with nothing corrupt. 24 rounds.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

#include "engine/db.h"
#include "tests/testutil/db_util.h"
#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

constexpr int kSeries = 40;
constexpr int kSamplesPerSeries = 25;  // per batch: 1000 samples

// Batch b of round r: series s gets samples at t = (r*100000 + b) * 1000 + i
// for i < kSamplesPerSeries, value = r*1e6 + b*100 + s + i/100.
int64_t BatchTime(int round, int batch, int i) {
  return (static_cast<int64_t>(round) * 100000 + batch) * 1000 + i;
}
double BatchValue(int round, int batch, int s, int i) { return round * 1e6 + batch * 100.0 + s + i / 100.0; }
Labels SeriesLabels(int s) {
  return Labels::FromStrings({{"__name__", "crash_test"}, {"s", std::to_string(s)}});
}

DbOptions CrashOptions() {
  DbOptions o;
  o.retention_ms = 0;
  o.chunk_max_samples = 120;
  o.maintenance_interval_ms = 20;  // truncate and seal while being killed
  o.idle_seal_after_ms = 0;
  o.checkpoint_interval_ms = 30;
  return o;
}

// The child: runs until killed. Only active when re-executed by the parent.
TEST(DbCrashChild, Run) {
  const char* dir = std::getenv("VIGIL_CRASH_DIR");
  const char* fd_env = std::getenv("VIGIL_CRASH_ACK_FD");
  const char* round_env = std::getenv("VIGIL_CRASH_ROUND");
  if (!dir || !fd_env || !round_env) GTEST_SKIP() << "only run as the crash test's child";
  int fd = std::atoi(fd_env);
  int round = std::atoi(round_env);
  auto db = DB::Open(dir, CrashOptions());
  if (!db.ok()) {
    std::fprintf(stderr, "child open: %s\n", db.status().ToString().c_str());
    std::_Exit(3);
  }
  for (int batch = 0;; ++batch) {
    auto app = (*db)->NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      Labels l = SeriesLabels(s);
      for (int i = 0; i < kSamplesPerSeries; ++i) {
        if (!app->Append(0, l, BatchTime(round, batch, i), BatchValue(round, batch, s, i)).ok()) std::_Exit(4);
      }
    }
    if (!app->Commit().ok()) std::_Exit(5);
    std::string ack = std::to_string(batch) + "\n";
    if (write(fd, ack.data(), ack.size()) != static_cast<ssize_t>(ack.size())) std::_Exit(6);
  }
}

TEST(DbCrash, AcknowledgedCommitsSurviveSigkill) {
  testutil::TempDir dir;
  std::string db_dir = dir.Sub("db");
  std::mt19937 rng(42);
  std::map<int, std::set<int>> acked;  // round → acknowledged batches
  const int kRounds = 24;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      setenv("VIGIL_CRASH_DIR", db_dir.c_str(), 1);
      setenv("VIGIL_CRASH_ACK_FD", std::to_string(fds[1]).c_str(), 1);
      setenv("VIGIL_CRASH_ROUND", std::to_string(round).c_str(), 1);
      execl("/proc/self/exe", "db_crash_child", "--gtest_filter=DbCrashChild.Run", nullptr);
      std::_Exit(127);
    }
    close(fds[1]);
    // Let the child work for a random time (opening included), then kill.
    int run_ms = 30 + static_cast<int>(rng() % 400);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
    std::string buf;
    char chunk[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 5) > 0) {
        ssize_t n = read(fds[0], chunk, sizeof(chunk));
        if (n <= 0) break;
        buf.append(chunk, static_cast<size_t>(n));
      }
    }
    kill(pid, SIGKILL);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0) buf.append(chunk, static_cast<size_t>(n));
    close(fds[0]);
    size_t pos = 0, nl;
    while ((nl = buf.find('\n', pos)) != std::string::npos) {
      acked[round].insert(std::atoi(buf.substr(pos, nl - pos).c_str()));
      pos = nl + 1;
    }

    // Reopen and check every acknowledged batch, and that batches are whole.
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(db_dir, CrashOptions()));
    Status st;
    auto got = testutil::ReadAll(*db, {Matcher::MustMake(MatchType::kEqual, "__name__", "crash_test")},
                                 INT64_MIN, INT64_MAX, &st);
    ASSERT_OK(st);
    for (int s = 0; s < kSeries; ++s) {
      const auto& samples = got[SeriesLabels(s).ToString()];
      std::map<int64_t, double> by_t;
      for (const Sample& x : samples) by_t[x.t] = x.v;
      ASSERT_EQ(by_t.size(), samples.size()) << "duplicate timestamps";
      for (const auto& [r, batches] : acked) {
        for (int b : batches) {
          for (int i = 0; i < kSamplesPerSeries; ++i) {
            auto it = by_t.find(BatchTime(r, b, i));
            ASSERT_NE(it, by_t.end()) << "round " << r << " batch " << b << " series " << s << " lost";
            ASSERT_EQ(it->second, BatchValue(r, b, s, i));
          }
        }
      }
      // Whatever is stored (acknowledged or not) is whole batches of
      // correct values.
      ASSERT_EQ(samples.size() % kSamplesPerSeries, 0u);
      for (const Sample& x : samples) {
        int64_t key = x.t / 1000;
        int r = static_cast<int>(key / 100000), b = static_cast<int>(key % 100000), i = static_cast<int>(x.t % 1000);
        ASSERT_EQ(x.v, BatchValue(r, b, s, i));
      }
    }
  }
  size_t total = 0;
  for (auto& [r, b] : acked) total += b.size();
  EXPECT_GT(total, static_cast<size_t>(kRounds));  // the test did exercise commits
}

}  // namespace
}  // namespace vigil
