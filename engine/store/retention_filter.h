// The retention CompactionFilter for the `chunks` column family: a chunk whose
// newest sample (in its key) is older than clock.now - retention is dropped
// when a compaction visits it. Periodic compaction (set in rocks_store.cc)
// makes sure old files are visited. Internal to engine/store.
#pragma once

#include <memory>

#include "engine/base/clock.h"

namespace rocksdb { class CompactionFilterFactory; }

namespace vigil::engine {

// `clock` must outlive the returned factory. retention_ms > 0.
std::shared_ptr<rocksdb::CompactionFilterFactory> NewRetentionFilterFactory(const Clock* clock,
                                                                            int64_t retention_ms);

}  // namespace vigil::engine
