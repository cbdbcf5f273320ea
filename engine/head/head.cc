#include "engine/head/head.h"

#include <bit>
#include <cstring>

#include "engine/base/coding.h"
#include "engine/head/log_record.h"
#include "engine/store/chunk_record.h"
#include "engine/store/keys.h"

namespace vigil::engine {

namespace {

std::string WatermarkValue(int64_t max_t, double last_v) {
  std::string v;
  PutVarsint64(&v, max_t);
  PutFixed64LE(&v, std::bit_cast<uint64_t>(last_v));
  return v;
}

// An open chunk checkpointed by format version 1 (XOR, encoding 1),
// re-encoded as a split chunk with the same samples.
Status ReencodeXorChunk(std::string_view chunk, SplitEncoder* out) {
  out->Reset();
  XorIterator it(chunk);
  while (it.Next()) out->Append(it.At().t, it.At().v);
  return it.status();
}

}  // namespace

Head::Head(RocksStore* store, const DbOptions& options, const Clock* clock)
    : store_(store), options_(options), clock_(clock), ts_writer_(store) {}

Head::~Head() = default;

MemSeries* Head::GetOrCreate(const Labels& labels) {
  uint64_t hash = labels.Hash();
  if (MemSeries* s = series_.Find(labels, hash)) return s;
  bool created = false;
  MemSeries* s = series_.GetOrCreate(
      labels, hash, [this] { return next_ref_.fetch_add(1, std::memory_order_relaxed); }, &created);
  if (created) postings_.Add(s->ref, s->labels);
  return s;
}

Status Head::Load() {
  std::string value;
  Status st = store_->Get(Cf::kMeta, kMetaFormatVersion, &value);
  // A version 1 directory holds XOR (encoding 1) chunks, which stay
  // readable, and XOR open chunks in `head`, which are re-encoded below.
  bool upgrade = false;
  if (st.ok()) {
    ByteReader r(value);
    uint64_t version;
    if (!r.GetVarint64(&version) || (version != kFormatVersion && version != kFormatVersionXor)) {
      return Status::Corruption("unsupported data format version in meta");
    }
    upgrade = version == kFormatVersionXor;
  } else if (st.code() == StatusCode::kNotFound) {
    WriteBatch wb;
    std::string v;
    PutVarint64(&v, kFormatVersion);
    wb.Put(Cf::kMeta, kMetaFormatVersion, v);
    RETURN_IF_ERROR(store_->Write(wb, true));
  } else {
    return st;
  }

  uint64_t next_ref = 1;
  if (store_->Get(Cf::kMeta, kMetaNextRef, &value).ok()) {
    ByteReader r(value);
    if (!r.GetVarint64(&next_ref)) return Status::Corruption("meta next_ref");
  }
  if (store_->Get(Cf::kMeta, kMetaLogStart, &value).ok()) {
    ByteReader r(value);
    if (!r.GetVarint64(&log_start_)) return Status::Corruption("meta log_start");
  }

  // Series and the inverted index.
  auto it = store_->NewIterator(Cf::kSeries);
  for (it->Seek(""); it->Valid(); it->Next()) {
    if (it->key().size() != 8) return Status::Corruption("series key size");
    uint64_t ref = RefFromKey(it->key());
    ByteReader r(it->value());
    int64_t first_t;
    if (!r.GetVarsint64(&first_t)) return Status::Corruption("series value");
    std::string_view rest;
    if (!r.GetBytes(r.remaining(), &rest)) return Status::Corruption("series value");
    ASSIGN_OR_RETURN(Labels labels, Labels::FromEncoded(rest));
    MemSeries* s = series_.Insert(ref, std::move(labels));
    s->first_t = first_t;
    s->labels_persisted = true;
    postings_.Add(ref, s->labels);
    next_ref = std::max(next_ref, ref + 1);
  }
  RETURN_IF_ERROR(it->status());
  next_ref_.store(next_ref);
  persisted_next_ref_ = next_ref;

  // Watermarks: the newest persisted sample per series.
  std::vector<MemSeries*> upgraded;
  it = store_->NewIterator(Cf::kHead);
  for (it->Seek(""); it->Valid(); it->Next()) {
    if (it->key().size() != 8) return Status::Corruption("head key size");
    MemSeries* s = series_.Get(RefFromKey(it->key()));
    if (s == nullptr) continue;  // collected; its delete raced a crash
    ByteReader r(it->value());
    int64_t max_t;
    uint64_t bits;
    if (!r.GetVarsint64(&max_t) || !r.GetFixed64LE(&bits)) return Status::Corruption("head value");
    s->persisted_max_t = max_t;
    s->last_t = max_t;
    s->last_v = std::bit_cast<double>(bits);
    if (!r.empty()) {
      // A checkpointed open chunk: continue it exactly where it stopped.
      std::string_view chunk;
      (void)r.GetBytes(r.remaining(), &chunk);
      Status rs = upgrade ? ReencodeXorChunk(chunk, &s->open) : s->open.ResumeFrom(chunk);
      if (upgrade) upgraded.push_back(s);
      if (!rs.ok()) return Status::Corruption("checkpointed chunk of series " + std::to_string(s->ref) + ": " + rs.message());
      if (s->open.num_samples() > 0) {
        s->open_window_end =
            (FloorDiv(s->open.min_t(), options_.chunk_range_ms) + 1) * options_.chunk_range_ms;
        s->open_first_seq = kNoSeq;
      }
    }
  }
  RETURN_IF_ERROR(it->status());

  if (upgrade) {
    // Rewrite the re-encoded open chunks and the version in one batch, so
    // a crash leaves either the old or the new directory.
    WriteBatch wb;
    std::string v;
    for (MemSeries* s : upgraded) {
      v = WatermarkValue(s->persisted_max_t, s->last_v);
      s->open.AppendChunkTo(&v);
      wb.Put(Cf::kHead, RefKey(s->ref), v);
    }
    v.clear();
    PutVarint64(&v, kFormatVersion);
    wb.Put(Cf::kMeta, kMetaFormatVersion, v);
    RETURN_IF_ERROR(store_->Write(wb, true));
  }

  return ReplayLog();
}

Status Head::ReplayLog() {
  auto it = store_->NewIterator(Cf::kLog);
  int64_t now = clock_->NowMs();
  uint64_t last_seq = log_start_ - 1;
  std::vector<PendingSample> batch;
  for (it->Seek(RefKey(log_start_)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) return Status::Corruption("log key size");
    uint64_t seq = RefFromKey(it->key());
    batch.clear();
    Status st = DecodeLogRecord(it->value(), [&](uint64_t ref, int64_t t, double v) {
      MemSeries* s = series_.Get(ref);
      // Labels and log records are written atomically, so an unknown ref
      // is a series collected since (its samples were past retention); live
      // apply dropped them the same way.
      if (s == nullptr) return;
      batch.push_back(PendingSample{s, t, v});
    });
    RETURN_IF_ERROR(st);
    // Samples of a record touch series all over memory: prefetch the series
    // ahead, then their chunk buffers, so the misses overlap.
    constexpr size_t kAhead = 8;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i + 2 * kAhead < batch.size()) __builtin_prefetch(batch[i + 2 * kAhead].series);
      if (i + kAhead < batch.size()) batch[i + kAhead].series->open.Prefetch();
      const PendingSample& p = batch[i];
      MemSeries* s = p.series;
      if (s->persisted_max_t != kNoTime && p.t <= s->persisted_max_t) continue;
      std::lock_guard<std::mutex> lock(series_.LockFor(s->ref));
      ApplySample(s, p.t, p.v, seq, now);
      ++samples_replayed_;
    }
    ++log_records_replayed_;
    last_seq = seq;
    if (to_persist_.size() >= 4096) RETURN_IF_ERROR(PersistSealed());
  }
  RETURN_IF_ERROR(it->status());
  RETURN_IF_ERROR(PersistSealed());
  next_seq_ = last_seq + 1;
  applied_seq_ = last_seq;
  return Status::OK();
}

void Head::CutOpenChunk(MemSeries* s) {
  if (s->open.num_samples() == 0) return;
  if (!s->sealed) s->sealed = std::make_unique<std::vector<SealedChunk>>();
  s->sealed->push_back(SealedChunk{s->open.min_t(), s->open.max_t(), s->open.last_value(), s->open.Chunk()});
  s->open.Reset();
  s->open_first_seq = kNoSeq;
}

Head::Outcome Head::ApplySample(MemSeries* s, int64_t t, double v, uint64_t seq, int64_t now_ms) {
  if (s->deleted) return Outcome::kDeleted;
  if (s->last_t != kNoTime) {
    if (t < s->last_t) return Outcome::kOutOfOrder;
    if (t == s->last_t) {
      return std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s->last_v) ? Outcome::kSameDuplicate
                                                                              : Outcome::kDuplicate;
    }
  }
  SplitEncoder& open = s->open;
  // Cut points depend on timestamps only (count, aligned window, timestamp
  // stream size), so series scraped together cut at the same samples and
  // share their timestamp streams. The value-stream cap only bounds
  // pathological values (it un-shares that one series).
  if (open.num_samples() > 0 &&
      (open.num_samples() >= options_.chunk_max_samples || t >= s->open_window_end ||
       open.ts_size() + 20 > options_.chunk_max_bytes ||
       open.value_size() + 20 > options_.chunk_max_value_bytes)) {
    bool had_sealed = s->sealed && !s->sealed->empty();
    CutOpenChunk(s);
    if (!had_sealed) to_persist_.push_back(s);
  }
  if (s->open_first_seq == kNoSeq) s->open_first_seq = seq;
  if (open.num_samples() == 0) {
    s->open_window_end = (FloorDiv(t, options_.chunk_range_ms) + 1) * options_.chunk_range_ms;
  }
  open.Append(t, v);
  if (s->first_t == kNoTime || t < s->first_t) s->first_t = t;
  s->last_t = t;
  s->last_v = v;
  s->last_append_wall_ms = now_ms;
  return Outcome::kAccepted;
}

Status Head::PersistSealed() {
  std::vector<MemSeries*>* cut = &to_persist_;
  if (cut->empty()) return Status::OK();
  WriteBatch wb;
  std::vector<size_t> counts(cut->size());
  std::string value;
  for (size_t i = 0; i < cut->size(); ++i) {
    MemSeries* s = (*cut)[i];
    std::lock_guard<std::mutex> lock(series_.LockFor(s->ref));
    if (!s->sealed) continue;
    for (const SealedChunk& c : *s->sealed) {
      value.clear();
      std::string_view ts, vs;
      bool shared = false;
      if (ParseSplitChunk(c.bytes, &ts, &vs).ok()) {
        uint64_t hash = TsStreamHash(ts);
        Result<bool> ok = ts_writer_.Prepare(&wb, c.max_t, hash, ts);
        if (!ok.ok()) {
          ts_writer_.BatchDone(/*committed=*/false);
          return ok.status();
        }
        if (*ok) {
          EncodeSharedTsChunkRecord(c.min_t, c.max_t, hash, vs, &value);
          shared = true;
        }
      }
      if (!shared) EncodeInlineChunkRecord(c.min_t, c.max_t, c.bytes, &value);
      wb.Put(Cf::kChunks, ChunkKey(s->ref, c.max_t), value);
    }
    counts[i] = s->sealed->size();
    if (counts[i] > 0) {
      const SealedChunk& last = s->sealed->back();
      wb.Put(Cf::kHead, RefKey(s->ref), WatermarkValue(last.max_t, last.last_v));
    }
  }
  Status ws = store_->Write(wb, /*sync=*/false);
  ts_writer_.BatchDone(ws.ok());
  RETURN_IF_ERROR(ws);
  for (size_t i = 0; i < cut->size(); ++i) {
    MemSeries* s = (*cut)[i];
    std::lock_guard<std::mutex> lock(series_.LockFor(s->ref));
    if (!s->sealed || counts[i] == 0) continue;
    s->persisted_max_t = (*s->sealed)[counts[i] - 1].max_t;
    s->sealed->erase(s->sealed->begin(), s->sealed->begin() + static_cast<long>(counts[i]));
    if (s->sealed->empty()) s->sealed.reset();
    chunks_persisted_.fetch_add(counts[i], std::memory_order_relaxed);
  }
  cut->clear();
  return Status::OK();
}

HeadStats Head::stats() const {
  HeadStats st;
  st.series = series_.size();
  std::shared_lock<std::shared_mutex> guard(reclaim_mu_);
  series_.ForEachLocked([&](MemSeries& s) {
    if (s.open.num_samples() > 0) ++st.series_with_open_chunk;
  });
  st.chunks_persisted = chunks_persisted_.load();
  st.log_records_replayed = log_records_replayed_;
  st.samples_replayed = samples_replayed_;
  st.log_start_seq = log_start_;
  st.series_collected = series_collected_.load();
  st.chunks_checkpointed = chunks_checkpointed_.load();
  st.commit_groups = commit_groups_.load();
  st.ts_streams_written = ts_writer_.streams_written();
  st.ts_streams_shared = ts_writer_.streams_shared();
  std::lock_guard<std::mutex> lock(commit_mu_);
  st.next_seq = next_seq_;
  return st;
}

}  // namespace vigil::engine
