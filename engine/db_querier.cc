#include "engine/db_querier.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "engine/chunk_series.h"
#include "engine/store/chunk_record.h"
#include "engine/store/keys.h"

namespace vigil::engine {

namespace {

struct Selected {
  uint64_t ref;
  std::unique_ptr<ChunkSeries> series;  // holds labels and head chunks
  int64_t store_before;  // store chunks must end before this (head's first)
};

class DbSeriesSet final : public SeriesSet {
 public:
  DbSeriesSet(std::vector<Selected> selected, RocksStore* store, int64_t mint, int64_t maxt)
      : selected_(std::move(selected)), store_(store), mint_(mint), maxt_(maxt) {}

  bool Next() override {
    while (++pos_ < selected_.size()) {
      Selected& sel = selected_[pos_];
      // Store chunks first (older), then the head's; rebuild in time order.
      auto head_part = std::move(sel.series);
      current_ = std::make_unique<ChunkSeries>(head_part->labels());
      if (sel.store_before > mint_ && !ReadStoreChunks(sel)) return false;
      for (const ChunkView& c : head_part->chunks()) {
        current_->AddChunk(c.min_t, c.max_t, c.encoding, c.bytes);
      }
      if (!current_->chunks().empty()) return true;
    }
    return false;
  }
  const Series& At() const override { return *current_; }
  Status status() const override { return status_; }

 private:
  bool ReadStoreChunks(const Selected& sel) {
    if (!iter_) iter_ = store_->NewIterator(Cf::kChunks);
    // Keys are ref ‖ max_t: start at the first chunk ending at or after mint.
    iter_->Seek(ChunkKey(sel.ref, mint_));
    for (; iter_->Valid(); iter_->Next()) {
      uint64_t ref;
      int64_t max_t;
      std::string_view key = iter_->key();
      if (key.size() != 16) break;
      DecodeChunkKey(key, &ref, &max_t);
      if (ref != sel.ref || max_t >= sel.store_before) break;
      ChunkRecord rec;
      Status st = DecodeChunkRecord(iter_->value(), max_t, &rec);
      if (!st.ok()) {
        status_ = Status::Corruption("chunk of series " + std::to_string(ref) + ": " + st.message());
        return false;
      }
      if (rec.min_t > maxt_) break;
      switch (rec.encoding) {
        case kRecordXor:
          current_->AddChunk(rec.min_t, max_t, kEncodingXor, rec.payload);
          break;
        case kRecordSplitInline:
          current_->AddChunk(rec.min_t, max_t, kEncodingSplit, rec.payload);
          break;
        default: {  // kRecordSplitSharedTs
          const std::string* ts = nullptr;
          if (!FetchTs(max_t, rec.ts_hash, &ts)) return false;
          // Retention dropped the stream first: the chunk is past retention
          // too, so it is skipped rather than reported.
          if (ts == nullptr) continue;
          std::string chunk;
          chunk.reserve(5 + ts->size() + rec.payload.size());
          PutVarint64(&chunk, ts->size());
          chunk.append(*ts);
          chunk.append(rec.payload);
          current_->AddChunk(rec.min_t, max_t, kEncodingSplit, std::move(chunk));
        }
      }
    }
    status_ = iter_->status();
    return status_.ok();
  }

  // Points *ts at the timestamp stream (nullptr if it is gone). Series of
  // one target are adjacent in ref order and share streams, so recent
  // streams are kept for this set's lifetime (bounded).
  bool FetchTs(int64_t max_t, uint64_t hash, const std::string** ts) {
    std::string key = TsKey(max_t, hash);
    auto it = ts_cache_.find(key);
    if (it != ts_cache_.end()) {
      *ts = it->second.has_value() ? &*it->second : nullptr;
      return true;
    }
    if (ts_cache_.size() >= kTsCacheEntries) ts_cache_.clear();
    std::string value;
    Status st = store_->Get(Cf::kTimestamps, key, &value);
    if (st.code() == StatusCode::kNotFound) {
      ts_cache_.emplace(std::move(key), std::nullopt);
      *ts = nullptr;
      return true;
    }
    if (!st.ok()) {
      status_ = st;
      return false;
    }
    auto ins = ts_cache_.emplace(std::move(key), std::move(value));
    *ts = &*ins.first->second;
    return true;
  }

  static constexpr size_t kTsCacheEntries = 4096;
  std::unordered_map<std::string, std::optional<std::string>> ts_cache_;
  std::vector<Selected> selected_;
  RocksStore* store_;
  int64_t mint_, maxt_;
  size_t pos_ = static_cast<size_t>(-1);
  std::unique_ptr<ChunkSeries> current_;
  std::unique_ptr<StoreIterator> iter_;
  Status status_;
};

class EmptySeriesSet final : public SeriesSet {
 public:
  bool Next() override { return false; }
  const Series& At() const override { std::abort(); }
  Status status() const override { return Status::OK(); }
};

}  // namespace

template <typename Fn>
void DbQuerier::ForEachMatching(const Matchers& matchers, Fn&& fn) {
  std::shared_lock<std::shared_mutex> guard(head_->reclaim_mutex());
  RefList refs = head_->postings().ForMatchers(matchers);
  SeriesTable& table = head_->series();
  for (uint64_t ref : refs) {
    MemSeries* s = table.Get(ref);
    if (s == nullptr) continue;
    std::lock_guard<std::mutex> lock(table.LockFor(ref));
    if (s->deleted || s->last_t == kNoTime) continue;
    if (s->last_t < mint_ || (s->first_t != kNoTime && s->first_t > maxt_)) continue;
    fn(*s);
  }
}

std::unique_ptr<SeriesSet> DbQuerier::Select(const Matchers& matchers, bool sorted) {
  std::vector<Selected> selected;
  ForEachMatching(matchers, [&](MemSeries& ms) {
      MemSeries* s = &ms;
      uint64_t ref = s->ref;
      Selected sel{ref, std::make_unique<ChunkSeries>(s->labels), INT64_MAX};
      if (s->sealed) {
        for (const SealedChunk& c : *s->sealed) {
          sel.store_before = std::min(sel.store_before, c.min_t);
          if (c.max_t >= mint_ && c.min_t <= maxt_) sel.series->AddChunk(c.min_t, c.max_t, kEncodingSplit, c.bytes);
        }
      }
      if (s->open.num_samples() > 0) {
        sel.store_before = std::min(sel.store_before, s->open.min_t());
        if (s->open.max_t() >= mint_ && s->open.min_t() <= maxt_) {
          sel.series->AddChunk(s->open.min_t(), s->open.max_t(), kEncodingSplit, s->open.Chunk());
        }
      }
      selected.push_back(std::move(sel));
  });
  if (selected.empty()) return std::make_unique<EmptySeriesSet>();
  if (sorted) {
    std::sort(selected.begin(), selected.end(), [](const Selected& a, const Selected& b) {
      return Compare(a.series->labels(), b.series->labels()) < 0;
    });
  }
  // The store is read after every head copy was taken (see the header).
  return std::make_unique<DbSeriesSet>(std::move(selected), store_, mint_, maxt_);
}

Result<std::vector<Labels>> DbQuerier::SeriesLabels(const Matchers& matchers) {
  std::vector<Labels> out;
  ForEachMatching(matchers, [&](MemSeries& s) { out.push_back(s.labels); });
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> DbQuerier::LabelNames(const Matchers& matchers) {
  if (matchers.empty()) return head_->postings().LabelNames();
  std::set<std::string, std::less<>> names;
  ForEachMatching(matchers, [&](MemSeries& s) {
    for (const auto& l : s.labels) {
      if (names.find(l.name) == names.end()) names.emplace(l.name);
    }
  });
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::vector<std::string>> DbQuerier::LabelValues(std::string_view name, const Matchers& matchers) {
  if (matchers.empty()) return head_->postings().LabelValues(name);
  std::set<std::string, std::less<>> values;
  ForEachMatching(matchers, [&](MemSeries& s) {
    std::string_view v = s.labels.Get(name);
    if (!v.empty() && values.find(v) == values.end()) values.emplace(v);
  });
  return std::vector<std::string>(values.begin(), values.end());
}

}  // namespace vigil::engine
