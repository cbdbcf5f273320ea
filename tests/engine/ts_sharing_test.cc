// Shared timestamp streams in the store: series scraped together store one
// stream per chunk; retention drops streams; a chunk whose stream is gone is
// skipped, not an error; restarts (checkpoints, log replay) resume split open
// chunks exactly, so the stored bytes equal an uninterrupted run's.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/base/coding.h"
#include "engine/chunk/xor_chunk.h"
#include "engine/db.h"
#include "engine/store/keys.h"
#include "engine/store/rocks_store.h"
#include "tests/testutil/db_util.h"
#include "tests/testutil/testutil.h"

namespace vigil {
namespace {

using engine::Cf;
using engine::RocksStore;
using testutil::AllSeries;
using testutil::ReadAll;
using testutil::TempDir;

// One minute into a 2h window: 240 scrapes stay inside it.
constexpr int64_t kStart = 140000LL * 7'200'000 + 60'000;

// Every key → value of a family, read with the DB closed.
std::map<std::string, std::string> Dump(const std::string& dir, Cf cf) {
  std::map<std::string, std::string> out;
  auto store = RocksStore::Open(dir, engine::StoreOptions{});
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return out;
  auto it = (*store)->NewIterator(cf);
  for (it->Seek(""); it->Valid(); it->Next()) out.emplace(it->key(), it->value());
  EXPECT_TRUE(it->status().ok());
  return out;
}

DbOptions Options(const Clock* clock) {
  DbOptions o;
  o.background_maintenance = false;
  o.clock = clock;
  o.retention_ms = 0;
  o.idle_seal_after_ms = 1LL << 50;  // cuts come from timestamps only
  return o;
}

// Appends `rounds` scrapes of targets {a, b} (3 series each, shared jitter
// per target and scrape) starting at round `from`.
void Scrape(DB& db, int from, int rounds) {
  for (int r = from; r < from + rounds; ++r) {
    auto app = db.NewAppender();
    for (int target = 0; target < 2; ++target) {
      int64_t t = kStart + r * 15000LL + ((r * 37 + target * 11) % 101) - 50;
      for (int s = 0; s < 3; ++s) {
        Labels l = Labels::FromStrings({{"__name__", "m" + std::to_string(s)}, {"job", target ? "b" : "a"}});
        double v = s == 0 ? r : s == 1 ? r * 0.37 + target : (r % 5) * 1.000123456789;
        ASSERT_TRUE(app->Append(0, l, t, v).ok());
      }
    }
    ASSERT_OK(app->Commit());
  }
}

TEST(TsSharing, SeriesOfATargetStoreOneStreamPerChunk) {
  TempDir dir;
  ManualClock clock(kStart);
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), Options(&clock)));
  Scrape(*db, 0, 240);  // 2 chunks of 120 per series
  ASSERT_OK(db->SealHead());
  auto before = ReadAll(*db, AllSeries());
  ASSERT_EQ(before.size(), 6u);
  for (auto& [name, samples] : before) EXPECT_EQ(samples.size(), 240u) << name;
  DbStats st = db->stats();
  EXPECT_EQ(st.ts_streams_written, 4u);  // 2 targets x 2 chunks
  EXPECT_EQ(st.ts_streams_shared, 8u);   // the other 2 series of each
  db.reset();
  EXPECT_EQ(Dump(dir.path(), Cf::kChunks).size(), 12u);
  EXPECT_EQ(Dump(dir.path(), Cf::kTimestamps).size(), 4u);
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), Options(&clock)));
  EXPECT_EQ(ReadAll(*db, AllSeries()), before);
}

TEST(TsSharing, ChunkWithMissingStreamIsSkipped) {
  TempDir dir;
  ManualClock clock(kStart);
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), Options(&clock)));
  Scrape(*db, 0, 240);
  ASSERT_OK(db->SealHead());
  db.reset();
  // Drop the streams of the first chunk (max_t in the first 2h window half),
  // as retention on `timestamps` running before `chunks` would.
  {
    ASSERT_OK_AND_ASSIGN(auto store, RocksStore::Open(dir.path(), engine::StoreOptions{}));
    engine::WriteBatch wb;
    int64_t first_chunk_end = kStart + 119 * 15000LL + 50;
    wb.DeleteRange(Cf::kTimestamps, engine::TsKey(INT64_MIN, 0), engine::TsKey(first_chunk_end + 1, 0));
    ASSERT_OK(store->Write(wb, true));
  }
  EXPECT_EQ(Dump(dir.path(), Cf::kTimestamps).size(), 2u);
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), Options(&clock)));
  Status st;
  auto got = ReadAll(*db, AllSeries(), INT64_MIN, INT64_MAX, &st);
  EXPECT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(got.size(), 6u);
  for (auto& [name, samples] : got) {
    ASSERT_EQ(samples.size(), 120u) << name;  // the second chunk only
    EXPECT_GE(samples.front().t, kStart + 120 * 15000LL - 50) << name;
  }
}

TEST(TsSharing, RetentionDropsStreams) {
  TempDir dir;
  const int64_t kDay = 24 * 3600 * 1000LL;
  ManualClock clock(kStart);
  DbOptions o = Options(&clock);
  o.retention_ms = kDay;
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), o));
  Scrape(*db, 0, 240);
  ASSERT_OK(db->SealHead());
  ASSERT_OK(db->CompactChunks());
  db.reset();
  EXPECT_EQ(Dump(dir.path(), Cf::kTimestamps).size(), 4u);
  // One chunk's worth past the cutoff: its streams go, the newer ones stay.
  clock.Set(kStart + kDay + 120 * 15000LL);
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), o));
  ASSERT_OK(db->CompactChunks());
  auto got = ReadAll(*db, AllSeries());
  ASSERT_EQ(got.size(), 6u);
  for (auto& [name, samples] : got) EXPECT_EQ(samples.size(), 120u) << name;
  db.reset();
  EXPECT_EQ(Dump(dir.path(), Cf::kTimestamps).size(), 2u);
  EXPECT_EQ(Dump(dir.path(), Cf::kChunks).size(), 6u);
}

TEST(TsSharing, RestartsResumeOpenChunksExactly) {
  // The same scrapes into a DB that restarts (checkpointed and
  // log-replayed open chunks) and into one that does not: identical bytes.
  TempDir a, b;
  ManualClock clock_a(kStart), clock_b(kStart);
  DbOptions oa = Options(&clock_a), ob = Options(&clock_b);
  oa.checkpoint_interval_ms = ob.checkpoint_interval_ms = 1;
  ASSERT_OK_AND_ASSIGN(auto da, DB::Open(a.path(), oa));
  ASSERT_OK_AND_ASSIGN(auto ref, DB::Open(b.path(), ob));
  int round = 0;
  for (int step : {50, 30, 70, 45, 105}) {
    Scrape(*da, round, step);
    Scrape(*ref, round, step);
    clock_a.Advance(step * 15000LL);
    clock_b.Advance(step * 15000LL);
    round += step;
    if (step % 2 == 0) {
      // A checkpoint round takes series whose chunk predates the previous
      // round: two rounds with scrapes between, then more log below.
      ASSERT_OK(da->RunMaintenance());
      Scrape(*da, round, 2);
      Scrape(*ref, round, 2);
      round += 2;
      clock_a.Advance(1000);
      ASSERT_OK(da->RunMaintenance());
      EXPECT_GT(da->stats().chunks_checkpointed, 0u);
    }
    Scrape(*da, round, 3);
    Scrape(*ref, round, 3);
    round += 3;
    auto before = ReadAll(*da, AllSeries());
    da.reset();  // no seal
    ASSERT_OK_AND_ASSIGN(da, DB::Open(a.path(), oa));
    EXPECT_GT(da->stats().samples_replayed, 0u);
    EXPECT_EQ(ReadAll(*da, AllSeries()), before);
  }
  EXPECT_EQ(ReadAll(*da, AllSeries()), ReadAll(*ref, AllSeries()));
  ASSERT_OK(da->SealHead());
  ASSERT_OK(ref->SealHead());
  da.reset();
  ref.reset();
  EXPECT_EQ(Dump(a.path(), Cf::kChunks), Dump(b.path(), Cf::kChunks));
  EXPECT_EQ(Dump(a.path(), Cf::kTimestamps), Dump(b.path(), Cf::kTimestamps));
}

TEST(TsSharing, FormatVersion1DirectoriesAreUpgraded) {
  // A version 1 directory, written by hand: one series with a persisted
  // XOR chunk (samples 0..119) and a checkpointed XOR open chunk (120..149).
  TempDir dir;
  Labels l = Labels::FromStrings({{"__name__", "old"}});
  std::vector<Sample> want;
  for (int i = 0; i < 150; ++i) want.push_back({kStart + i * 15000LL + (i * 7) % 41, i * 0.25});
  {
    ASSERT_OK_AND_ASSIGN(auto store, RocksStore::Open(dir.path(), engine::StoreOptions{}));
    engine::WriteBatch wb;
    std::string v;
    PutVarint64(&v, 1);
    wb.Put(Cf::kMeta, engine::kMetaFormatVersion, v);
    v.clear();
    PutVarsint64(&v, want[0].t);
    v.append(l.data());
    wb.Put(Cf::kSeries, engine::RefKey(1), v);
    engine::XorEncoder sealed, open;
    for (int i = 0; i < 120; ++i) sealed.Append(want[i].t, want[i].v);
    for (int i = 120; i < 150; ++i) open.Append(want[i].t, want[i].v);
    v.assign(1, '\x01');
    PutVarsint64(&v, want[0].t);
    v.append(sealed.bytes());
    wb.Put(Cf::kChunks, engine::ChunkKey(1, want[119].t), v);
    v.clear();
    PutVarsint64(&v, want[149].t);
    PutFixed64LE(&v, std::bit_cast<uint64_t>(want[149].v));
    v.append(open.bytes());
    wb.Put(Cf::kHead, engine::RefKey(1), v);
    ASSERT_OK(store->Write(wb, true));
  }
  ManualClock clock(kStart);
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(dir.path(), Options(&clock)));
  auto got = ReadAll(*db, AllSeries());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got.begin()->second, want);
  // The upgrade is durable: a second open reads the split open chunk.
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, DB::Open(dir.path(), Options(&clock)));
  EXPECT_EQ(ReadAll(*db, AllSeries()).begin()->second, want);
  ASSERT_OK(db->SealHead());
  EXPECT_EQ(ReadAll(*db, AllSeries()).begin()->second, want);
  db.reset();
  auto meta = Dump(dir.path(), Cf::kMeta);
  std::string v2;
  PutVarint64(&v2, engine::kFormatVersion);
  EXPECT_EQ(meta[std::string(engine::kMetaFormatVersion)], v2);
}

}  // namespace
}  // namespace vigil
