#include "engine/db.h"

#include "engine/db_querier.h"
#include "engine/head/head.h"
#include "engine/head/head_appender.h"
#include "engine/store/rocks_store.h"

namespace vigil {

using engine::Cf;

DB::DB(std::string dir, const DbOptions& options) : dir_(std::move(dir)), options_(options) {
  if (options_.clock == nullptr) options_.clock = SystemClock::Default();
}

DB::~DB() { (void)Close(false); }

Result<std::unique_ptr<DB>> DB::Open(const std::string& dir, const DbOptions& options) {
  std::unique_ptr<DB> db(new DB(dir, options));
  engine::StoreOptions so;
  so.retention_ms = db->options_.retention_ms;
  so.clock = db->options_.clock;
  so.block_cache_bytes = db->options_.block_cache_bytes;
  ASSIGN_OR_RETURN(db->store_, engine::RocksStore::Open(dir, so));
  db->head_ = std::make_unique<engine::Head>(db->store_.get(), db->options_, db->options_.clock);
  RETURN_IF_ERROR(db->head_->Load());
  if (db->options_.background_maintenance) {
    db->maintenance_ = std::thread([d = db.get()] { d->MaintenanceLoop(); });
  }
  return db;
}

std::unique_ptr<Appender> DB::NewAppender() { return std::make_unique<engine::HeadAppender>(head_.get()); }

Result<std::unique_ptr<Querier>> DB::NewQuerier(int64_t mint_ms, int64_t maxt_ms) {
  if (closed_) return Status::Unavailable("db is closed");
  return std::unique_ptr<Querier>(std::make_unique<engine::DbQuerier>(head_.get(), store_.get(), mint_ms, maxt_ms));
}

Status DB::RunMaintenance() {
  Status st = head_->SealIdleSeries();
  Status truncate = head_->TruncateLog();
  Status gc = head_->CollectGarbage();
  if (!st.ok()) return st;
  if (!truncate.ok()) return truncate;
  return gc;
}

Status DB::SealHead() { return head_->SealAll(); }

Status DB::CompactChunks() {
  RETURN_IF_ERROR(store_->CompactRange(Cf::kChunks));
  return store_->CompactRange(Cf::kTimestamps);
}

Status DB::Compact() {
  RETURN_IF_ERROR(store_->Flush());
  // The log's truncated records are range tombstones until a compaction
  // drops them; chunks get their final (bottommost, zstd) form.
  RETURN_IF_ERROR(store_->CompactRange(Cf::kLog));
  RETURN_IF_ERROR(store_->CompactRange(Cf::kChunks));
  RETURN_IF_ERROR(store_->CompactRange(Cf::kTimestamps));
  RETURN_IF_ERROR(store_->CompactRange(Cf::kSeries));
  return store_->CompactRange(Cf::kHead);
}

Status DB::Snapshot(const std::string& dir) {
  RETURN_IF_ERROR(head_->SealAll());
  RETURN_IF_ERROR(Compact());
  return store_->Checkpoint(dir);
}

void DB::MaintenanceLoop() {
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(options_.maintenance_interval_ms),
                      [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    (void)RunMaintenance();  // errors recur next round; stats expose them
    lock.lock();
  }
}

Status DB::Close(bool seal) {
  if (closed_) return Status::OK();
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  Status st;
  if (seal && head_) st = head_->SealAll();
  closed_ = true;
  head_.reset();
  store_.reset();
  return st;
}

DbStats DB::stats() const {
  DbStats s;
  engine::HeadStats h = head_->stats();
  s.series = h.series;
  s.series_with_open_chunk = h.series_with_open_chunk;
  s.chunks_persisted = h.chunks_persisted;
  s.samples_replayed = h.samples_replayed;
  s.log_records_replayed = h.log_records_replayed;
  s.log_start_seq = h.log_start_seq;
  s.next_seq = h.next_seq;
  s.series_collected = h.series_collected;
  s.chunks_checkpointed = h.chunks_checkpointed;
  s.commit_groups = h.commit_groups;
  s.syncs = store_->sync_count();
  s.log_bytes = store_->ApproximateSize(Cf::kLog);
  s.chunk_bytes = store_->ApproximateSize(Cf::kChunks);
  s.series_bytes = store_->ApproximateSize(Cf::kSeries);
  s.ts_bytes = store_->ApproximateSize(Cf::kTimestamps);
  s.ts_streams_written = h.ts_streams_written;
  s.ts_streams_shared = h.ts_streams_shared;
  return s;
}

}  // namespace vigil
