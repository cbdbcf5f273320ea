#include "engine/head/series_table.h"

namespace vigil::engine {

SeriesTable::SeriesTable() : pages_(new std::atomic<Page*>[kMaxPages]()) {}

SeriesTable::~SeriesTable() {
  for (auto& page : owned_pages_) {
    for (auto& slot : *page) {
      std::unique_ptr<MemSeries> owned(slot.load(std::memory_order_relaxed));
    }
  }
}

MemSeries* SeriesTable::Get(uint64_t ref) const {
  size_t page = ref >> kPageBits;
  if (page >= kMaxPages) return nullptr;
  Page* p = pages_[page].load(std::memory_order_acquire);
  if (p == nullptr) return nullptr;
  return (*p)[ref & (kPageSize - 1)].load(std::memory_order_acquire);
}

MemSeries* SeriesTable::Find(const Labels& labels, uint64_t hash) const {
  const HashStripe& hs = hash_stripes_[hash % hash_stripes_.size()];
  std::lock_guard<std::mutex> lock(hs.mu);
  auto [b, e] = hs.by_hash.equal_range(hash);
  for (auto it = b; it != e; ++it) {
    if (it->second->labels == labels) return it->second;
  }
  return nullptr;
}

void SeriesTable::Publish(MemSeries* s) {
  size_t page = s->ref >> kPageBits;
  Page* p = pages_[page].load(std::memory_order_acquire);
  if (p == nullptr) {
    std::lock_guard<std::mutex> lock(owner_mu_);
    p = pages_[page].load(std::memory_order_acquire);
    if (p == nullptr) {
      auto fresh = std::make_unique<Page>();
      for (auto& slot : *fresh) slot.store(nullptr, std::memory_order_relaxed);
      p = fresh.get();
      owned_pages_.push_back(std::move(fresh));
      pages_[page].store(p, std::memory_order_release);
    }
  }
  (*p)[s->ref & (kPageSize - 1)].store(s, std::memory_order_release);
  uint64_t prev = max_ref_.load(std::memory_order_relaxed);
  while (prev < s->ref && !max_ref_.compare_exchange_weak(prev, s->ref, std::memory_order_acq_rel)) {
  }
  size_.fetch_add(1, std::memory_order_relaxed);
}

MemSeries* SeriesTable::GetOrCreate(const Labels& labels, uint64_t hash,
                                    const std::function<uint64_t()>& new_ref, bool* created) {
  HashStripe& hs = hash_stripes_[hash % hash_stripes_.size()];
  std::lock_guard<std::mutex> lock(hs.mu);
  auto [b, e] = hs.by_hash.equal_range(hash);
  for (auto it = b; it != e; ++it) {
    if (it->second->labels == labels) {
      *created = false;
      return it->second;
    }
  }
  auto owned = std::make_unique<MemSeries>(new_ref(), labels);
  MemSeries* s = owned.release();  // owned by its page slot from here on
  Publish(s);
  hs.by_hash.emplace(hash, s);
  *created = true;
  return s;
}

MemSeries* SeriesTable::Insert(uint64_t ref, Labels labels) {
  uint64_t hash = labels.Hash();
  auto owned = std::make_unique<MemSeries>(ref, std::move(labels));
  MemSeries* s = owned.release();  // owned by its page slot from here on
  HashStripe& hs = hash_stripes_[hash % hash_stripes_.size()];
  std::lock_guard<std::mutex> lock(hs.mu);
  Publish(s);
  hs.by_hash.emplace(hash, s);
  return s;
}

void SeriesTable::Remove(MemSeries* s) {
  uint64_t hash = s->labels.Hash();
  {
    HashStripe& hs = hash_stripes_[hash % hash_stripes_.size()];
    std::lock_guard<std::mutex> lock(hs.mu);
    auto [b, e] = hs.by_hash.equal_range(hash);
    for (auto it = b; it != e; ++it) {
      if (it->second == s) {
        hs.by_hash.erase(it);
        break;
      }
    }
  }
  Page* p = pages_[s->ref >> kPageBits].load(std::memory_order_acquire);
  (*p)[s->ref & (kPageSize - 1)].store(nullptr, std::memory_order_release);
  size_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(owner_mu_);
  removed_.emplace_back(s);
}

void SeriesTable::Reclaim() {
  std::vector<std::unique_ptr<MemSeries>> doomed;
  {
    std::lock_guard<std::mutex> lock(owner_mu_);
    doomed.swap(removed_);
  }
}

void SeriesTable::ForEachLocked(const std::function<void(MemSeries&)>& fn) const {
  uint64_t max = max_ref();
  for (uint64_t ref = 1; ref <= max; ++ref) {
    MemSeries* s = Get(ref);
    if (s == nullptr) continue;
    std::lock_guard<std::mutex> lock(LockFor(ref));
    if (!s->deleted) fn(*s);
  }
}

}  // namespace vigil::engine
