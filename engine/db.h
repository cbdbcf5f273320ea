// DB: vigil's time-series database over one data directory: a Head (open
// chunks, the in-memory index, the redo log) over a RocksStore (series,
// persisted chunks). Implements the Appendable and Queryable roles; runs a
// background thread for maintenance. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/options.h"
#include "engine/storage.h"

namespace vigil {

namespace engine {
class Head;
class RocksStore;
}  // namespace engine

struct DbStats {
  uint64_t series = 0;
  uint64_t series_with_open_chunk = 0;
  uint64_t chunks_persisted = 0;
  uint64_t samples_replayed = 0;
  uint64_t log_records_replayed = 0;
  uint64_t log_start_seq = 0;     // oldest log record kept
  uint64_t next_seq = 0;          // next log record's sequence number
  uint64_t series_collected = 0;
  uint64_t chunks_checkpointed = 0;  // open chunks written by checkpoints
  uint64_t commit_groups = 0;
  uint64_t syncs = 0;             // synced writes issued to RocksDB
  uint64_t log_bytes = 0;         // approximate bytes in the `log` family
  uint64_t chunk_bytes = 0;       // approximate bytes in the `chunks` family
  uint64_t series_bytes = 0;      // approximate bytes in the `series` family
  uint64_t ts_bytes = 0;          // approximate bytes in the `timestamps` family
  uint64_t ts_streams_written = 0;  // distinct timestamp streams stored (this process)
  uint64_t ts_streams_shared = 0;   // persisted chunks that reused a stored stream
};

class DB final : public Queryable {
 public:
  // Opens (creating if needed) the data dir, loads the index and replays
  // the log. IOError/Corruption from storage.
  static Result<std::unique_ptr<DB>> Open(const std::string& dir, const DbOptions& options);
  // Stops maintenance and closes; see Close().
  ~DB() override;
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;

  // A new single-use appender. Thread-safe; each caller gets its own.
  std::unique_ptr<Appender> NewAppender();
  // A querier over [mint, maxt] ms, inclusive.
  Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint_ms, int64_t maxt_ms) override;

  // One maintenance round: seal idle series, truncate the log, and collect
  // series whose data is past retention. The background thread calls it.
  Status RunMaintenance();
  // Seals every open chunk and truncates the log (snapshots, shutdown).
  Status SealHead();
  // Compacts the chunks and timestamps families fully, running the
  // retention filter.
  Status CompactChunks();
  // Flushes memtables and compacts every family to its final form (drops
  // truncated log records, bottommost compression of chunks).
  Status Compact();
  // Seals the head, compacts (as Compact), and writes a consistent copy to
  // `dir`: the data dir is then at its final size.
  Status Snapshot(const std::string& dir);
  // Stops the maintenance thread, seals the head if `seal`, closes
  // RocksDB. Idempotent; the destructor calls Close(false).
  Status Close(bool seal = false);

  DbStats stats() const;
  const std::string& dir() const { return dir_; }

 private:
  DB(std::string dir, const DbOptions& options);
  void MaintenanceLoop();

  std::string dir_;
  DbOptions options_;
  std::unique_ptr<engine::RocksStore> store_;
  std::unique_ptr<engine::Head> head_;
  std::thread maintenance_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool closed_ = false;
};

}  // namespace vigil
