// Evaluator core: dispatch, literals, unary and paren, vector selectors,
// range arguments (matrix selectors and subqueries), limits.
#include <algorithm>
#include <bit>
#include <cmath>

#include "engine/base/sample.h"
#include "engine/chunk_decode.h"
#include "query/evaluator.h"
#include "query/labels_util.h"

namespace vigil::query {

size_t StepSeries::Count() const {
  size_t n = 0;
  for (uint8_t h : has) n += h;
  return n;
}

Status SeriesAccumulator::Add(const Labels& labels, size_t i, double v) {
  return AddAt(IndexFor(labels), i, v);
}

size_t SeriesAccumulator::IndexFor(const Labels& labels) {
  uint64_t h = labels.Hash();
  auto [b, e] = by_hash_.equal_range(h);
  for (auto it = b; it != e; ++it) {
    if (series_[it->second].labels == labels) return it->second;
  }
  return IndexFor(Labels(labels), h);
}

size_t SeriesAccumulator::IndexFor(Labels&& labels, uint64_t h) {
  auto [b, e] = by_hash_.equal_range(h);
  for (auto it = b; it != e; ++it) {
    if (series_[it->second].labels == labels) return it->second;
  }
  size_t idx = series_.size();
  StepSeries s;
  s.labels = std::move(labels);
  s.v.assign(steps_, 0);
  s.has.assign(steps_, 0);
  series_.push_back(std::move(s));
  by_hash_.emplace(h, idx);
  return idx;
}

Status SeriesAccumulator::AddAt(size_t index, size_t i, double v) {
  StepSeries& s = series_[index];
  if (s.has[i]) return Status::Execution("vector cannot contain metrics with the same labelset");
  s.has[i] = 1;
  s.v[i] = v;
  return Status::OK();
}

Status Evaluator::CheckDeadline() const {
  if (ctx_->cancel && ctx_->cancel->load(std::memory_order_relaxed)) {
    return Status::Canceled("query was canceled in query execution");
  }
  if (std::chrono::steady_clock::now() > ctx_->deadline) {
    return Status::Timeout("query timed out in query execution");
  }
  return Status::OK();
}

Status Evaluator::Account(uint64_t samples) {
  ctx_->current_samples += samples;
  if (ctx_->current_samples > ctx_->options->max_samples) {
    return Status::LimitExceeded("query processing would load too many samples into memory in query execution");
  }
  return Status::OK();
}

void Evaluator::Release(uint64_t samples) {
  ctx_->current_samples -= std::min(samples, ctx_->current_samples);
}

int64_t Evaluator::SelectorTime(AtModifier at, int64_t at_ms, int64_t offset_ms, size_t step) const {
  int64_t base = at == AtModifier::kNone ? grid_.At(step) : at_ms;
  return base - offset_ms;
}

Status Evaluator::LoadSeries(const VectorSelector& vs, int64_t mint, int64_t maxt, bool keep_stale,
                             std::vector<RangeSeries>* out) {
  RETURN_IF_ERROR(CheckDeadline());
  ASSIGN_OR_RETURN(auto querier, ctx_->storage->NewQuerier(mint, maxt));
  // Creation order, as Prometheus's engine reads its head (unsorted).
  auto set = querier->Select(vs.matchers, /*sorted=*/false);
  uint64_t loaded = 0;
  while (set->Next()) {
    const Series& s = set->At();
    RangeSeries rs;
    rs.labels = s.labels();
    for (const ChunkView& c : s.chunks()) {
      RETURN_IF_ERROR(AppendChunkSamples(c, mint, maxt, !keep_stale, &rs.points));
    }
    // Raw samples count against the limit for range arguments; an instant
    // selector counts the points it outputs (as Prometheus does).
    loaded += rs.points.size();
    if (!keep_stale && loaded > ctx_->options->max_samples) RETURN_IF_ERROR(Account(loaded));
    out->push_back(std::move(rs));
  }
  return set->status();
}

Result<EvalValue> Evaluator::EvalVectorSelector(const VectorSelector& vs, bool sample_timestamps) {
  const size_t n = grid_.size();
  int64_t first = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, 0);
  int64_t last = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, n - 1);
  std::vector<RangeSeries> loaded;
  RETURN_IF_ERROR(LoadSeries(vs, std::min(first, last) - ctx_->lookback_ms, std::max(first, last), true, &loaded));
  EvalValue out;
  out.type = ValueType::kVector;
  uint64_t points = 0;
  for (RangeSeries& rs : loaded) {
    StepSeries ss;
    ss.v.assign(n, 0);
    ss.has.assign(n, 0);
    size_t j = 0;  // first sample with t > ref (refs ascend unless @ pins them)
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      int64_t ref = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, i);
      if (i > 0 && ref < SelectorTime(vs.at, vs.at_ms, vs.offset_ms, i - 1)) j = 0;
      while (j < rs.points.size() && rs.points[j].t <= ref) ++j;
      if (j == 0) continue;
      const Point& p = rs.points[j - 1];
      if (p.t < ref - ctx_->lookback_ms || IsStaleNaN(p.v)) continue;
      ss.has[i] = 1;
      ss.v[i] = sample_timestamps ? static_cast<double>(p.t) / 1000.0 : p.v;
      any = true;
      ++points;
    }
    if (!any) continue;
    ss.labels = std::move(rs.labels);
    out.series.push_back(std::move(ss));
  }
  RETURN_IF_ERROR(Account(points));
  return out;
}

void Evaluator::WindowBounds(const RangeArg& arg, size_t i, int64_t* start, int64_t* end) const {
  *end = SelectorTime(arg.at, arg.at_ms, arg.offset_ms, i);
  *start = *end - arg.range_ms;
}

Result<EvalValue> Evaluator::EvalSubqueryInner(const SubqueryExpr& sq, StepGrid* inner) {
  int64_t step = sq.step_ms > 0 ? sq.step_ms : ctx_->options->default_subquery_step_ms;
  int64_t outer_start = sq.at == AtModifier::kNone ? grid_.start : sq.at_ms;
  int64_t outer_end = sq.at == AtModifier::kNone ? grid_.end : sq.at_ms;
  int64_t lo = outer_start - sq.offset_ms - sq.range_ms;
  // First multiple of step at or after lo (Prometheus: truncating division,
  // then one step forward if below).
  int64_t start = step * (lo / step);
  if (start < lo) start += step;
  inner->start = start;
  inner->end = outer_end - sq.offset_ms;
  inner->step = step;
  if (inner->end < inner->start) {
    EvalValue empty;
    empty.type = ValueType::kVector;
    return empty;
  }
  Evaluator sub(ctx_, *inner);
  return sub.Eval(*sq.expr);
}

Result<Evaluator::RangeArg> Evaluator::EvalRangeArg(const Expr& e) {
  const Expr* x = &e;
  while (x->kind == ExprKind::kParen) x = As<ParenExpr>(*x).expr.get();
  RangeArg arg;
  const size_t n = grid_.size();
  if (x->kind == ExprKind::kMatrixSelector) {
    const auto& ms = As<MatrixSelector>(*x);
    const auto& vs = As<VectorSelector>(*ms.vector_selector);
    arg.range_ms = ms.range_ms;
    arg.offset_ms = vs.offset_ms;
    arg.at = vs.at;
    arg.at_ms = vs.at_ms;
    arg.matchers = &vs.matchers;
    int64_t a = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, 0);
    int64_t b = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, n - 1);
    RETURN_IF_ERROR(LoadSeries(vs, std::min(a, b) - ms.range_ms, std::max(a, b), false, &arg.series));
    uint64_t total = 0;
    for (const auto& s : arg.series) total += s.points.size();
    RETURN_IF_ERROR(Account(total));
    return arg;
  }
  if (x->kind != ExprKind::kSubquery) return Status::Internal("range argument is neither selector nor subquery");
  const auto& sq = As<SubqueryExpr>(*x);
  arg.range_ms = sq.range_ms;
  arg.offset_ms = sq.offset_ms;
  arg.at = sq.at;
  arg.at_ms = sq.at_ms;
  StepGrid inner;
  ASSIGN_OR_RETURN(EvalValue v, EvalSubqueryInner(sq, &inner));
  if (v.type == ValueType::kScalar) {
    RangeSeries rs;
    for (size_t i = 0; i < v.scalar.size(); ++i) rs.points.push_back({inner.At(i), v.scalar[i]});
    arg.series.push_back(std::move(rs));
    return arg;
  }
  for (StepSeries& s : v.series) {
    RangeSeries rs;
    rs.labels = std::move(s.labels);
    for (size_t i = 0; i < s.has.size(); ++i) {
      if (s.has[i]) rs.points.push_back({inner.At(i), s.v[i]});
    }
    arg.series.push_back(std::move(rs));
  }
  return arg;
}

Status Evaluator::ForEachRangeSeries(const Expr& e, RangeArg* meta,
                                     const std::function<Status(RangeSeries&)>& fn) {
  const Expr* x = &e;
  while (x->kind == ExprKind::kParen) x = As<ParenExpr>(*x).expr.get();
  if (x->kind != ExprKind::kMatrixSelector) {
    ASSIGN_OR_RETURN(*meta, EvalRangeArg(e));
    for (RangeSeries& rs : meta->series) RETURN_IF_ERROR(fn(rs));
    meta->series.clear();
    return Status::OK();
  }
  const auto& ms = As<MatrixSelector>(*x);
  const auto& vs = As<VectorSelector>(*ms.vector_selector);
  meta->range_ms = ms.range_ms;
  meta->offset_ms = vs.offset_ms;
  meta->at = vs.at;
  meta->at_ms = vs.at_ms;
  meta->matchers = &vs.matchers;
  const size_t n = grid_.size();
  int64_t a = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, 0);
  int64_t b = SelectorTime(vs.at, vs.at_ms, vs.offset_ms, n - 1);
  int64_t mint = std::min(a, b) - ms.range_ms, maxt = std::max(a, b);
  RETURN_IF_ERROR(CheckDeadline());
  ASSIGN_OR_RETURN(auto querier, ctx_->storage->NewQuerier(mint, maxt));
  auto set = querier->Select(vs.matchers, /*sorted=*/false);
  RangeSeries rs;
  size_t visited = 0;
  while (set->Next()) {
    if (++visited % 256 == 0) RETURN_IF_ERROR(CheckDeadline());
    const Series& s = set->At();
    rs.labels = s.labels();
    rs.points.clear();
    for (const ChunkView& c : s.chunks()) {
      RETURN_IF_ERROR(AppendChunkSamples(c, mint, maxt, /*skip_stale=*/true, &rs.points));
    }
    RETURN_IF_ERROR(Account(rs.points.size()));
    Status st = fn(rs);
    Release(rs.points.size());
    RETURN_IF_ERROR(st);
  }
  return set->status();
}

Result<EvalValue> Evaluator::EvalMatrixTopLevel(const Expr& e) {
  ASSIGN_OR_RETURN(RangeArg arg, EvalRangeArg(e));
  EvalValue out;
  out.type = ValueType::kMatrix;
  int64_t start, end;
  WindowBounds(arg, grid_.size() - 1, &start, &end);
  for (RangeSeries& rs : arg.series) {
    MatrixSeries ms;
    for (const Point& p : rs.points) {
      if (p.t >= start && p.t <= end) ms.points.push_back(p);
    }
    if (ms.points.empty()) continue;
    ms.labels = std::move(rs.labels);
    out.range.push_back(std::move(ms));
  }
  return out;
}

Result<EvalValue> Evaluator::Eval(const Expr& e) {
  RETURN_IF_ERROR(CheckDeadline());
  const size_t n = grid_.size();
  switch (e.kind) {
    case ExprKind::kNumber: {
      EvalValue v;
      v.type = ValueType::kScalar;
      v.scalar.assign(n, As<NumberLiteral>(e).value);
      return v;
    }
    case ExprKind::kString: {
      EvalValue v;
      v.type = ValueType::kString;
      v.str = As<StringLiteral>(e).value;
      return v;
    }
    case ExprKind::kParen:
      return Eval(*As<ParenExpr>(e).expr);
    case ExprKind::kUnary: {
      const auto& u = As<UnaryExpr>(e);
      ASSIGN_OR_RETURN(EvalValue v, Eval(*u.expr));
      if (!u.negate) return v;
      if (v.type == ValueType::kScalar) {
        for (double& x : v.scalar) x = -x;
        return v;
      }
      SeriesAccumulator acc(n);
      for (StepSeries& s : v.series) {
        size_t idx = acc.IndexFor(DropMetricName(s.labels));
        for (size_t i = 0; i < n; ++i) {
          if (s.has[i]) RETURN_IF_ERROR(acc.AddAt(idx, i, -s.v[i]));
        }
      }
      v.series = acc.Take();
      return v;
    }
    case ExprKind::kVectorSelector:
      return EvalVectorSelector(As<VectorSelector>(e), false);
    case ExprKind::kMatrixSelector:
    case ExprKind::kSubquery:
      return EvalMatrixTopLevel(e);
    case ExprKind::kBinary:
      return EvalBinary(As<BinaryExpr>(e));
    case ExprKind::kAggregate:
      return EvalAggregate(As<AggregateExpr>(e));
    case ExprKind::kCall:
      return EvalCall(As<Call>(e));
  }
  return Status::Internal("unknown expression kind");
}

}  // namespace vigil::query
