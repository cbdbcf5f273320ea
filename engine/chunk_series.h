// ChunkSeries: a Series backed by a list of encoded chunks it owns (copies of
// head chunks and chunks read from the store), and ChunkListIterator, the
// SampleIterator that walks them in time order with one reusable decoder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/chunk/split_chunk.h"
#include "engine/chunk/xor_chunk.h"
#include "engine/chunk_decode.h"
#include "engine/storage.h"

namespace vigil::engine {

class ChunkListIterator final : public SampleIterator {
 public:
  // `chunks` must outlive the iterator; time-ordered, non-overlapping.
  explicit ChunkListIterator(const std::vector<ChunkView>* chunks) : chunks_(chunks) {}
  bool Next() override;
  bool Seek(int64_t t_ms) override;
  Sample At() const override { return split_ ? it2_.At() : it_.At(); }
  Status status() const override { return status_; }

 private:
  bool OpenChunk(size_t i);
  const std::vector<ChunkView>* chunks_;
  size_t index_ = 0;
  bool opened_ = false;
  bool positioned_ = false;
  bool split_ = false;  // the open chunk is encoding 2 (it2_), else 1 (it_)
  XorIterator it_;
  SplitColumnIterator it2_;
  Status status_;
};

class ChunkSeries final : public Series {
 public:
  explicit ChunkSeries(Labels labels) : labels_(std::move(labels)) {}
  const Labels& labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> NewIterator() const override {
    return std::make_unique<ChunkListIterator>(&chunks_);
  }
  const std::vector<ChunkView>& chunks() const override { return chunks_; }

  // Adds a chunk, taking a copy of its bytes. Chunks go in time order.
  void AddChunk(int64_t min_t, int64_t max_t, uint8_t encoding, std::string_view bytes);
  void AddChunk(int64_t min_t, int64_t max_t, uint8_t encoding, std::string&& bytes);

 private:
  Labels labels_;
  std::vector<std::unique_ptr<std::string>> owned_;  // stable addresses
  std::vector<ChunkView> chunks_;
};

}  // namespace vigil::engine
