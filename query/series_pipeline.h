// SeriesPipeline: an ordered parallel map over the series a Select returns.
// The calling thread feeds series in order (Add); Compute runs for each
// series on the caller or on TaskPool helpers; Sink then sees every item
// strictly in feed order, one at a time (never concurrently), so a reduction
// done in Sink (e.g. a float sum) is the same as a serial loop's, bit for bit,
// whatever the thread timing.
//
// With no pool (or threads == 1) every Add computes and sinks inline, reading
// the Series' chunks in place. So do the first kProbeSeries series in any
// case: the pipeline turns parallel only when they show enough work per
// series (decoded samples + output points >= min_work_per_series on
// average), since for light series the copying and hand-off cost more than
// they save (e.g. instant queries over short windows, where Select
// dominates). In parallel mode Add copies the series' labels
// and chunk bytes into a batch (the Series is only valid until the next
// SeriesSet::Next) and batches go to helpers; the caller processes batches
// too when helpers lag, and at Finish. Memory in flight is bounded by about
// 3 x threads batches of kBatchSeries series.
//
// Errors: the first failing item in feed order wins (Compute's or Sink's
// status); after any failure remaining items are skipped. Single-owner:
// Add/Finish from one thread; Compute must be safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/storage.h"
#include "query/task_pool.h"
#include "query/value.h"

namespace vigil::query {

// One series flowing through the pipeline, with the per-series outputs the
// evaluator's Compute fills in for its Sink.
struct PipelineItem {
  Labels labels;                  // as Select returned them
  std::span<const ChunkView> chunks;  // valid during Compute
  // Filled by Compute:
  std::vector<double> v;          // per step
  std::vector<uint8_t> has;       // per step
  uint64_t points = 0;            // steps with a value
  uint64_t decoded = 0;           // samples decoded (the work measure)
  Labels out_labels;              // output labels of the per-series function
  uint64_t out_hash = 0;
  Labels group_labels;            // aggregation group (when aggregating)
  uint64_t group_hash = 0;
  Status status;
  // Parallel mode: owned copies the chunk views point into.
  std::string bytes;
  std::vector<ChunkView> owned_chunks;
};

class SeriesPipeline {
 public:
  // Computes item's outputs from item.labels/chunks. `scratch` is a buffer
  // owned by the calling thread, reused across items. Runs concurrently.
  using ComputeFn = std::function<Status(PipelineItem& item, std::vector<Point>* scratch)>;
  // Consumes one computed item, in feed order, never concurrently.
  using SinkFn = std::function<Status(PipelineItem& item)>;

  static constexpr size_t kBatchSeries = 32;
  static constexpr size_t kProbeSeries = 64;

  // pool may be null (serial); threads counts the caller (1 = serial).
  // min_work_per_series: see above; 0 = parallel from the first series.
  SeriesPipeline(TaskPool* pool, size_t threads, uint64_t min_work_per_series, ComputeFn compute, SinkFn sink);
  ~SeriesPipeline();
  SeriesPipeline(const SeriesPipeline&) = delete;
  SeriesPipeline& operator=(const SeriesPipeline&) = delete;

  // Feeds the next series. False once an item has failed: the caller should
  // stop feeding and call Finish for the error.
  bool Add(const Series& s);
  // Waits for every item to be computed and sunk; the first error in feed
  // order, if any. REQUIRES: called once, after the last Add.
  Status Finish();

 private:
  struct State;
  struct Batch;
  void Push();

  void StartParallel();

  ComputeFn compute_;
  SinkFn sink_;
  bool can_parallel_;
  bool parallel_ = false;
  uint64_t min_work_;
  size_t probed_ = 0;
  uint64_t work_ = 0;
  size_t threads_;
  TaskPool* pool_;
  std::shared_ptr<State> state_;
  std::unique_ptr<Batch> pending_;
  bool pushed_any_ = false;
  // Serial mode.
  PipelineItem item_;
  std::vector<Point> scratch_;
  Status serial_status_;
};

}  // namespace vigil::query
