#include "engine/chunk_decode.h"

#include <algorithm>
#include <memory>
#include <string>

#include "engine/base/labels.h"
#include "engine/chunk/split_chunk.h"
#include "engine/chunk/xor_chunk.h"

namespace vigil {

namespace {

// Decoded timestamp columns of recently seen timestamp streams, one cache
// per thread (AppendChunkSamples sees one ChunkView at a time, and the
// query engine's interface has no per-query object to hang it on). Series
// of one scrape target share their streams and are read one after the
// other, so most chunks find their column here. Entries are matched by
// content (hash picks the slot, bytes are compared), so a hit is exact.
class TsColumnCache {
 public:
  // The column for `ts`, or nullptr with *st = Corruption if it is damaged.
  const std::vector<int64_t>* Get(std::string_view ts, Status* st) {
    // Long streams (chunks far beyond the head's 120 samples) are decoded
    // into a scratch column and not kept, to bound the cache's memory.
    Result<uint32_t> n = engine::SplitTsCount(ts);
    if (!n.ok() || *n > kMaxCachedSamples) {
      *st = engine::DecodeSplitTimestamps(ts, &scratch_);
      return &scratch_;
    }
    Slot& s = slots_[StableHash64(ts) & (kSlots - 1)];
    if (s.valid && s.ts == ts) return &s.col;
    s.valid = false;
    s.ts.assign(ts);
    Status ds = engine::DecodeSplitTimestamps(ts, &s.col);
    if (!ds.ok()) {
      *st = ds;
      return &s.col;  // the timestamps before the damage
    }
    s.valid = true;
    return &s.col;
  }

 private:
  static constexpr size_t kSlots = 256;
  static constexpr uint32_t kMaxCachedSamples = 1024;  // <= 2 MiB per thread
  struct Slot {
    bool valid = false;
    std::string ts;
    std::vector<int64_t> col;
  };
  Slot slots_[kSlots];
  std::vector<int64_t> scratch_;
};

TsColumnCache& ThreadTsCache() {
  thread_local auto cache = std::make_unique<TsColumnCache>();
  return *cache;
}

Status AppendSplitSamples(const ChunkView& chunk, int64_t mint, int64_t maxt, bool skip_stale,
                          std::vector<Sample>* out) {
  std::string_view ts, vs;
  RETURN_IF_ERROR(engine::ParseSplitChunk(chunk.bytes, &ts, &vs));
  Status st;
  const std::vector<int64_t>& col = *ThreadTsCache().Get(ts, &st);
  // Samples [lo, hi) are in range; values are decoded from the start.
  size_t lo = std::lower_bound(col.begin(), col.end(), mint) - col.begin();
  size_t hi = std::upper_bound(col.begin() + static_cast<long>(lo), col.end(), maxt) - col.begin();
  if (lo >= hi) return st;
  thread_local std::vector<double> values;
  if (values.size() < hi) values.resize(std::max<size_t>(hi, 128));
  uint32_t decoded = 0;
  Status vst = engine::DecodeSplitValues(vs, static_cast<uint32_t>(hi), values.data(), &decoded);
  if (!vst.ok()) st = vst;
  size_t end = std::min<size_t>(hi, decoded);
  if (end <= lo) return st;
  // Written in place (no per-sample capacity check), trimmed at the end.
  size_t base = out->size();
  out->resize(base + (end - lo));
  Sample* dst = out->data() + base;
  size_t k = 0;
  if (skip_stale) {
    for (size_t i = lo; i < end; ++i) {
      if (IsStaleNaN(values[i])) continue;
      dst[k++] = Sample{col[i], values[i]};
    }
  } else {
    for (size_t i = lo; i < end; ++i) dst[k++] = Sample{col[i], values[i]};
  }
  out->resize(base + k);
  return st;
}

}  // namespace

Status AppendChunkSamples(const ChunkView& chunk, int64_t mint, int64_t maxt, bool skip_stale,
                          std::vector<Sample>* out) {
  if (chunk.max_t < mint || chunk.min_t > maxt) {
    if (chunk.encoding != engine::kEncodingXor && chunk.encoding != engine::kEncodingSplit) {
      return Status::Corruption("unknown chunk encoding " + std::to_string(chunk.encoding));
    }
    return Status::OK();
  }
  if (chunk.encoding == engine::kEncodingSplit) return AppendSplitSamples(chunk, mint, maxt, skip_stale, out);
  if (chunk.encoding != engine::kEncodingXor) {
    return Status::Corruption("unknown chunk encoding " + std::to_string(chunk.encoding));
  }
  engine::XorIterator it(chunk.bytes);
  bool ok = chunk.min_t >= mint ? it.Next() : it.Seek(mint);
  for (; ok; ok = it.Next()) {
    Sample s = it.At();
    if (s.t > maxt) break;
    if (skip_stale && IsStaleNaN(s.v)) continue;
    out->push_back(s);
  }
  return it.status();
}

namespace engine {

void SplitColumnIterator::Reset(std::string_view chunk) {
  status_ = Status::OK();
  pending_ = Status::OK();
  pos_ = static_cast<size_t>(-1);
  n_ = 0;
  std::string_view ts, vs;
  pending_ = ParseSplitChunk(chunk, &ts, &vs);
  if (!pending_.ok()) return;
  Status st;
  const std::vector<int64_t>& col = *ThreadTsCache().Get(ts, &st);
  ts_.assign(col.begin(), col.end());
  if (vs_.size() < ts_.size()) vs_.resize(ts_.size());
  uint32_t decoded = 0;
  Status vst = DecodeSplitValues(vs, static_cast<uint32_t>(ts_.size()), vs_.data(), &decoded);
  n_ = std::min<size_t>(ts_.size(), decoded);
  pending_ = !st.ok() ? st : vst;
}

bool SplitColumnIterator::End() {
  pos_ = n_;
  if (!pending_.ok() && status_.ok()) status_ = pending_;
  return false;
}

bool SplitColumnIterator::Seek(int64_t t_ms) {
  size_t from = pos_ == static_cast<size_t>(-1) ? 0 : pos_;
  if (from >= n_) return End();
  if (ts_[from] >= t_ms) {
    pos_ = from;
    return true;
  }
  size_t i = std::lower_bound(ts_.begin() + static_cast<long>(from), ts_.begin() + static_cast<long>(n_), t_ms) -
             ts_.begin();
  if (i >= n_) return End();
  pos_ = i;
  return true;
}

}  // namespace engine

}  // namespace vigil
