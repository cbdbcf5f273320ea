#include "server/remote_write/series_cache.h"

#include "server/remote_write/convert.h"

namespace vigil::server::remote_write {

bool SameLabels(const Labels& labels, std::span<const RawLabel> raw, const ConvertLimits& limits) {
  if (raw.size() > limits.max_labels_per_series) return false;
  size_t i = 0;
  for (const LabelView& l : labels) {
    if (i == raw.size()) return false;
    const RawLabel& r = raw[i++];
    if (r.name != l.name || r.value != l.value) return false;
    if (r.name.size() > limits.max_label_name_length || r.value.size() > limits.max_label_value_length) return false;
  }
  return i == raw.size();
}

void SeriesRefCache::Bind(uint64_t owner, const void* db) {
  if (owner == owner_ && db == db_) return;
  Clear();
  owner_ = owner;
  db_ = db;
}

SeriesRefCache::Entry* SeriesRefCache::Find(uint64_t hash, std::span<const RawLabel> raw,
                                            const ConvertLimits& limits) {
  auto it = map_.find(hash);
  if (it != map_.end() && SameLabels(it->second.labels, raw, limits)) return &it->second;
  ++misses_since_reset_;
  return nullptr;
}

void SeriesRefCache::Put(uint64_t hash, const Labels& labels, SeriesRef ref) {
  auto it = map_.find(hash);
  if (it != map_.end()) {  // a collision or a stale ref: replace
    bytes_ -= EntryBytes(it->second.labels);
    it->second = Entry{labels, ref};
    bytes_ += EntryBytes(labels);
    return;
  }
  size_t add = EntryBytes(labels);
  if (bytes_ + add > max_bytes_) {
    // Full. Start over only when it has mostly missed for a while (the
    // working set moved on); otherwise keep what it has.
    if (misses_since_reset_ <= 4 * map_.size() + 1024) return;
    Clear();
    if (add > max_bytes_) return;
  }
  map_.emplace(hash, Entry{labels, ref});
  bytes_ += add;
}

void SeriesRefCache::Clear() {
  map_.clear();
  bytes_ = 0;
  misses_since_reset_ = 0;
}

}  // namespace vigil::server::remote_write
