// Head: the in-memory part of the DB. It owns the series table and the
// postings index, applies committed batches to open chunks (cutting and
// persisting sealed chunks), runs the group-commit pipeline that makes
// batches durable in the `log` column family, replays that log at startup,
// and does maintenance (sealing idle series, truncating the log, collecting
// series with no data left). Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/head/mem_series.h"
#include "engine/head/series_table.h"
#include "engine/index/mem_postings.h"
#include "engine/options.h"
#include "engine/storage.h"
#include "engine/store/rocks_store.h"
#include "engine/store/ts_stream_writer.h"

namespace vigil::engine {

struct PendingSample {
  MemSeries* series;
  int64_t t;
  double v;
};

// One appender's batch on its way through the commit pipeline.
struct CommitRequest {
  std::string record;                 // encoded log record (log_record.h)
  std::vector<PendingSample> samples;  // the same samples, resolved
  // Series whose labels may not be persisted yet → min t in this batch.
  std::unordered_map<MemSeries*, int64_t> new_series;
  AppendStats* stats = nullptr;
  Status status;
  uint64_t seq = 0;
  bool done = false;
  std::condition_variable cv;  // wakes this committer (guarded by commit_mu_)
};

// Counts for /metrics and tests. Monotonic except the gauges.
struct HeadStats {
  uint64_t series = 0;           // gauge: series in the head
  uint64_t series_with_open_chunk = 0;  // gauge
  uint64_t chunks_persisted = 0;
  uint64_t log_records_replayed = 0;
  uint64_t samples_replayed = 0;
  uint64_t log_start_seq = 0;    // gauge: oldest log record kept
  uint64_t next_seq = 0;         // gauge
  uint64_t series_collected = 0;
  uint64_t chunks_checkpointed = 0;
  uint64_t commit_groups = 0;
  uint64_t ts_streams_written = 0;  // distinct timestamp streams stored
  uint64_t ts_streams_shared = 0;   // chunks that reused a stored stream
};

class Head {
 public:
  Head(RocksStore* store, const DbOptions& options, const Clock* clock);
  ~Head();
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  // Loads series and watermarks from the store and replays the log.
  Status Load();

  SeriesTable& series() { return series_; }
  const MemPostings& postings() const { return postings_; }
  const DbOptions& options() const { return options_; }
  const Clock* clock() const { return clock_; }
  RocksStore* store() { return store_; }

  // Finds or creates the series for `labels` (validated by the caller).
  MemSeries* GetOrCreate(const Labels& labels);

  // Makes the batch durable and applies it (head_commit.cc). Returns after
  // the log write is synced and the samples are visible to queries.
  Status Commit(CommitRequest* req);

  // Held shared by appenders and by queriers while they dereference
  // MemSeries pointers; held exclusively to free garbage-collected series.
  std::shared_mutex& reclaim_mutex() { return reclaim_mu_; }

  // Maintenance (head_maintenance.cc), each ordered with commits.
  // Seals open chunks of series idle for options.idle_seal_after_ms.
  Status SealIdleSeries();
  // Deletes log records whose samples all live in persisted chunks.
  Status TruncateLog();
  // Writes the open chunks of series whose chunk holds samples older than
  // the previous checkpoint round to the `head` family. REQUIRES: apply
  // turn held. Called by TruncateLog once per checkpoint interval.
  Status CheckpointOpenChunks();
  // Drops series with no data newer than now - retention.
  Status CollectGarbage();
  // Seals every open chunk (shutdown, snapshots) and truncates the log.
  Status SealAll();

  HeadStats stats() const;

 private:
  enum class Outcome { kAccepted, kSameDuplicate, kOutOfOrder, kDuplicate, kDeleted };

  // Applies one committed sample. REQUIRES: apply turn and stripe lock
  // held. Queues the series in to_persist_ when it got a sealed chunk.
  Outcome ApplySample(MemSeries* s, int64_t t, double v, uint64_t seq, int64_t now_ms);
  // Moves the open chunk into s->sealed. REQUIRES: stripe lock held.
  void CutOpenChunk(MemSeries* s);
  // Writes the sealed chunks of the series in to_persist_ to the store,
  // then drops them from the head; on failure they stay queued and are
  // retried by the next call. REQUIRES: apply turn held.
  Status PersistSealed();
  Status ReplayLog();

  // The apply stage runs in ticket order (= log order).
  uint64_t TakeApplyTicket();
  void WaitApplyTurn(uint64_t ticket);
  void EndApplyTurn();
  Status SealWhere(bool all);

  RocksStore* store_;
  DbOptions options_;
  const Clock* clock_;
  SeriesTable series_;
  MemPostings postings_;
  std::atomic<uint64_t> next_ref_{1};
  mutable std::shared_mutex reclaim_mu_;

  // Write stage: leader-follower group commit.
  mutable std::mutex commit_mu_;
  std::deque<CommitRequest*> write_queue_;
  uint64_t next_seq_ = 1;            // guarded by commit_mu_
  uint64_t next_apply_ticket_ = 0;   // guarded by commit_mu_
  uint64_t persisted_next_ref_ = 0;  // guarded by commit_mu_

  // Apply stage.
  std::mutex apply_mu_;
  std::condition_variable apply_cv_;
  uint64_t applied_ticket_ = 0;      // guarded by apply_mu_
  uint64_t applied_seq_ = 0;         // written in the apply turn
  uint64_t log_start_ = 1;           // written in the apply turn
  std::vector<MemSeries*> to_persist_;  // apply turn: series with sealed chunks
  TsStreamWriter ts_writer_;             // apply turn: shared timestamp streams
  int64_t last_checkpoint_wall_ms_ = 0;  // apply turn
  std::atomic<uint64_t> log_compacted_below_{0};  // log seq below which the log was compacted
  static constexpr uint64_t kLogCompactEvery = 4096;  // log records
  uint64_t checkpoint_target_seq_ = 0;   // apply turn: seq at the last round

  std::atomic<uint64_t> chunks_persisted_{0};
  std::atomic<uint64_t> series_collected_{0};
  std::atomic<uint64_t> chunks_checkpointed_{0};
  std::atomic<uint64_t> commit_groups_{0};
  uint64_t log_records_replayed_ = 0;
  uint64_t samples_replayed_ = 0;
};

// Floor division for aligning negative timestamps.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace vigil::engine
