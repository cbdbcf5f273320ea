// SeriesTable: the head's series map. Ref → MemSeries through a lock-free
// paged array (refs are dense and never reused); labels → ref through a
// lock-striped hash map; per-series state guarded by lock stripes chosen by
// ref. Thread-safe. MemSeries objects are owned here and freed only by
// Reclaim(), which the head calls when no appender can hold a pointer.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/head/mem_series.h"

namespace vigil::engine {

class SeriesTable {
 public:
  static constexpr size_t kStripes = 4096;

  SeriesTable();
  ~SeriesTable();
  SeriesTable(const SeriesTable&) = delete;
  SeriesTable& operator=(const SeriesTable&) = delete;

  // The series with this ref, or nullptr. The pointer stays valid until
  // Reclaim() runs after the series was removed.
  MemSeries* Get(uint64_t ref) const;
  // The series with these labels (hash = labels.Hash()), or nullptr.
  MemSeries* Find(const Labels& labels, uint64_t hash) const;
  // Finds or inserts; a new series gets ref `new_ref()` (called only when
  // inserting). Sets *created.
  MemSeries* GetOrCreate(const Labels& labels, uint64_t hash, const std::function<uint64_t()>& new_ref,
                         bool* created);
  // Inserts a series with a known ref (startup). REQUIRES: ref unused.
  MemSeries* Insert(uint64_t ref, Labels labels);
  // Unlinks a series; its memory is freed by a later Reclaim().
  void Remove(MemSeries* s);
  // Frees removed series. REQUIRES: no thread holds a pointer to them.
  void Reclaim();

  std::mutex& LockFor(uint64_t ref) const { return stripes_[ref % kStripes].mu; }
  uint64_t max_ref() const { return max_ref_.load(std::memory_order_acquire); }
  size_t size() const { return size_.load(std::memory_order_relaxed); }
  // Calls fn(series) for every live series, holding its stripe lock.
  void ForEachLocked(const std::function<void(MemSeries&)>& fn) const;

 private:
  static constexpr size_t kPageBits = 12;
  static constexpr size_t kPageSize = size_t{1} << kPageBits;
  static constexpr size_t kMaxPages = size_t{1} << 20;  // 4G refs
  using Page = std::array<std::atomic<MemSeries*>, kPageSize>;

  struct alignas(64) Stripe {
    mutable std::mutex mu;
  };
  struct alignas(64) HashStripe {
    mutable std::mutex mu;
    std::unordered_multimap<uint64_t, MemSeries*> by_hash;
  };

  void Publish(MemSeries* s);

  std::unique_ptr<std::atomic<Page*>[]> pages_;
  mutable std::array<Stripe, kStripes> stripes_;
  std::array<HashStripe, 256> hash_stripes_;
  // Page slots own their series (released from / re-wrapped into
  // unique_ptr at the edges); removed series wait in removed_ for Reclaim.
  std::mutex owner_mu_;  // guards page allocation and removed_
  std::vector<std::unique_ptr<Page>> owned_pages_;
  std::vector<std::unique_ptr<MemSeries>> removed_;
  std::atomic<uint64_t> max_ref_{0};
  std::atomic<size_t> size_{0};
};

}  // namespace vigil::engine
