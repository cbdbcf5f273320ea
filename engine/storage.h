// The engine's public storage interfaces, after Prometheus's storage package:
// Appender (buffered writes, Commit/Rollback), Querier (Select over a time
// range), SeriesSet/Series and the forward-only SampleIterator. The query
// layer and the server see storage only through these.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/matcher.h"
#include "engine/base/sample.h"
#include "engine/base/status.h"

namespace vigil {

// Identifies a series for the life of a data dir; never reused. 0 = unknown.
using SeriesRef = uint64_t;

// Forward-only iterator over one series' samples in time order.
// Single-owner; valid while the Series (and Querier) that made it lives.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Advances to the next sample; false at the end or on error.
  virtual bool Next() = 0;
  // Advances to the first sample with t >= t_ms. A no-op returning true when
  // the current sample already qualifies. Never moves backwards.
  virtual bool Seek(int64_t t_ms) = 0;
  // REQUIRES: the last Next/Seek returned true.
  virtual Sample At() const = 0;
  // Check after Next/Seek returned false: OK at a clean end.
  virtual Status status() const = 0;
};

// An encoded chunk of one series as handed to readers: the bytes are owned by
// the Series and valid as long as it is.
struct ChunkView {
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint8_t encoding = 0;  // 1 = XOR float chunk
  std::string_view bytes;
};

class Series {
 public:
  virtual ~Series() = default;
  virtual const Labels& labels() const = 0;
  // Iterates the series' samples within the querier's [mint, maxt] plus
  // whatever else the overlapping chunks hold (callers bound by time).
  virtual std::unique_ptr<SampleIterator> NewIterator() const = 0;
  // The chunks overlapping the querier's range, in time order, not
  // overlapping each other. For readers that decode chunks themselves.
  virtual const std::vector<ChunkView>& chunks() const = 0;
};

// A sorted (by labels) stream of series. Single-owner.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // REQUIRES: the last Next() returned true. Valid until the next Next().
  virtual const Series& At() const = 0;
  virtual Status status() const = 0;
};

// A read view over [mint, maxt] (inclusive, milliseconds). Thread-compatible;
// must outlive every SeriesSet and iterator it returns.
class Querier {
 public:
  virtual ~Querier() = default;
  // Series matching all matchers that have samples in the range: sorted by
  // labels when `sorted`, else in series creation order (cheaper, and the
  // order Prometheus's head gives its query engine). At least one matcher
  // should match a non-empty value (as Prometheus requires); with none,
  // every series is returned.
  virtual std::unique_ptr<SeriesSet> Select(const Matchers& matchers, bool sorted = true) = 0;
  // Label sets of the series matching `matchers` with data in the range,
  // sorted, without reading any samples (the /api/v1/series path). The
  // range test may be coarse (a series' first and last sample times).
  virtual Result<std::vector<Labels>> SeriesLabels(const Matchers& matchers) = 0;
  // Sorted label names of series matching `matchers` (all series if empty).
  virtual Result<std::vector<std::string>> LabelNames(const Matchers& matchers) = 0;
  // Sorted values of label `name` over series matching `matchers`.
  virtual Result<std::vector<std::string>> LabelValues(std::string_view name, const Matchers& matchers) = 0;
};

// Something that can open Queriers over time ranges (the DB, or an
// in-memory store in tests). Thread-safe.
class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual Result<std::unique_ptr<Querier>> NewQuerier(int64_t mint_ms, int64_t maxt_ms) = 0;
};

// Per-commit counts of what happened to appended samples.
struct AppendStats {
  uint64_t accepted = 0;
  uint64_t out_of_order = 0;
  uint64_t duplicate = 0;
  uint64_t out_of_bounds = 0;
  uint64_t invalid_labels = 0;
  uint64_t rejected() const { return out_of_order + duplicate + out_of_bounds + invalid_labels; }
};

// Buffers samples, then makes them durable in Commit(). Single-threaded and
// single-use: exactly one of Commit() or Rollback() ends it.
class Appender {
 public:
  virtual ~Appender() = default;
  // Adds a sample. `ref` may be 0 (unknown) or a ref this DB returned before;
  // `labels` are used when the ref is unknown. Returns the series' ref.
  // Errors (the sample is not buffered; earlier ones are unaffected):
  // InvalidArgument (bad labels), OutOfOrder (older than the series' newest
  // committed sample), DuplicateSample (same timestamp, different value; the
  // same value is accepted silently and not stored twice).
  virtual Result<SeriesRef> Append(SeriesRef ref, const Labels& labels, int64_t t_ms, double v) = 0;
  // Durably stores the buffered samples: when OK returns, they survive a
  // crash. Samples that lost a race with a concurrent committer (now out of
  // order or duplicate) are dropped and counted in stats(); the rest commit.
  // IOError when the write failed (nothing of this batch is stored).
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // Counts for this appender (valid after Commit).
  virtual const AppendStats& stats() const = 0;
};

}  // namespace vigil
