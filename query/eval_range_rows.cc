// Range-vector functions evaluated series by series: the per-series kernel
// loop (two pointers sliding over the decoded samples), the parallel walk
// over a matrix selector's series (SeriesPipeline: decode and kernels on
// several threads, results consumed in series order), the plain
// range-function result, and the fused `agg(range_function(...))` that
// accumulates each series straight into its group's row.
#include <algorithm>
#include <array>
#include <unordered_set>

#include "engine/chunk_decode.h"
#include "query/agg_cell.h"
#include "query/evaluator.h"
#include "query/function_defs.h"
#include "query/labels_util.h"

namespace vigil::query {

namespace {

const Expr& Unparen(const Expr& e) {
  const Expr* x = &e;
  while (x->kind == ExprKind::kParen) x = As<ParenExpr>(*x).expr.get();
  return *x;
}

bool KeepsMetricName(std::string_view name) { return name == "last_over_time"; }

// The argument index of the call's range vector, or SIZE_MAX.
size_t MatrixArg(const Call& c) {
  for (size_t a = 0; a < c.args.size(); ++a) {
    if (c.func->arg_types[std::min(a, c.func->arg_types.size() - 1)] == ValueType::kMatrix) return a;
  }
  return SIZE_MAX;
}

}  // namespace

Result<Evaluator::RangeCallPlan> Evaluator::PlanRangeCall(const Call& c, size_t matrix_arg,
                                                          std::vector<EvalValue>* scalars) {
  RangeCallPlan plan;
  plan.call = &c;
  plan.matrix_arg = matrix_arg;
  plan.kernel = LookupRangeKernel(c.func->name);
  if (plan.kernel == nullptr) return Status::Internal("no range kernel for " + std::string(c.func->name));
  plan.keep_name = KeepsMetricName(c.func->name);
  plan.holt_winters = c.func->name == "holt_winters";
  plan.counter_kernel = c.func->name == "rate" || c.func->name == "increase";
  scalars->resize(c.args.size());
  for (size_t a = 0; a < c.args.size(); ++a) {
    if (a == matrix_arg) continue;
    ASSIGN_OR_RETURN((*scalars)[a], Eval(*c.args[a]));
  }
  plan.scalars = scalars;
  return plan;
}

Status Evaluator::ComputeRangeRow(const RangeCallPlan& plan, const RangeArg& arg, const Labels& labels,
                                  std::span<const Point> pts, PipelineItem* item) const {
  const size_t n = grid_.size();
  const size_t nargs = plan.call->args.size();
  item->v.assign(n, 0);
  item->has.assign(n, 0);
  item->points = 0;
  std::array<double, 4> step_scalars{};
  // rate/increase: resets[j] counts the samples in [1, j] below their
  // predecessor, so a window [lo, hi) has none when resets[hi-1] == resets[lo]
  // and the kernel may skip its reset pass (same result, bit for bit).
  thread_local std::vector<uint32_t> resets;
  const bool track_resets = plan.counter_kernel && !pts.empty();
  if (track_resets) {
    resets.resize(pts.size());
    uint32_t c = 0;
    resets[0] = 0;
    for (size_t j = 1; j < pts.size(); ++j) {
      c += pts[j].v < pts[j - 1].v;
      resets[j] = c;
    }
  }
  size_t lo = 0, hi = 0;
  int64_t prev_start = 0;
  for (size_t i = 0; i < n; ++i) {
    // WindowBounds(arg, i, ...), inlined: the step's time (or @) - offset.
    const int64_t end = (arg.at == AtModifier::kNone ? grid_.At(i) : arg.at_ms) - arg.offset_ms;
    const int64_t start = end - arg.range_ms;
    if (i > 0 && start < prev_start) lo = hi = 0;  // windows moved back (cannot with fixed @): rescan
    prev_start = start;
    while (lo < pts.size() && pts[lo].t < start) ++lo;
    if (hi < lo) hi = lo;
    while (hi < pts.size() && pts[hi].t <= end) ++hi;
    if (hi == lo) continue;  // Prometheus calls functions on non-empty windows only
    size_t ns = 0;
    for (size_t a = 0; a < nargs && ns < step_scalars.size(); ++a) {
      if (a != plan.matrix_arg) step_scalars[ns++] = (*plan.scalars)[a].scalar[i];
    }
    if (plan.holt_winters) {
      // Checked only when the function runs, as upstream does.
      std::string err = HoltWintersArgsError(step_scalars[0], step_scalars[1]);
      if (!err.empty()) return Status::Execution(err);
    }
    RangeWindow w;
    w.points = pts.subspan(lo, hi - lo);
    w.range_start = start;
    w.range_end = end;
    w.step_t = grid_.At(i);  // predict_linear extrapolates from the step's time
    w.scalars = std::span<const double>(step_scalars.data(), ns);
    w.no_resets = track_resets && resets[hi - 1] == resets[lo];
    double v;
    if (!plan.kernel(w, &v)) continue;
    item->has[i] = 1;
    item->v[i] = v;
    ++item->points;
  }
  if (item->points == 0) return Status::OK();
  item->out_labels = plan.keep_name ? labels : DropMetricName(labels);
  item->out_hash = item->out_labels.Hash();
  if (plan.agg != nullptr) {
    item->group_labels = GroupLabels(item->out_labels, *plan.agg);
    item->group_hash = item->group_labels.Hash();
  }
  return Status::OK();
}

Status Evaluator::ForEachRangeRow(const RangeCallPlan& plan, RangeArg* meta, const SeriesPipeline::SinkFn& sink) {
  const Expr& x = Unparen(*plan.call->args[plan.matrix_arg]);
  if (x.kind != ExprKind::kMatrixSelector) {
    PipelineItem item;
    return ForEachRangeSeries(x, meta, [&](RangeSeries& rs) -> Status {
      RETURN_IF_ERROR(ComputeRangeRow(plan, *meta, rs.labels, rs.points, &item));
      return sink(item);
    });
  }
  const auto& ms = As<MatrixSelector>(x);
  const auto& vs = As<VectorSelector>(*ms.vector_selector);
  meta->range_ms = ms.range_ms;
  meta->offset_ms = vs.offset_ms;
  meta->at = vs.at;
  meta->at_ms = vs.at_ms;
  meta->matchers = &vs.matchers;
  const size_t n = grid_.size();
  int64_t a = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, 0);
  int64_t b = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, n - 1);
  const int64_t mint = std::min(a, b) - ms.range_ms, maxt = std::max(a, b);
  RETURN_IF_ERROR(CheckDeadline());
  ASSIGN_OR_RETURN(auto querier, ctx_->storage->NewQuerier(mint, maxt));
  auto set = querier->Select(vs.matchers, /*sorted=*/false);
  // The sample limit sees one series at a time on top of what the query
  // already holds, as the serial walk (Account, then Release) does; each
  // series is checked on its own, so the outcome does not depend on which
  // series happen to be decoded at the same moment.
  const uint64_t base = ctx_->current_samples;
  const uint64_t max_samples = ctx_->options->max_samples;
  const RangeArg& arg = *meta;
  SeriesPipeline pipe(
      ctx_->pool, ctx_->threads, ctx_->options->parallel_min_work_per_series,
      [&](PipelineItem& item, std::vector<Point>* scratch) -> Status {
        RETURN_IF_ERROR(CheckDeadline());
        scratch->clear();
        for (const ChunkView& c : item.chunks) {
          RETURN_IF_ERROR(AppendChunkSamples(c, mint, maxt, /*skip_stale=*/true, scratch));
        }
        item.decoded = scratch->size();
        if (base + scratch->size() > max_samples) {
          return Status::LimitExceeded(
              "query processing would load too many samples into memory in query execution");
        }
        return ComputeRangeRow(plan, arg, item.labels, *scratch, &item);
      },
      sink);
  size_t visited = 0;
  Status st;
  while (set->Next()) {
    if (++visited % 256 == 0) {
      st = CheckDeadline();
      if (!st.ok()) break;
    }
    if (!pipe.Add(set->At())) break;
  }
  Status done = pipe.Finish();
  RETURN_IF_ERROR(done);
  RETURN_IF_ERROR(st);
  return set->status();
}

Result<EvalValue> Evaluator::EvalRangeFunction(const Call& c, size_t matrix_arg) {
  const size_t n = grid_.size();
  std::vector<EvalValue> scalars;
  ASSIGN_OR_RETURN(RangeCallPlan plan, PlanRangeCall(c, matrix_arg, &scalars));
  SeriesAccumulator acc(n);
  uint64_t points = 0;
  RangeArg arg;
  RETURN_IF_ERROR(ForEachRangeRow(plan, &arg, [&](PipelineItem& item) -> Status {
    if (item.points == 0) return Status::OK();
    size_t idx = acc.IndexFor(std::move(item.out_labels), item.out_hash);
    for (size_t i = 0; i < n; ++i) {
      if (item.has[i]) RETURN_IF_ERROR(acc.AddAt(idx, i, item.v[i]));
    }
    points += item.points;
    return Status::OK();
  }));
  EvalValue out;
  out.type = ValueType::kVector;
  out.series = acc.Take();
  RETURN_IF_ERROR(Account(points));
  return out;
}

const Call* Evaluator::FusibleRangeCall(const AggregateExpr& a) {
  if (!IsStreamingAggregate(a.op) || a.param) return nullptr;
  const Expr& e = Unparen(*a.expr);
  if (e.kind != ExprKind::kCall) return nullptr;
  const Call& c = As<Call>(e);
  if (MatrixArg(c) == SIZE_MAX || c.func->name == "absent_over_time") return nullptr;
  if (LookupRangeKernel(c.func->name) == nullptr) return nullptr;
  return &c;
}

Result<EvalValue> Evaluator::EvalAggregateOverRange(const AggregateExpr& a, const Call& c, bool* fused) {
  *fused = true;
  const size_t n = grid_.size();
  std::vector<EvalValue> scalars;
  ASSIGN_OR_RETURN(RangeCallPlan plan, PlanRangeCall(c, MatrixArg(c), &scalars));
  plan.agg = &a;
  struct Group {
    Labels labels;
    std::vector<AggCell> cells;  // per step
    size_t first_step = SIZE_MAX;  // first step with a value, and the first
    uint64_t first_series = 0;     // series with a value there: output order
  };
  std::vector<Group> groups;
  std::unordered_multimap<uint64_t, size_t> group_by_hash;
  // The range function's output label sets, to detect two series that
  // would collide (an error, or a merge, in the generic path).
  std::unordered_set<uint64_t> out_hashes;
  bool collision = false;
  uint64_t points = 0;
  uint64_t series_index = 0;
  const AggregateOp op = a.op;
  RangeArg arg;
  Status st = ForEachRangeRow(plan, &arg, [&](PipelineItem& item) -> Status {
    if (item.points == 0) return Status::OK();
    const uint64_t k = series_index++;
    if (!out_hashes.insert(item.out_hash).second) {
      collision = true;
      return Status::Internal("fused aggregation: duplicate output labels");
    }
    size_t g = SIZE_MAX;
    auto [b, e] = group_by_hash.equal_range(item.group_hash);
    for (auto it = b; it != e; ++it) {
      if (groups[it->second].labels == item.group_labels) g = it->second;
    }
    if (g == SIZE_MAX) {
      g = groups.size();
      Group& ng = groups.emplace_back();
      ng.labels = std::move(item.group_labels);
      ng.cells.resize(n);
      group_by_hash.emplace(item.group_hash, g);
    }
    Group& grp = groups[g];
    AggCell* cells = grp.cells.data();
    for (size_t i = 0; i < n; ++i) {
      if (!item.has[i]) continue;
      if (i < grp.first_step) {
        grp.first_step = i;
        grp.first_series = k;
      }
      AggAdd(op, cells[i], item.v[i]);
    }
    points += item.points;
    return Status::OK();
  });
  if (collision) {
    *fused = false;
    return Status::Internal("fused aggregation gave up");
  }
  RETURN_IF_ERROR(st);
  // The range function's output would have been accounted (and kept) here.
  RETURN_IF_ERROR(Account(points));
  // Output order of the generic path: groups by first appearance, step by
  // step, in input-series order.
  std::vector<size_t> order(groups.size());
  for (size_t g = 0; g < order.size(); ++g) order[g] = g;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (groups[x].first_step != groups[y].first_step) return groups[x].first_step < groups[y].first_step;
    return groups[x].first_series < groups[y].first_series;
  });
  EvalValue out;
  out.type = ValueType::kVector;
  out.series.reserve(groups.size());
  for (size_t g : order) {
    Group& grp = groups[g];
    StepSeries s;
    s.labels = std::move(grp.labels);
    s.v.assign(n, 0);
    s.has.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      if (grp.cells[i].count == 0) continue;
      s.has[i] = 1;
      s.v[i] = AggResult(op, grp.cells[i]);
    }
    out.series.push_back(std::move(s));
  }
  return out;
}

}  // namespace vigil::query
