#include "engine/head/head_appender.h"

#include <bit>
#include <mutex>

namespace vigil::engine {

HeadAppender::HeadAppender(Head* head) : head_(head), reclaim_guard_(head->reclaim_mutex()) {
  req_.stats = &stats_;
}

HeadAppender::~HeadAppender() {
  if (!finished_) Rollback();
}

void HeadAppender::PrefetchFollowing(const SeriesTable& table, uint64_t ref) {
  // Senders tend to list series in the same order every time, and refs were
  // handed out in that order, so a later sample's series is often ref + 2
  // (ref + 1 was hinted by the previous call). Start loading it and its lock
  // stripe now; a wrong guess costs only the hint.
  const uint64_t next = ref + 2;
  __builtin_prefetch(&table.LockFor(next));
  if (const MemSeries* n = table.Get(next)) {
    const char* p = reinterpret_cast<const char*>(n);
    for (size_t off = 0; off < sizeof(MemSeries); off += 64) __builtin_prefetch(p + off);
  }
}

Result<SeriesRef> HeadAppender::Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v) {
  SeriesTable& table = head_->series();
  MemSeries* s = ref != 0 ? table.Get(ref) : nullptr;
  if (s == nullptr) {
    if (labels.empty()) {
      ++stats_.invalid_labels;
      return Status::InvalidArgument("empty label set");
    }
    s = head_->GetOrCreate(labels);
  }
  {
    std::lock_guard<std::mutex> lock(table.LockFor(s->ref));
    if (s->deleted) {
      // Collected between lookup and now: resolve again by labels.
      s = nullptr;
    } else if (s->last_t != kNoTime) {
      if (t_ms < s->last_t) {
        ++stats_.out_of_order;
        return Status::OutOfOrder("out of order sample for series " + s->labels.ToString() +
                                  ": timestamp " + std::to_string(t_ms) + " is older than " +
                                  std::to_string(s->last_t));
      }
      if (t_ms == s->last_t) {
        if (std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s->last_v)) return s->ref;
        ++stats_.duplicate;
        return Status::DuplicateSample("duplicate sample for timestamp " + std::to_string(t_ms) +
                                       " with a different value for series " + s->labels.ToString());
      }
    }
  }
  if (s == nullptr) return Append(0, labels, t_ms, v);
  if (ref != 0) PrefetchFollowing(table, ref);  // a hint for the next calls
  if (!s->labels_persisted.load(std::memory_order_acquire)) {
    auto [it, inserted] = req_.new_series.emplace(s, t_ms);
    if (!inserted && t_ms < it->second) it->second = t_ms;
  }
  record_.Add(s->ref, t_ms, v);
  req_.samples.push_back(PendingSample{s, t_ms, v});
  return s->ref;
}

Status HeadAppender::Commit() {
  if (finished_) return Status::Internal("appender already finished");
  finished_ = true;
  Status st;
  if (!req_.samples.empty()) {
    req_.record = record_.Finish();
    st = head_->Commit(&req_);
  }
  req_.samples.clear();
  req_.new_series.clear();
  reclaim_guard_.unlock();
  return st;
}

void HeadAppender::Rollback() {
  finished_ = true;
  req_.samples.clear();
  req_.new_series.clear();
  record_.Reset();
  if (reclaim_guard_.owns_lock()) reclaim_guard_.unlock();
}

}  // namespace vigil::engine
