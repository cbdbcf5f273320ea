// Evaluator: evaluates a type-checked PromQL AST over a grid of steps
// (one step for instant queries). Every instant-vector node yields a set of
// StepSeries, dense over the steps; range functions and selectors decode
// each series' samples once per evaluation and slide windows over them.
// Internal to query/; single-owner (one per query execution).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <string>
#include <span>
#include <vector>

#include "engine/storage.h"
#include "query/ast.h"
#include "query/engine.h"
#include "query/kernels.h"
#include "query/series_pipeline.h"
#include "query/value.h"

namespace vigil::query {

struct StepGrid {
  int64_t start = 0;  // ms
  int64_t end = 0;
  int64_t step = 1;   // > 0
  size_t size() const { return static_cast<size_t>((end - start) / step) + 1; }
  int64_t At(size_t i) const { return start + static_cast<int64_t>(i) * step; }
};

// One output series of an instant-vector node: a value (or none) per step.
struct StepSeries {
  Labels labels;
  std::vector<double> v;
  std::vector<uint8_t> has;
  size_t Count() const;
};

// A node's value over the grid.
struct EvalValue {
  ValueType type = ValueType::kNone;
  std::vector<double> scalar;      // kScalar: one per step
  std::string str;                 // kString
  std::vector<StepSeries> series;  // kVector
  Matrix range;                    // kMatrix (top-level range vectors only)
};

// Shared across the evaluators of one query (subqueries make nested ones).
struct EvalContext {
  Queryable* storage = nullptr;
  const EngineOptions* options = nullptr;
  int64_t lookback_ms = 0;
  int64_t query_start = 0;  // for @ start()
  int64_t query_end = 0;    // for @ end()
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* cancel = nullptr;
  uint64_t current_samples = 0;
  std::vector<std::string> warnings;
  // Range functions over selectors spread their series over this pool
  // (null or threads == 1: serial); threads counts the querying thread.
  TaskPool* pool = nullptr;
  size_t threads = 1;
};

class Evaluator {
 public:
  Evaluator(EvalContext* ctx, StepGrid grid) : ctx_(ctx), grid_(grid) {}

  Result<EvalValue> Eval(const Expr& e);
  const StepGrid& grid() const { return grid_; }

  // Samples of one series of a range-vector argument, decoded once.
  struct RangeSeries {
    Labels labels;
    std::vector<Point> points;  // ascending (stale markers removed for range arguments)
  };
  struct RangeArg {
    std::vector<RangeSeries> series;
    int64_t range_ms = 0;
    int64_t offset_ms = 0;
    AtModifier at = AtModifier::kNone;
    int64_t at_ms = 0;
    // Equality matchers of the selector (for absent_over_time's labels).
    const Matchers* matchers = nullptr;
  };
  // Evaluates a matrix selector or subquery into per-series samples
  // covering every step's window.
  Result<RangeArg> EvalRangeArg(const Expr& e);
  // Calls fn for each series of a range argument, one at a time: a matrix
  // selector's series are decoded one by one into a reused buffer (memory
  // and the sample limit see one series at a time, as in Prometheus); a
  // subquery is evaluated first. *meta gets the window parameters.
  Status ForEachRangeSeries(const Expr& e, RangeArg* meta, const std::function<Status(RangeSeries&)>& fn);
  // The window bounds [start, end] of step i for a range argument.
  void WindowBounds(const RangeArg& arg, size_t i, int64_t* start, int64_t* end) const;

 private:
  // A range-vector function call (not absent_over_time) as evaluated per
  // series (eval_range_rows.cc).
  struct RangeCallPlan {
    const Call* call = nullptr;
    size_t matrix_arg = 0;
    RangeKernel kernel = nullptr;
    bool keep_name = false;
    bool holt_winters = false;
    bool counter_kernel = false;  // rate/increase: compute RangeWindow::no_resets
    const std::vector<EvalValue>* scalars = nullptr;  // per argument; the matrix one unused
    const AggregateExpr* agg = nullptr;               // set: also compute group labels
  };
  // Fills item's per-step values, points and output (and group) labels for
  // one series' samples. Thread-safe (reads only).
  Status ComputeRangeRow(const RangeCallPlan& plan, const RangeArg& arg, const Labels& labels,
                         std::span<const Point> points, PipelineItem* item) const;
  // Runs ComputeRangeRow over every series of the call's range argument and
  // hands the items to sink in series order: in parallel over a matrix
  // selector's series (ctx_->pool), serially for subqueries.
  Status ForEachRangeRow(const RangeCallPlan& plan, RangeArg* meta, const SeriesPipeline::SinkFn& sink);
  // agg(range_function(...)) for a streaming agg: the call if fusible.
  static const Call* FusibleRangeCall(const AggregateExpr& a);
  // Evaluates it without materialising the per-series vectors; *fused is
  // false when it had to give up (duplicate output label sets), and then
  // the caller evaluates the generic way.
  Result<EvalValue> EvalAggregateOverRange(const AggregateExpr& a, const Call& c, bool* fused);
  Result<RangeCallPlan> PlanRangeCall(const Call& c, size_t matrix_arg, std::vector<EvalValue>* scalars);

  Status CheckDeadline() const;
  Status Account(uint64_t samples);
  void Release(uint64_t samples);

  Result<EvalValue> EvalVectorSelector(const VectorSelector& vs, bool sample_timestamps);
  Result<EvalValue> EvalMatrixTopLevel(const Expr& e);
  Result<EvalValue> EvalSubqueryInner(const SubqueryExpr& sq, StepGrid* inner_grid);
  Result<EvalValue> EvalBinary(const BinaryExpr& b);
  Result<EvalValue> EvalAggregate(const AggregateExpr& a);
  Result<EvalValue> EvalCall(const Call& c);
  Result<EvalValue> EvalRangeFunction(const Call& c, size_t matrix_arg);
  Result<EvalValue> EvalAbsentOverTime(const Call& c, size_t matrix_arg);

  // Selects and decodes series of `vs` in [mint, maxt].
  Status LoadSeries(const VectorSelector& vs, int64_t mint, int64_t maxt, bool keep_stale,
                    std::vector<RangeSeries>* out);
  int64_t SelectorTime(AtModifier at, int64_t at_ms, int64_t offset_ms, size_t step) const;

  EvalContext* ctx_;
  StepGrid grid_;
  friend class BinaryEvaluator;
};

// Output accumulator: series keyed by labels, with the Prometheus check that
// a step never gets two samples with the same label set.
class SeriesAccumulator {
 public:
  explicit SeriesAccumulator(size_t steps) : steps_(steps) {}
  // Adds a value for `labels` at step i; Execution error on a duplicate.
  Status Add(const Labels& labels, size_t i, double v);
  // Index of the series for labels, creating it.
  size_t IndexFor(const Labels& labels);
  // As IndexFor, with labels.Hash() given; takes the labels if new.
  size_t IndexFor(Labels&& labels, uint64_t hash);
  Status AddAt(size_t index, size_t i, double v);
  std::vector<StepSeries> Take() { return std::move(series_); }

 private:
  size_t steps_;
  std::vector<StepSeries> series_;
  std::vector<uint64_t> hashes_;
  std::unordered_multimap<uint64_t, size_t> by_hash_;
};

}  // namespace vigil::query
