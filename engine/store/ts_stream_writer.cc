#include "engine/store/ts_stream_writer.h"

#include "engine/store/keys.h"

namespace vigil::engine {

Result<bool> TsStreamWriter::Prepare(WriteBatch* wb, int64_t max_t, uint64_t hash, std::string_view ts) {
  std::string key = TsKey(max_t, hash);
  auto it = recent_.find(key);
  if (it != recent_.end()) {
    if (it->second != ts) return false;
    ++shared_;
    return true;
  }
  std::string stored;
  Status st = store_->Get(Cf::kTimestamps, key, &stored);
  if (st.ok()) {
    if (stored != ts) return false;
    ++shared_;
    // Already durable: remembering it does not depend on the open batch.
    Remember(std::move(key), ts);
    return true;
  }
  if (st.code() != StatusCode::kNotFound) return st;
  if (!dirty_) pending_from_ = order_.size();
  dirty_ = true;
  wb->Put(Cf::kTimestamps, key, ts);
  ++written_;
  Remember(std::move(key), ts);
  return true;
}

void TsStreamWriter::Remember(std::string key, std::string_view ts) {
  // Eviction never reaches keys of the open batch: BatchDone(false) must
  // be able to forget them, so the set may briefly exceed its capacity.
  while (order_.size() >= capacity_ && (!dirty_ || pending_from_ > 0)) {
    recent_.erase(order_.front());
    order_.pop_front();
    if (dirty_) --pending_from_;
  }
  recent_.emplace(key, ts);
  order_.push_back(std::move(key));
}

void TsStreamWriter::BatchDone(bool committed) {
  if (!dirty_) return;
  if (!committed) {
    // Forget everything remembered since the batch opened: a key learnt
    // from a store read is merely re-read later.
    while (order_.size() > pending_from_) {
      recent_.erase(order_.back());
      order_.pop_back();
    }
  }
  dirty_ = false;
  pending_from_ = order_.size();
}

}  // namespace vigil::engine
