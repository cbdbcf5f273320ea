// Head maintenance: sealing idle series, truncating the log, collecting
// series whose data retention removed. Each runs in an apply turn, so it is
// ordered with commits exactly as log replay would order it.
#include "engine/base/coding.h"
#include "engine/head/head.h"
#include "engine/store/keys.h"

namespace vigil::engine {

Status Head::SealWhere(bool all) {
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

Status Head::TruncateLog() {
  uint64_t ticket = TakeApplyTicket();
  WaitApplyTurn(ticket);
  Status st = PersistSealed();
  uint64_t keep_from = applied_seq_ + 1;
  series_.ForEachLocked([&](MemSeries& s) {
    if (s.open.num_samples() > 0) keep_from = std::min(keep_from, s.open_first_seq);
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
  EndApplyTurn();
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
