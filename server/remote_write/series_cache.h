// SeriesRefCache: remembers, for series seen in earlier remote-write
// requests, their validated Labels and the SeriesRef the appender returned,
// keyed by a hash of the series' label wire bytes (RawSeries::labels_wire).
// A known series then costs a hash, a probe and one memcmp instead of
// validation, sorting and a Labels allocation.
//
// A hit is verified: the entry keeps a copy of the wire bytes it was built
// from, and they must be byte-for-byte those of the request (so they decode
// to the same pairs, which were valid before), and the pairs' sizes must fit
// the current limits. A hash collision therefore never mixes two series: it
// only misses (and the newer series replaces the entry). The ref may be
// stale (the series was collected since): the appender then resolves the
// passed Labels again, and the caller stores the new ref.
//
// Bounded by max_bytes: once full it stops inserting, and it starts over
// when misses since the last reset exceed 4x its entries (churn). Refs are
// only meaningful for one DB: Bind() clears the cache when the owner token,
// the DB object or its directory changes (a DB reopened on the same
// directory keeps its refs: they are persisted and never reused). The
// appender trusts a ref it returned, so this binding is what keeps refs of
// another DB out. Single-owner (keep one per worker thread).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/labels.h"
#include "engine/storage.h"
#include "server/remote_write/request_view.h"

namespace vigil::server::remote_write {

struct ConvertLimits;

class SeriesRefCache {
 public:
  struct Entry {
    std::string wire;  // the label wire bytes this entry was built from
    Labels labels;
    SeriesRef ref = 0;
    uint32_t count = 0;      // labels in `labels`
    uint32_t max_name = 0;   // longest name in the wire labels
    uint32_t max_value = 0;  // longest value
  };

  explicit SeriesRefCache(size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // Clears the cache unless it was last bound to the same owner, DB object
  // and DB directory.
  void Bind(uint64_t owner, const void* db, std::string_view db_dir);

  // A fast hash of the wire bytes (not stable across versions; collisions
  // only cost misses).
  static uint64_t HashOf(std::string_view labels_wire);
  // Hints to start loading the memory Find(hash, ...) will touch, in three
  // steps some series apart: the slot; the entry (reads the slot); the
  // entry's bytes (reads the entry).
  void PrefetchSlot(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  void PrefetchEntry(uint64_t hash) const {
    if (slots_.empty()) return;
    const Slot& s = slots_[hash & (slots_.size() - 1)];
    if (s.hash == hash && s.entry != nullptr) __builtin_prefetch(s.entry);
  }
  void PrefetchEntryBytes(uint64_t hash) const;
  // The entry under `hash` built from exactly `wire` whose sizes fit
  // `limits`, or nullptr. Valid until the next Put/Bind/Clear.
  Entry* Find(uint64_t hash, std::string_view wire, const ConvertLimits& limits);
  // Remembers wire → (labels, ref) under `hash`, replacing an entry with
  // the same hash. `raw` are the pairs decoded from `wire`.
  void Put(uint64_t hash, std::string_view wire, std::span<const RawLabel> raw, const Labels& labels,
           SeriesRef ref);
  void Clear();

  size_t size() const { return size_; }
  size_t bytes() const { return bytes_; }

  static constexpr size_t kDefaultMaxBytes = 32u << 20;

 private:
  struct Slot {
    uint64_t hash = 0;
    Entry* entry = nullptr;  // owned by entries_
  };
  static size_t EntryBytes(const Entry& e) {
    return sizeof(Entry) + 2 * sizeof(Slot) + e.wire.capacity() + e.labels.MemoryBytes();
  }
  Slot* Probe(uint64_t hash);
  void Grow();

  size_t max_bytes_;
  size_t bytes_ = 0;
  size_t size_ = 0;
  uint64_t misses_since_reset_ = 0;
  uint64_t owner_ = 0;
  const void* db_ = nullptr;
  std::string db_dir_;
  std::vector<Slot> slots_;  // open addressing, linear probing, load <= 1/2
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace vigil::server::remote_write
