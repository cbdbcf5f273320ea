#include "engine/store/rocks_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <vector>

#include "engine/store/retention_filter.h"

namespace vigil::engine {

namespace {

constexpr const char* kCfNames[] = {"default", "series", "head", "log", "chunks", "timestamps"};

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  if (s.IsNotFound()) return Status::NotFound(std::move(msg));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(msg));
  return Status::IOError(std::move(msg));
}

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

struct WriteBatch::Rep {
  rocksdb::WriteBatch batch;
};

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;
size_t WriteBatch::count() const { return rep_->batch.Count(); }
size_t WriteBatch::byte_size() const { return rep_->batch.GetDataSize(); }
void WriteBatch::Clear() { rep_->batch.Clear(); }

struct RocksStore::Rep {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<std::unique_ptr<rocksdb::ColumnFamilyHandle>> cfs;  // indexed by Cf
  rocksdb::ColumnFamilyHandle* cf(Cf c) { return cfs[static_cast<int>(c)].get(); }
  // Destroy handles before the DB.
  ~Rep() {
    cfs.clear();
    if (db) db->Close().PermitUncheckedError();
  }
};

// Column families are created in the order of kCfNames, so their RocksDB ids
// are 0..5 = Cf values; Open verifies this. A batch addresses them through
// these id-only handles, so a WriteBatch needs no store to be filled.
class IdHandle final : public rocksdb::ColumnFamilyHandle {
 public:
  explicit IdHandle(uint32_t id) : id_(id) {}
  const std::string& GetName() const override { return name_; }
  uint32_t GetID() const override { return id_; }
  rocksdb::Status GetDescriptor(rocksdb::ColumnFamilyDescriptor*) override {
    return rocksdb::Status::NotSupported();
  }
  const rocksdb::Comparator* GetComparator() const override { return rocksdb::BytewiseComparator(); }

 private:
  uint32_t id_;
  std::string name_;
};

IdHandle* HandleFor(Cf cf) {
  static IdHandle handles[] = {IdHandle(0), IdHandle(1), IdHandle(2), IdHandle(3), IdHandle(4), IdHandle(5)};
  return &handles[static_cast<int>(cf)];
}

void WriteBatch::Put(Cf cf, std::string_view key, std::string_view value) {
  rep_->batch.Put(HandleFor(cf), ToSlice(key), ToSlice(value)).PermitUncheckedError();
}
void WriteBatch::Delete(Cf cf, std::string_view key) {
  rep_->batch.Delete(HandleFor(cf), ToSlice(key)).PermitUncheckedError();
}
void WriteBatch::DeleteRange(Cf cf, std::string_view begin, std::string_view end) {
  rep_->batch.DeleteRange(HandleFor(cf), ToSlice(begin), ToSlice(end)).PermitUncheckedError();
}

namespace {

class RocksIterator final : public StoreIterator {
 public:
  RocksIterator(std::unique_ptr<std::string> upper, std::unique_ptr<rocksdb::Slice> upper_slice,
                rocksdb::Iterator* it)
      : upper_(std::move(upper)), upper_slice_(std::move(upper_slice)), it_(it) {}
  void Seek(std::string_view key) override { it_->Seek(ToSlice(key)); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  std::string_view key() const override { auto k = it_->key(); return {k.data(), k.size()}; }
  std::string_view value() const override { auto v = it_->value(); return {v.data(), v.size()}; }
  Status status() const override { return FromRocks(it_->status(), "iterator"); }

 private:
  std::unique_ptr<std::string> upper_;
  std::unique_ptr<rocksdb::Slice> upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;  // destroyed before the bound it reads
};

}  // namespace

RocksStore::RocksStore(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
RocksStore::~RocksStore() = default;

Result<std::unique_ptr<RocksStore>> RocksStore::Open(const std::string& dir, const StoreOptions& options) {
  rocksdb::Options db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.IncreaseParallelism(2);
  db_opts.max_background_jobs = 2;
  db_opts.keep_log_file_num = 3;
  db_opts.max_total_wal_size = 256ULL << 20;
  db_opts.enable_pipelined_write = true;

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  auto table_opts = [&](bool bloom) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    t.block_size = 16 * 1024;
    if (bloom) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    return rocksdb::NewBlockBasedTableFactory(t);
  };

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < static_cast<int>(Cf::kCount); ++i) {
    rocksdb::ColumnFamilyOptions cf;
    cf.table_factory.reset(table_opts(false));
    cf.compression = rocksdb::kLZ4Compression;
    // Every family's bottom level (where compacted, cold data ends up) is
    // zstd: label sets, watermarks and record headers are repetitive.
    cf.bottommost_compression = rocksdb::kZSTD;
    switch (static_cast<Cf>(i)) {
      case Cf::kLog:
        // The redo log is written once, read at restart, then range-deleted.
        cf.compression = rocksdb::kNoCompression;
        cf.bottommost_compression = rocksdb::kNoCompression;
        cf.write_buffer_size = 64ULL << 20;
        break;
      case Cf::kChunks:
        // Chunk payloads are already compressed; keys share long prefixes,
        // which block prefix encoding handles. zstd at the bottom squeezes
        // the remaining headers for old, cold data.
        cf.compression = rocksdb::kLZ4Compression;
        cf.bottommost_compression = rocksdb::kZSTD;
        cf.write_buffer_size = 64ULL << 20;
        if (options.retention_ms > 0) {
          cf.compaction_filter_factory =
              NewRetentionFilterFactory(options.clock, options.retention_ms, RetentionKey::kChunk);
          // A filter only runs when a compaction touches a file: revisit
          // every file at least daily so expired chunks do go away.
          cf.periodic_compaction_seconds = 24 * 3600;
        }
        break;
      case Cf::kTimestamps:
        // Shared timestamp streams: dropped by the same cutoff as chunks
        // (max_t leads the key). A chunk whose stream went first is skipped
        // by queries; it is past retention too. The writer looks up streams
        // it has not seen recently, mostly absent ones: a bloom filter
        // (~1 byte per stream) answers those without reading blocks.
        cf.table_factory.reset(table_opts(true));
        if (options.retention_ms > 0) {
          cf.compaction_filter_factory =
              NewRetentionFilterFactory(options.clock, options.retention_ms, RetentionKey::kTimestamps);
          cf.periodic_compaction_seconds = 24 * 3600;
        }
        break;
      default:
        break;
    }
    descs.emplace_back(kCfNames[i], cf);
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(db_opts), dir, descs, &handles, &raw);
  auto rep = std::make_unique<Rep>();
  rep->db.reset(raw);
  for (auto* h : handles) rep->cfs.emplace_back(h);
  if (!s.ok()) return FromRocks(s, "open " + dir);
  for (size_t i = 0; i < rep->cfs.size(); ++i) {
    if (rep->cfs[i]->GetID() != i) {
      return Status::Corruption("column family " + std::string(kCfNames[i]) + " has unexpected id");
    }
  }
  return std::unique_ptr<RocksStore>(new RocksStore(std::move(rep)));
}

Status RocksStore::Write(WriteBatch& batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = rep_->db->Write(wo, &batch.rep_->batch);
  if (sync) sync_count_.fetch_add(1, std::memory_order_relaxed);
  return FromRocks(s, "write");
}

Status RocksStore::SyncWal() {
  sync_count_.fetch_add(1, std::memory_order_relaxed);
  return FromRocks(rep_->db->FlushWAL(/*sync=*/true), "sync wal");
}

Status RocksStore::Get(Cf cf, std::string_view key, std::string* value) {
  return FromRocks(rep_->db->Get(rocksdb::ReadOptions(), rep_->cf(cf), ToSlice(key), value), "get");
}

std::unique_ptr<StoreIterator> RocksStore::NewIterator(Cf cf, std::string upper_bound) {
  rocksdb::ReadOptions ro;
  std::unique_ptr<std::string> upper;
  std::unique_ptr<rocksdb::Slice> upper_slice;
  if (!upper_bound.empty()) {
    upper = std::make_unique<std::string>(std::move(upper_bound));
    upper_slice = std::make_unique<rocksdb::Slice>(*upper);
    ro.iterate_upper_bound = upper_slice.get();
  }
  rocksdb::Iterator* it = rep_->db->NewIterator(ro, rep_->cf(cf));
  return std::make_unique<RocksIterator>(std::move(upper), std::move(upper_slice), it);
}

Status RocksStore::CompactRange(Cf cf) {
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(rep_->db->CompactRange(co, rep_->cf(cf), nullptr, nullptr), "compact");
}

Status RocksStore::CompactRange(Cf cf, std::string_view begin, std::string_view end) {
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  rocksdb::Slice b = ToSlice(begin), e = ToSlice(end);
  return FromRocks(rep_->db->CompactRange(co, rep_->cf(cf), &b, &e), "compact range");
}

Status RocksStore::Flush() {
  std::vector<rocksdb::ColumnFamilyHandle*> all;
  for (auto& h : rep_->cfs) all.push_back(h.get());
  return FromRocks(rep_->db->Flush(rocksdb::FlushOptions(), all), "flush");
}

Status RocksStore::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(rep_->db.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  return FromRocks(cp->CreateCheckpoint(dir), "checkpoint " + dir);
}

uint64_t RocksStore::ApproximateSize(Cf cf) {
  uint64_t sst = 0, mem = 0;
  rep_->db->GetIntProperty(rep_->cf(cf), "rocksdb.total-sst-files-size", &sst);
  rep_->db->GetIntProperty(rep_->cf(cf), "rocksdb.cur-size-all-mem-tables", &mem);
  return sst + mem;
}

uint64_t RocksStore::IntProperty(Cf cf, std::string_view property) {
  uint64_t v = 0;
  rep_->db->GetIntProperty(rep_->cf(cf), ToSlice(property), &v);
  return v;
}

}  // namespace vigil::engine
