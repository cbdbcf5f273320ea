// Bulk decoding of a Series' chunks for readers that want samples in a
// vector (the query engine): no virtual call per sample, each chunk decoded
// once. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/sample.h"
#include "engine/base/status.h"
#include "engine/storage.h"

namespace vigil {

// Appends the samples of `chunk` with mint <= t <= maxt to *out, skipping
// stale markers when skip_stale. Corruption on a damaged chunk (the samples
// before the damage are appended).
Status AppendChunkSamples(const ChunkView& chunk, int64_t mint, int64_t maxt, bool skip_stale,
                          std::vector<Sample>* out);

}  // namespace vigil
