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
  commit_cv_.wait(lock, [&] { return req->done || write_queue_.front() == req; });
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
  if (!write_queue_.empty()) commit_cv_.notify_all();  // the next front leads
  lock.unlock();

  WaitApplyTurn(ticket);
  if (st.ok()) {
    int64_t now = clock_->NowMs();
    for (CommitRequest* r : group) {
      for (const auto& [s, min_t] : r->new_series) s->labels_persisted = true;
      AppendStats& stats = *r->stats;
      constexpr size_t kAhead = 8;
      for (size_t j = 0; j < r->samples.size(); ++j) {
        if (j + 2 * kAhead < r->samples.size()) __builtin_prefetch(r->samples[j + 2 * kAhead].series);
        if (j + kAhead < r->samples.size()) r->samples[j + kAhead].series->open.Prefetch();
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
  }
  commit_cv_.notify_all();
  return req->status;
}

}  // namespace vigil::engine
