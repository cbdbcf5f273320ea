#include "engine/chunk_series.h"

namespace vigil::engine {

void ChunkSeries::AddChunk(int64_t min_t, int64_t max_t, uint8_t encoding, std::string_view bytes) {
  owned_.push_back(std::make_unique<std::string>(bytes));
  chunks_.push_back(ChunkView{min_t, max_t, encoding, *owned_.back()});
}

void ChunkSeries::AddChunk(int64_t min_t, int64_t max_t, uint8_t encoding, std::string&& bytes) {
  owned_.push_back(std::make_unique<std::string>(std::move(bytes)));
  chunks_.push_back(ChunkView{min_t, max_t, encoding, *owned_.back()});
}

bool ChunkListIterator::OpenChunk(size_t i) {
  index_ = i;
  if (i >= chunks_->size()) return false;
  const ChunkView& c = (*chunks_)[i];
  if (c.encoding != kEncodingXor && c.encoding != kEncodingSplit) {
    status_ = Status::Corruption("unknown chunk encoding " + std::to_string(c.encoding));
    index_ = chunks_->size();
    return false;
  }
  split_ = c.encoding == kEncodingSplit;
  if (split_) {
    it2_.Reset(c.bytes);
  } else {
    it_.Reset(c.bytes);
  }
  opened_ = true;
  return true;
}

bool ChunkListIterator::Next() {
  if (!opened_ && !OpenChunk(0)) return false;
  while (true) {
    if (index_ >= chunks_->size()) return positioned_ = false;
    if ((split_ ? it2_.Next() : it_.Next())) return positioned_ = true;
    if (!(split_ ? it2_.status() : it_.status()).ok()) {
      status_ = split_ ? it2_.status() : it_.status();
      index_ = chunks_->size();
      return positioned_ = false;
    }
    if (!OpenChunk(index_ + 1)) return positioned_ = false;
  }
}

bool ChunkListIterator::Seek(int64_t t_ms) {
  if (positioned_ && At().t >= t_ms) return true;
  if (!opened_ && !OpenChunk(0)) return false;
  // Skip whole chunks that end before t.
  size_t i = index_;
  while (i < chunks_->size() && (*chunks_)[i].max_t < t_ms) ++i;
  if (i >= chunks_->size()) {
    index_ = i;
    return positioned_ = false;
  }
  if (i != index_ && !OpenChunk(i)) return positioned_ = false;
  if (split_ ? it2_.Seek(t_ms) : it_.Seek(t_ms)) return positioned_ = true;
  if (!(split_ ? it2_.status() : it_.status()).ok()) {
    status_ = split_ ? it2_.status() : it_.status();
    return positioned_ = false;
  }
  // The chunk ended before t (its max_t said otherwise only if corrupt).
  return Next();
}

}  // namespace vigil::engine
