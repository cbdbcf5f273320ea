#include "engine/db_querier.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "engine/chunk_series.h"
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
      ByteReader r(iter_->value());
      uint8_t enc;
      int64_t min_t;
      if (!r.GetByte(&enc) || !r.GetVarsint64(&min_t)) {
        status_ = Status::Corruption("chunk value of series " + std::to_string(ref));
        return false;
      }
      if (min_t > maxt_) break;
      std::string_view payload;
      (void)r.GetBytes(r.remaining(), &payload);
      current_->AddChunk(min_t, max_t, enc, payload);
    }
    status_ = iter_->status();
    return status_.ok();
  }

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
          if (c.max_t >= mint_ && c.min_t <= maxt_) sel.series->AddChunk(c.min_t, c.max_t, 1, c.bytes);
        }
      }
      if (s->open.num_samples() > 0) {
        sel.store_before = std::min(sel.store_before, s->open.min_t());
        if (s->open.max_t() >= mint_ && s->open.min_t() <= maxt_) {
          sel.series->AddChunk(s->open.min_t(), s->open.max_t(), 1, s->open.bytes());
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
