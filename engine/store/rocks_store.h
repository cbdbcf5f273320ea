// RocksStore owns the rocksdb::DB and its column families (series, head, log,
// chunks, timestamps, meta) and is the only file that includes RocksDB headers or sees a
// rocksdb::Status. Thread-safe: RocksDB is, and the counters are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/base/clock.h"
#include "engine/base/status.h"

namespace vigil::engine {

enum class Cf : int { kMeta = 0, kSeries, kHead, kLog, kChunks, kTimestamps, kCount };

struct StoreOptions {
  int64_t retention_ms = 0;  // 0 = keep forever
  const Clock* clock = nullptr;
  uint64_t block_cache_bytes = 64ULL << 20;
};

// A set of writes applied atomically by RocksStore::Write. Single-owner.
class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;

  void Put(Cf cf, std::string_view key, std::string_view value);
  void Delete(Cf cf, std::string_view key);
  // Deletes keys in [begin, end).
  void DeleteRange(Cf cf, std::string_view begin, std::string_view end);
  size_t count() const;
  size_t byte_size() const;
  void Clear();

 private:
  friend class RocksStore;
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// Forward iterator over one column family in key order. Single-owner; the
// returned views are valid until the next move.
class StoreIterator {
 public:
  virtual ~StoreIterator() = default;
  virtual void Seek(std::string_view key) = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

class RocksStore {
 public:
  // Opens or creates the DB in `dir`. IOError/Corruption from RocksDB.
  static Result<std::unique_ptr<RocksStore>> Open(const std::string& dir, const StoreOptions& options);
  ~RocksStore();

  // Applies the batch atomically. With sync, returns after the RocksDB WAL
  // is fsynced; RocksDB groups concurrent synced writers into one fsync.
  Status Write(WriteBatch& batch, bool sync);
  // Fsyncs everything written so far.
  Status SyncWal();
  Status Get(Cf cf, std::string_view key, std::string* value);

  // Iterator over `cf`; with a non-empty upper bound, stops before it.
  std::unique_ptr<StoreIterator> NewIterator(Cf cf, std::string upper_bound = {});

  // Compacts the whole column family (runs the retention filter on chunks).
  Status CompactRange(Cf cf);
  // Compacts keys in [begin, end) of `cf`.
  Status CompactRange(Cf cf, std::string_view begin, std::string_view end);
  // Flushes memtables to SST files.
  Status Flush();
  // Writes a consistent copy of the DB into `dir` (must not exist).
  Status Checkpoint(const std::string& dir);

  // Number of synced writes issued (a group commit issues one per group).
  uint64_t sync_count() const { return sync_count_.load(std::memory_order_relaxed); }
  // Approximate live bytes of a column family's SST files plus memtables.
  uint64_t ApproximateSize(Cf cf);
  // A RocksDB property (e.g. "rocksdb.estimate-num-keys") for `cf`.
  uint64_t IntProperty(Cf cf, std::string_view property);

 private:
  struct Rep;
  explicit RocksStore(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
  std::atomic<uint64_t> sync_count_{0};
};

}  // namespace vigil::engine
