// The retention CompactionFilter for the `chunks` and `timestamps` column
// families: a record whose newest sample (in its key) is older than clock.now - retention is dropped
// when a compaction visits it. Periodic compaction (set in rocks_store.cc)
// makes sure old files are visited. Internal to engine/store.
#pragma once

#include <memory>

#include "engine/base/clock.h"

namespace rocksdb { class CompactionFilterFactory; }

namespace vigil::engine {

// Where the newest sample time sits in the key: `chunks` keys are
// ref ‖ ordered(max_t), `timestamps` keys ordered(max_t) ‖ hash.
enum class RetentionKey { kChunk, kTimestamps };

// `clock` must outlive the returned factory. retention_ms > 0.
std::shared_ptr<rocksdb::CompactionFilterFactory> NewRetentionFilterFactory(const Clock* clock,
                                                                            int64_t retention_ms,
                                                                            RetentionKey layout);

}  // namespace vigil::engine
