// SeriesRefCache: remembers, for series seen in earlier remote-write
// requests, their validated Labels and the SeriesRef the appender returned,
// keyed by a hash of the series' label wire bytes (RawSeries::labels_wire).
// A known series then costs a hash, a lookup and one compare instead of
// validation, sorting and a Labels allocation.
//
// A hit is verified: the request's label pairs must equal the cached Labels
// pair by pair in the same order (so they were valid and already sorted,
// with no empty value) and fit the current limits; a hash collision thus
// never mixes two series, it only misses. The ref may be stale (series
// collected since); the appender then resolves the passed Labels again.
//
// Bounded by max_bytes: once full it stops inserting, and it starts over
// when misses since the last reset exceed 4x its entries (churn). Refs are
// only meaningful for one DB: Bind() clears the cache when the owner token
// changes. Single-owner (keep one per worker thread).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>

#include "engine/base/labels.h"
#include "engine/storage.h"
#include "server/remote_write/request_view.h"

namespace vigil::server::remote_write {

struct ConvertLimits;

class SeriesRefCache {
 public:
  struct Entry {
    Labels labels;
    SeriesRef ref = 0;
  };

  explicit SeriesRefCache(size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // Clears the cache unless it was last bound to the same owner and DB.
  void Bind(uint64_t owner, const void* db);

  static uint64_t HashOf(std::string_view labels_wire) { return StableHash64(labels_wire); }
  // The entry under `hash` whose labels equal `raw` (see above) within
  // `limits`, or nullptr. Valid until the next Put/Bind/Clear.
  Entry* Find(uint64_t hash, std::span<const RawLabel> raw, const ConvertLimits& limits);
  // Remembers labels → ref under `hash` (replacing a colliding entry).
  void Put(uint64_t hash, const Labels& labels, SeriesRef ref);
  void Clear();

  size_t size() const { return map_.size(); }
  size_t bytes() const { return bytes_; }

  static constexpr size_t kDefaultMaxBytes = 32u << 20;

 private:
  static size_t EntryBytes(const Labels& l) { return l.MemoryBytes() + 48; }

  size_t max_bytes_;
  size_t bytes_ = 0;
  uint64_t misses_since_reset_ = 0;
  uint64_t owner_ = 0;
  const void* db_ = nullptr;
  std::unordered_map<uint64_t, Entry> map_;
};

// True when `raw` are exactly the pairs of `labels` in order, each within
// the limits' name/value lengths, and no more than max_labels_per_series.
bool SameLabels(const Labels& labels, std::span<const RawLabel> raw, const ConvertLimits& limits);

}  // namespace vigil::server::remote_write
