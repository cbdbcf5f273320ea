// TsStreamWriter: writes a stream once, detects a hash collision (same key,
// other bytes) from its recent set and from the store, and forgets what a
// failed batch queued.
#include "engine/store/ts_stream_writer.h"

#include <gtest/gtest.h>

#include "engine/store/keys.h"
#include "tests/testutil/testutil.h"

namespace vigil::engine {
namespace {

using testutil::TempDir;

size_t CountStreams(RocksStore& store) {
  size_t n = 0;
  auto it = store.NewIterator(Cf::kTimestamps);
  for (it->Seek(""); it->Valid(); it->Next()) ++n;
  return n;
}

TEST(TsStreamWriter, WritesOnceAndDetectsCollisions) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, RocksStore::Open(dir.path(), StoreOptions{}));
  TsStreamWriter w(store.get(), /*capacity=*/4);
  WriteBatch wb;
  ASSERT_OK_AND_ASSIGN(bool ok, w.Prepare(&wb, 1000, 42, "stream-a"));
  EXPECT_TRUE(ok);
  ASSERT_OK_AND_ASSIGN(ok, w.Prepare(&wb, 1000, 42, "stream-a"));  // queued: shared
  EXPECT_TRUE(ok);
  ASSERT_OK_AND_ASSIGN(ok, w.Prepare(&wb, 1000, 42, "stream-b"));  // same key, other bytes
  EXPECT_FALSE(ok);
  EXPECT_EQ(wb.count(), 1u);
  ASSERT_OK(store->Write(wb, false));
  w.BatchDone(true);
  EXPECT_EQ(w.streams_written(), 1u);
  EXPECT_EQ(w.streams_shared(), 1u);
  // Push the key out of the recent set: the store answers, also for a
  // collision.
  for (int i = 0; i < 8; ++i) {
    WriteBatch b2;
    ASSERT_OK_AND_ASSIGN(ok, w.Prepare(&b2, 2000 + i, 1, "x" + std::to_string(i)));
    ASSERT_OK(store->Write(b2, false));
    w.BatchDone(true);
  }
  WriteBatch b3;
  ASSERT_OK_AND_ASSIGN(ok, w.Prepare(&b3, 1000, 42, "stream-b"));
  EXPECT_FALSE(ok);
  ASSERT_OK_AND_ASSIGN(ok, w.Prepare(&b3, 1000, 42, "stream-a"));
  EXPECT_TRUE(ok);
  EXPECT_EQ(b3.count(), 0u);
  EXPECT_EQ(CountStreams(*store), 9u);
}

TEST(TsStreamWriter, FailedBatchIsForgotten) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto store, RocksStore::Open(dir.path(), StoreOptions{}));
  TsStreamWriter w(store.get());
  {
    WriteBatch dropped;
    ASSERT_OK_AND_ASSIGN(bool ok, w.Prepare(&dropped, 1000, 7, "s"));
    EXPECT_TRUE(ok);
    w.BatchDone(false);  // never written
  }
  // The stream is not stored, so the next chunk must queue it again.
  WriteBatch wb;
  ASSERT_OK_AND_ASSIGN(bool ok, w.Prepare(&wb, 1000, 7, "s"));
  EXPECT_TRUE(ok);
  EXPECT_EQ(wb.count(), 1u);
}

}  // namespace
}  // namespace vigil::engine
