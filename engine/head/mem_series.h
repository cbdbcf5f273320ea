// MemSeries: one series in the head: its labels, its open chunk encoder and
// the state that ingest rules and log replay need. Externally synchronized:
// every field but `ref` and `labels` is guarded by the series' stripe lock
// in SeriesTable (see series_table.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/labels.h"
#include "engine/chunk/split_chunk.h"

namespace vigil::engine {

inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
// open_first_seq of a series whose open chunk needs no log record.
inline constexpr uint64_t kNoSeq = std::numeric_limits<uint64_t>::max();

// A chunk cut from the open encoder but not yet written to the store.
struct SealedChunk {
  int64_t min_t;
  int64_t max_t;
  double last_v;  // value at max_t
  std::string bytes;  // self-contained split chunk (split_chunk.h)
};

struct MemSeries {
  MemSeries(uint64_t r, Labels l) : ref(r), labels(std::move(l)) {}

  const uint64_t ref;
  const Labels labels;

  // Lower bound of every stored sample's time (a query-time filter).
  int64_t first_t = kNoTime;
  // Newest accepted sample (head or persisted): ingest rules compare to it.
  int64_t last_t = kNoTime;
  double last_v = 0;
  // Newest sample that is durable outside the log (in a persisted chunk or
  // a checkpointed open chunk); log replay skips samples up to it.
  int64_t persisted_max_t = kNoTime;

  SplitEncoder open;               // open chunk (may be empty)
  // Log seq of the open chunk's oldest sample that is durable only in the
  // log; kNoSeq when there is none (empty or checkpointed chunk).
  uint64_t open_first_seq = kNoSeq;
  int64_t open_window_end = 0;     // the open chunk is cut at this aligned time
  std::unique_ptr<std::vector<SealedChunk>> sealed;  // cut, not yet persisted
  int64_t last_append_wall_ms = 0;  // wall time of the last accepted sample
  std::atomic<bool> labels_persisted{false};  // in the `series` column family
  bool deleted = false;             // garbage-collected; ignore

  bool HasHeadData() const { return open.num_samples() > 0 || (sealed && !sealed->empty()); }
  // Bytes of memory this series holds (for the memory statistics).
  size_t MemoryBytes() const;
};

}  // namespace vigil::engine
