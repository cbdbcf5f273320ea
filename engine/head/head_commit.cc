// Head's group-commit pipeline. Write stage: committers queue up; the one at
// the front leads, writing every queued batch's log record (and any new
// series) in one synced RocksDB write, so concurrent committers share one
// fsync. Apply stage: groups apply to the head strictly in log order (by
// ticket), so that live ingest and log replay make the same decisions.
// The next group's write overlaps the previous group's apply.
#include <bit>

#include "engine/base/coding.h"
#include "engine/head/head.h"
#include "engine/store/keys.h"

namespace vigil::engine {

namespace {
constexpr size_t kMaxGroupBytes = 32u << 20;
}

uint64_t Head::TakeApplyTicket() {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return next_apply_ticket_++;
}

void Head::WaitApplyTurn(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(apply_mu_);
  apply_cv_.wait(lock, [&] { return applied_ticket_ == ticket; });
}

void Head::EndApplyTurn() {
  std::lock_guard<std::mutex> lock(apply_mu_);
  ++applied_ticket_;
  apply_cv_.notify_all();
}

Status Head::Commit(CommitRequest* req) {
  std::unique_lock<std::mutex> lock(commit_mu_);
  write_queue_.push_back(req);
  // Each committer sleeps on its own condition variable and is woken only
  // when it leads or is done (no thundering herd on a shared one).
  req->cv.wait(lock, [&] { return req->done || write_queue_.front() == req; });
  if (req->done) return req->status;

  // Leader: take the whole queue (bounded) as one group.
  std::vector<CommitRequest*> group;
  size_t bytes = 0;
  for (CommitRequest* r : write_queue_) {
    if (!group.empty() && bytes + r->record.size() > kMaxGroupBytes) break;
    bytes += r->record.size();
    r->seq = next_seq_++;
    group.push_back(r);
  }
  uint64_t ticket = next_apply_ticket_++;
  uint64_t next_ref_to_persist = 0;
  lock.unlock();

  WriteBatch wb;
  std::string value;
  for (CommitRequest* r : group) {
    wb.Put(Cf::kLog, RefKey(r->seq), r->record);
    for (const auto& [s, min_t] : r->new_series) {
      if (s->labels_persisted) continue;
      value.clear();
      PutVarsint64(&value, min_t);
      value.append(s->labels.data());
      wb.Put(Cf::kSeries, RefKey(s->ref), value);
      next_ref_to_persist = std::max(next_ref_to_persist, s->ref + 1);
    }
  }
  if (next_ref_to_persist > 0) {
    value.clear();
    PutVarint64(&value, next_ref_to_persist);
    wb.Put(Cf::kMeta, kMetaNextRef, value);
  }
  Status st = store_->Write(wb, options_.sync_commits);
  commit_groups_.fetch_add(1, std::memory_order_relaxed);

  lock.lock();
  for (size_t i = 0; i < group.size(); ++i) write_queue_.pop_front();
  if (!write_queue_.empty()) write_queue_.front()->cv.notify_one();  // the next front leads
  lock.unlock();

  WaitApplyTurn(ticket);
  if (st.ok()) {
    int64_t now = clock_->NowMs();
    for (CommitRequest* r : group) {
      for (const auto& [s, min_t] : r->new_series) s->labels_persisted = true;
      AppendStats& stats = *r->stats;
      // Samples of a request usually hit a different series each: load the
      // series (all its lines) far ahead, then its chunk buffer and lock
      // stripe (both need the series loaded) nearer.
      constexpr size_t kFar = 24, kNear = 12;
      const size_t n = r->samples.size();
      for (size_t j = 0; j < n; ++j) {
        if (j + kFar < n) {
          const char* f = reinterpret_cast<const char*>(r->samples[j + kFar].series);
          for (size_t off = 0; off < sizeof(MemSeries); off += 64) __builtin_prefetch(f + off);
        }
        if (j + kNear < n) {
          const MemSeries* near = r->samples[j + kNear].series;
          near->open.Prefetch();
          // The append positions of both streams (reading the views touches no chunk byte).
          const std::string_view ts = near->open.ts_bytes();
          const std::string_view vals = near->open.value_bytes();
          if (!ts.empty()) __builtin_prefetch(ts.data() + ts.size() - 1, 1);
          if (!vals.empty()) __builtin_prefetch(vals.data() + vals.size() - 1, 1);
          __builtin_prefetch(&series_.LockFor(near->ref));
        }
        const PendingSample& p = r->samples[j];
        Outcome o;
        {
          std::lock_guard<std::mutex> slock(series_.LockFor(p.series->ref));
          o = ApplySample(p.series, p.t, p.v, r->seq, now);
        }
        switch (o) {
          case Outcome::kAccepted:
          case Outcome::kSameDuplicate: ++stats.accepted; break;
          case Outcome::kOutOfOrder: ++stats.out_of_order; break;
          case Outcome::kDuplicate: ++stats.duplicate; break;
          case Outcome::kDeleted: ++stats.out_of_bounds; break;
        }
      }
      applied_seq_ = r->seq;
    }
    // Sealed chunks reach the store unsynced: the log still holds their
    // samples until TruncateLog, which syncs first. A failure here does not
    // fail the commit (its samples are durable in the log); the chunks stay
    // queued and maintenance retries and reports.
    (void)PersistSealed();
  }
  EndApplyTurn();

  lock.lock();
  for (CommitRequest* r : group) {
    r->status = st;
    r->done = true;
    if (r != req) r->cv.notify_one();
  }
  return req->status;
}

}  // namespace vigil::engine
