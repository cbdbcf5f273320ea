// Head maintenance: sealing idle series, truncating the log, collecting
// series whose data retention removed. Each runs in an apply turn, so it is
// ordered with commits exactly as log replay would order it.
#include <bit>

#include "engine/base/coding.h"
#include "engine/head/head.h"
#include "engine/store/keys.h"

namespace vigil::engine {

Status Head::SealWhere(bool all) {
  // Lock order, as appenders: reclaim (shared), then the apply turn.
  std::shared_lock<std::shared_mutex> guard(reclaim_mu_);
  uint64_t ticket = TakeApplyTicket();
  WaitApplyTurn(ticket);
  int64_t cutoff = clock_->NowMs() - options_.idle_seal_after_ms;
  series_.ForEachLocked([&](MemSeries& s) {
    if (s.open.num_samples() == 0) return;
    if (!all && s.last_append_wall_ms > cutoff) return;
    bool had_sealed = s.sealed && !s.sealed->empty();
    CutOpenChunk(&s);
    s.open.ShrinkToFit();
    if (!had_sealed) to_persist_.push_back(&s);
  });
  Status st = PersistSealed();
  EndApplyTurn();
  return st;
}

Status Head::SealIdleSeries() { return SealWhere(/*all=*/false); }

Status Head::SealAll() {
  RETURN_IF_ERROR(SealWhere(/*all=*/true));
  return TruncateLog();
}

Status Head::CheckpointOpenChunks() {
  uint64_t target = checkpoint_target_seq_;
  checkpoint_target_seq_ = applied_seq_ + 1;
  std::vector<MemSeries*> written;
  WriteBatch wb;
  std::string value;
  Status st;
  auto flush = [&]() {
    if (wb.count() == 0) return;
    st = store_->Write(wb, /*sync=*/false);
    wb.Clear();
    if (!st.ok()) {
      written.clear();
      return;
    }
    for (MemSeries* s : written) {
      std::lock_guard<std::mutex> lock(series_.LockFor(s->ref));
      s->open_first_seq = kNoSeq;
      s->persisted_max_t = s->open.max_t();
    }
    chunks_checkpointed_.fetch_add(written.size(), std::memory_order_relaxed);
    written.clear();
  };
  series_.ForEachLocked([&](MemSeries& s) {
    if (!st.ok() || s.open.num_samples() == 0 || s.open_first_seq == kNoSeq || s.open_first_seq >= target) return;
    // Same value as a watermark, followed by the open chunk's bytes.
    value.clear();
    PutVarsint64(&value, s.open.max_t());
    PutFixed64LE(&value, std::bit_cast<uint64_t>(s.open.last_value()));
    s.open.AppendChunkTo(&value);
    wb.Put(Cf::kHead, RefKey(s.ref), value);
    written.push_back(&s);
  });
  // ForEachLocked holds each stripe lock only while visiting; the flag
  // updates happen after the write, still in this apply turn.
  flush();
  return st;
}

Status Head::TruncateLog() {
  std::shared_lock<std::shared_mutex> guard(reclaim_mu_);
  uint64_t ticket = TakeApplyTicket();
  WaitApplyTurn(ticket);
  Status st = PersistSealed();
  int64_t now = clock_->NowMs();
  if (st.ok() && options_.checkpoint_interval_ms > 0 &&
      now - last_checkpoint_wall_ms_ >= options_.checkpoint_interval_ms) {
    last_checkpoint_wall_ms_ = now;
    st = CheckpointOpenChunks();
  }
  uint64_t keep_from = applied_seq_ + 1;
  series_.ForEachLocked([&](MemSeries& s) {
    if (s.open.num_samples() > 0 && s.open_first_seq != kNoSeq) keep_from = std::min(keep_from, s.open_first_seq);
    if (s.sealed && !s.sealed->empty()) keep_from = 0;  // unpersisted: keep all
  });
  if (st.ok() && keep_from > log_start_) {
    // Chunks were written unsynced; make them durable before dropping the
    // log records that are their only durable copy.
    st = store_->SyncWal();
    if (st.ok()) {
      WriteBatch wb;
      wb.DeleteRange(Cf::kLog, RefKey(log_start_), RefKey(keep_from));
      std::string v;
      PutVarint64(&v, keep_from);
      wb.Put(Cf::kMeta, kMetaLogStart, v);
      st = store_->Write(wb, /*sync=*/false);
      if (st.ok()) log_start_ = keep_from;

    }
  }
  uint64_t compact_below = 0;
  if (st.ok() && log_start_ - log_compacted_below_ >= kLogCompactEvery) compact_below = log_start_;
  EndApplyTurn();
  // Truncated records are range tombstones until compacted, and with no
  // new writes no compaction would come: compact the dead prefix (outside
  // the apply turn, so commits go on) once enough has accumulated.
  if (compact_below > 0) {
    st = store_->CompactRange(Cf::kLog, RefKey(0), RefKey(compact_below));
    if (st.ok()) log_compacted_below_ = compact_below;
  }
  return st;
}

Status Head::CollectGarbage() {
  if (options_.retention_ms <= 0) return Status::OK();
  int64_t cutoff = clock_->NowMs() - options_.retention_ms;
  std::vector<MemSeries*> doomed;
  uint64_t ticket = TakeApplyTicket();
  WaitApplyTurn(ticket);
  series_.ForEachLocked([&](MemSeries& s) {
    // Only persisted series with samples, none newer than the cutoff, and
    // nothing left in the head. Series never committed are left alone: an
    // appender may be about to commit them.
    if (!s.labels_persisted || s.last_t == kNoTime || s.last_t >= cutoff || s.HasHeadData()) return;
    s.deleted = true;
    doomed.push_back(&s);
  });
  Status st;
  if (!doomed.empty()) {
    WriteBatch wb;
    for (MemSeries* s : doomed) {
      wb.Delete(Cf::kSeries, RefKey(s->ref));
      wb.Delete(Cf::kHead, RefKey(s->ref));
      wb.DeleteRange(Cf::kChunks, ChunkKey(s->ref, kNoTime), RefKey(s->ref + 1));
    }
    st = store_->Write(wb, /*sync=*/false);
    if (!st.ok()) {
      for (MemSeries* s : doomed) {
        std::lock_guard<std::mutex> lock(series_.LockFor(s->ref));
        s->deleted = false;
      }
      doomed.clear();
    }
  }
  EndApplyTurn();
  for (MemSeries* s : doomed) {
    postings_.Delete(s->ref, s->labels);
    series_.Remove(s);
  }
  series_collected_.fetch_add(doomed.size(), std::memory_order_relaxed);
  {
    std::unique_lock<std::shared_mutex> lock(reclaim_mu_);
    series_.Reclaim();
  }
  return st;
}

}  // namespace vigil::engine
