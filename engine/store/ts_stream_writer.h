// TsStreamWriter: stores split chunks' timestamp streams once each in the
// `timestamps` family (TsKey(max_t, hash64) → stream). Series scraped
// together produce identical streams; the first chunk to persist one writes
// it, the others only refer to it. A bounded set of recently written streams
// (with their bytes) answers most look-ups without a read; a miss reads the
// store. A key that holds different bytes (a 64-bit hash collision at the
// same max_t) is reported, and the caller stores that chunk inline.
// Single-owner: Head calls it in the apply turn only.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/base/status.h"
#include "engine/store/rocks_store.h"

namespace vigil::engine {

class TsStreamWriter {
 public:
  explicit TsStreamWriter(RocksStore* store, size_t capacity = 16384) : store_(store), capacity_(capacity) {}

  // Makes sure the stream `ts` of a chunk ending at max_t will be stored
  // under TsKey(max_t, hash) once `wb` is written: queues a Put in `wb`
  // unless the stream is already stored or queued. Returns false (and
  // queues nothing) on a hash collision. IOError from the store read.
  Result<bool> Prepare(WriteBatch* wb, int64_t max_t, uint64_t hash, std::string_view ts);
  // The batch holding the queued Puts was written (commit = true) or
  // dropped (false: forget what it queued, it may not be stored).
  void BatchDone(bool committed);

  // Counters, readable from any thread.
  uint64_t streams_written() const { return written_.load(std::memory_order_relaxed); }
  uint64_t streams_shared() const { return shared_.load(std::memory_order_relaxed); }

 private:
  void Remember(std::string key, std::string_view ts);

  RocksStore* store_;
  size_t capacity_;
  std::unordered_map<std::string, std::string> recent_;  // key → stream bytes
  std::deque<std::string> order_;                        // FIFO eviction
  size_t pending_from_ = 0;  // order_ index of the first key queued in the open batch
  bool dirty_ = false;       // order_ holds keys of an unwritten batch
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> shared_{0};
};

}  // namespace vigil::engine
