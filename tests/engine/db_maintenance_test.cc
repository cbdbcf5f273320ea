// Group commit, log truncation and retention, each with a test that fails
// when the mechanism breaks.
#include <gtest/gtest.h>

#include <thread>

#include "engine/db.h"
#include "tests/testutil/db_util.h"
#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

using testutil::AllSeries;
using testutil::ReadAll;
using testutil::TempDir;

TEST(DbMaintenance, ConcurrentCommittersShareSyncs) {
  TempDir dir;
  DbOptions o;
  o.background_maintenance = false;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), o));
  const int kThreads = 8, kCommits = 60;
  uint64_t syncs_before = db->stats().syncs;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      Labels l = Labels::FromStrings({{"__name__", "m"}, {"thread", std::to_string(th)}});
      for (int i = 0; i < kCommits; ++i) {
        auto app = db->NewAppender();
        if (!app->Append(0, l, i, i).ok() || !app->Commit().ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  uint64_t syncs = db->stats().syncs - syncs_before;
  // Every commit is durable, yet commits that queue behind a sync share the
  // next one: strictly fewer syncs than commits.
  EXPECT_LT(syncs, static_cast<uint64_t>(kThreads * kCommits));
  EXPECT_GT(syncs, 0u);
  auto got = ReadAll(*db, AllSeries());
  ASSERT_EQ(got.size(), static_cast<size_t>(kThreads));
  for (auto& [name, samples] : got) EXPECT_EQ(samples.size(), static_cast<size_t>(kCommits)) << name;
}

TEST(DbMaintenance, LogStaysBoundedWithIdleSeries) {
  TempDir dir;
  ManualClock clock(1'000'000'000'000);
  DbOptions o;
  o.background_maintenance = false;
  o.clock = &clock;
  o.retention_ms = 0;
  o.checkpoint_interval_ms = 0;  // this test is about truncation by open chunks
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), o));
  const int kSeries = 50;
  uint64_t max_kept = 0;
  for (int round = 0; round < 2000; ++round) {
    auto app = db->NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      // Half of the series stop after round 300 and never come back.
      if (s % 2 == 1 && round > 300) continue;
      // Staggered starts so chunk cuts do not line up.
      if (round < s) continue;
      Labels l = Labels::FromStrings({{"__name__", "m"}, {"s", std::to_string(s)}});
      ASSERT_TRUE(app->Append(0, l, clock.NowMs(), round).ok());
    }
    ASSERT_OK(app->Commit());
    clock.Advance(15000);
    if (round % 4 == 0) ASSERT_OK(db->RunMaintenance());  // once a minute
    DbStats st = db->stats();
    max_kept = std::max(max_kept, st.next_seq - st.log_start_seq);
  }
  // One record per round: the log holds at most one open chunk's worth
  // (120 rounds) plus the idle timeout (60 rounds) plus slack, never all
  // 2000 rounds. Without truncation or idle sealing this fails.
  EXPECT_LE(max_kept, 120u + 60u + 10u);
  DbStats st = db->stats();
  EXPECT_LE(st.next_seq - st.log_start_seq, 125u);
  // And everything is still readable, before and after a restart.
  auto before = ReadAll(*db, AllSeries());
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), o));
  EXPECT_EQ(ReadAll(*db, AllSeries()), before);
  size_t total = 0, want_total = 0;
  for (auto& [n, v] : before) total += v.size();
  for (int s = 0; s < kSeries; ++s) want_total += s % 2 == 0 ? 2000 - s : 301 - s;
  EXPECT_EQ(total, want_total);
}

TEST(DbMaintenance, CheckpointsKeepTheLogShortAndRestartFast) {
  TempDir dir;
  ManualClock clock(140000LL * 7'200'000);  // 2h-aligned: no boundary cut in this hour
  DbOptions o;
  o.background_maintenance = false;
  o.clock = &clock;
  o.retention_ms = 0;
  o.checkpoint_interval_ms = 5 * 60 * 1000;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), o));
  const int kSeries = 100, kRounds = 240;  // 1 h at 15 s: chunks never fill (120)...
  uint64_t max_kept = 0;
  for (int round = 0; round < kRounds; ++round) {
    auto app = db->NewAppender();
    for (int s = 0; s < kSeries; ++s) {
      Labels l = Labels::FromStrings({{"__name__", "m"}, {"s", std::to_string(s)}});
      // ...except every 7th series, whose odd values make 1 KiB cuts likely.
      double v = s % 7 == 0 ? round * 1.000123456789 + s : round;
      ASSERT_TRUE(app->Append(0, l, clock.NowMs() + s, v).ok());
    }
    ASSERT_OK(app->Commit());
    clock.Advance(15000);
    if (round % 4 == 3) ASSERT_OK(db->RunMaintenance());
    DbStats st = db->stats();
    max_kept = std::max(max_kept, st.next_seq - st.log_start_seq);
  }
  DbStats st = db->stats();
  EXPECT_GT(st.chunks_checkpointed, 0u);
  // Two checkpoint intervals (40 rounds) plus a maintenance period: without
  // checkpoints the log would hold a whole 120-sample chunk (120 rounds).
  EXPECT_LE(max_kept, 2 * 20u + 4u + 1u);
  auto before = ReadAll(*db, AllSeries());
  db.reset();  // no seal: the next open must resume checkpointed chunks
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), o));
  EXPECT_LE(db->stats().samples_replayed, static_cast<uint64_t>(kSeries) * 45);
  EXPECT_EQ(ReadAll(*db, AllSeries()), before);
  // Appending continues the resumed chunks: cuts stay at 120 samples.
  auto app = db->NewAppender();
  for (int s = 0; s < kSeries; ++s) {
    Labels l = Labels::FromStrings({{"__name__", "m"}, {"s", std::to_string(s)}});
    ASSERT_TRUE(app->Append(0, l, clock.NowMs() + s, 1).ok());
  }
  ASSERT_OK(app->Commit());
  ASSERT_OK_AND_ASSIGN(auto q, db->NewQuerier(INT64_MIN, INT64_MAX));
  auto set = q->Select({Matcher::MustMake(MatchType::kEqual, "s", "1")});
  ASSERT_TRUE(set->Next());
  std::vector<int64_t> starts;
  for (const ChunkView& c : set->At().chunks()) starts.push_back(c.min_t);
  ASSERT_EQ(starts.size(), 3u);  // 120 + 120 + 1
  EXPECT_EQ(starts[1] - starts[0], 120 * 15000);
}

TEST(DbMaintenance, RetentionDropsOldChunksAndEmptySeries) {
  TempDir dir;
  const int64_t kDay = 24 * 3600 * 1000LL;
  ManualClock clock(100 * kDay);
  DbOptions o;
  o.background_maintenance = false;
  o.clock = &clock;
  o.retention_ms = 15 * kDay;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), o));
  Labels old_series = Labels::FromStrings({{"__name__", "old"}});
  Labels live_series = Labels::FromStrings({{"__name__", "live"}});
  // "old" has data from day 70 to day 80; "live" from day 70 to day 100.
  for (int64_t t = 70 * kDay; t <= 100 * kDay; t += 3600 * 1000) {
    auto app = db->NewAppender();
    if (t <= 80 * kDay) {
      ASSERT_TRUE(app->Append(0, old_series, t, 1).ok());
    }
    ASSERT_TRUE(app->Append(0, live_series, t, 2).ok());
    ASSERT_OK(app->Commit());
  }
  ASSERT_OK(db->SealHead());
  ASSERT_OK(db->CompactChunks());
  ASSERT_OK(db->RunMaintenance());
  auto got = ReadAll(*db, AllSeries());
  ASSERT_EQ(got.size(), 1u);
  const auto& live = got[live_series.ToString()];
  ASSERT_FALSE(live.empty());
  // Chunks are dropped whole: nothing from a chunk ending before the cutoff.
  EXPECT_GE(live.back().t, 100 * kDay - 1);
  // Chunks here span one 2h window: the first kept one ends at or after
  // the cutoff (day 85).
  EXPECT_LE(live.front().t, 85 * kDay);
  EXPECT_GE(live.front().t, 85 * kDay - 2 * 3600 * 1000);
  ASSERT_OK_AND_ASSIGN(auto q, db->NewQuerier(0, 200 * kDay));
  EXPECT_EQ(*q->LabelValues("__name__", {}), (std::vector<std::string>{"live"}));
  EXPECT_EQ(db->stats().series_collected, 1u);
  // The collection is durable.
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), o));
  EXPECT_EQ(db->stats().series, 1u);
}

}  // namespace
}  // namespace vigil
