// Options for opening a DB. Every field states its default and why.
#pragma once

#include <cstdint>

#include "engine/base/clock.h"

namespace vigil {

struct DbOptions {
  // Drop chunks whose newest sample is older than now - retention_ms.
  // Default 15 days, Prometheus's default. 0 disables retention.
  int64_t retention_ms = 15LL * 24 * 3600 * 1000;

  // Chunk cutting: a head chunk is sealed at this many samples (Prometheus's
  // 120: ~30 min at 15 s, small enough to decode cheaply for short ranges)...
  uint32_t chunk_max_samples = 120;
  // ...or when its timestamp stream reaches this size (irregular series)...
  uint32_t chunk_max_bytes = 1024;
  // ...or when its value stream reaches this size (bounds memory for noisy
  // floats: 120 random doubles take ~1.1 KiB, so only pathological values
  // hit it, and only those series stop sharing their timestamp stream)...
  uint32_t chunk_max_value_bytes = 4096;
  // ...or when a sample crosses a boundary aligned to this many ms (2 h, as
  // Prometheus's head block), so chunks never straddle aligned windows.
  int64_t chunk_range_ms = 2LL * 3600 * 1000;

  // A series with no append for this long (wall time) gets its open chunk
  // sealed, so the log can be truncated past its samples. Default 15 min:
  // a few scrape intervals of even slow jobs, and it bounds the log.
  int64_t idle_seal_after_ms = 15LL * 60 * 1000;
  // How often the background thread seals idle series and truncates the log.
  int64_t maintenance_interval_ms = 10'000;
  // Checkpoint interval: a series whose open chunk holds samples older than
  // the previous checkpoint round gets the chunk written to the `head`
  // family, so the log never needs more than about two intervals of
  // records and a restart replays only that (Prometheus replays the whole
  // WAL since the last 2 h block). Each series is written at most once per
  // interval. 0 disables checkpoints.
  int64_t checkpoint_interval_ms = 5 * 60 * 1000;

  // Sync the log on Commit. Only tests and benchmarks that measure something
  // else turn this off; production keeps it on (acknowledged = durable).
  bool sync_commits = true;

  // RocksDB block cache for chunk reads, bytes. Default 64 MiB.
  uint64_t block_cache_bytes = 64ULL << 20;

  // Wall clock for retention and idle sealing; not owned. nullptr = system.
  const Clock* clock = nullptr;

  // Start the background maintenance thread. Tests that drive maintenance
  // by hand (DB::RunMaintenance) turn it off.
  bool background_maintenance = true;
};

}  // namespace vigil
