// Bulk decoding of a Series' chunks for readers that want samples in a
// vector (the query engine): no virtual call per sample, each chunk decoded
// once. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/base/sample.h"
#include "engine/base/status.h"
#include "engine/storage.h"

namespace vigil {

// Appends the samples of `chunk` with mint <= t <= maxt to *out, skipping
// stale markers when skip_stale. Corruption on a damaged chunk (the samples
// before the damage are appended).
Status AppendChunkSamples(const ChunkView& chunk, int64_t mint, int64_t maxt, bool skip_stale,
                          std::vector<Sample>* out);

namespace engine {

// Iterates a split chunk (encoding 2) from decoded columns: the timestamp
// column comes from the same per-thread cache as AppendChunkSamples (and is
// copied, so iterators may interleave), the values are decoded in one pass
// at Reset. The contract of SplitIterator: Next/Seek/At, samples before any
// damage are returned, then status() is Corruption. Single-owner.
class SplitColumnIterator {
 public:
  // Starts over on a self-contained split chunk; borrows nothing.
  void Reset(std::string_view chunk);
  bool Next() {
    if (pos_ + 1 < n_) {
      ++pos_;
      return true;
    }
    return End();
  }
  bool Seek(int64_t t_ms);
  // REQUIRES: the last Next/Seek returned true.
  Sample At() const { return Sample{ts_[pos_], vs_[pos_]}; }
  const Status& status() const { return status_; }

 private:
  bool End();
  std::vector<int64_t> ts_;
  std::vector<double> vs_;
  size_t n_ = 0;
  size_t pos_ = static_cast<size_t>(-1);  // before the first sample
  Status status_;
  Status pending_;  // damage found at Reset, reported once the samples are out
};

}  // namespace engine

}  // namespace vigil
