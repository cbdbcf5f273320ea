// Feeds the realistic generator's scrape rounds into a DB through Appenders,
// one commit per round (or per `batch_samples`), caching labels and refs per
// series. Used by `vigil demo` and by tests and benchmarks that need a
// populated data dir.
#pragma once

#include <cstdint>
#include <limits>

#include "bench/series_gen.h"
#include "engine/db.h"

namespace vigil::tools {

struct IngestSummary {
  uint64_t samples = 0;   // accepted
  uint64_t rejected = 0;
  uint64_t commits = 0;
  int64_t min_t = std::numeric_limits<int64_t>::max();  // of the samples offered
  int64_t max_t = std::numeric_limits<int64_t>::min();
};

// Appends rounds [first_round, first_round + rounds) of `gen` to `db`,
// committing every `batch_samples` samples (and at the end).
Result<IngestSummary> IngestGenerated(DB& db, gen::SeriesGenerator& gen, int64_t first_round, int64_t rounds,
                                      size_t batch_samples = 10000);

}  // namespace vigil::tools
