#include "query/engine.h"

#include <algorithm>
#include <thread>

#include "query/evaluator.h"
#include "query/parser.h"
#include "query/task_pool.h"

namespace vigil::query {

namespace {

// Resolves @ start() / @ end() to timestamps (Prometheus's PreprocessExpr).
void ResolveAt(Expr& e, int64_t start, int64_t end) {
  auto resolve = [&](AtModifier at, int64_t* at_ms) {
    if (at == AtModifier::kStart) *at_ms = start;
    if (at == AtModifier::kEnd) *at_ms = end;
  };
  switch (e.kind) {
    case ExprKind::kVectorSelector: {
      auto& vs = As<VectorSelector>(e);
      resolve(vs.at, &vs.at_ms);
      break;
    }
    case ExprKind::kMatrixSelector:
      ResolveAt(*As<MatrixSelector>(e).vector_selector, start, end);
      break;
    case ExprKind::kSubquery: {
      auto& sq = As<SubqueryExpr>(e);
      resolve(sq.at, &sq.at_ms);
      ResolveAt(*sq.expr, start, end);
      break;
    }
    case ExprKind::kCall:
      for (auto& a : As<Call>(e).args) ResolveAt(*a, start, end);
      break;
    case ExprKind::kBinary:
      ResolveAt(*As<BinaryExpr>(e).lhs, start, end);
      ResolveAt(*As<BinaryExpr>(e).rhs, start, end);
      break;
    case ExprKind::kUnary:
      ResolveAt(*As<UnaryExpr>(e).expr, start, end);
      break;
    case ExprKind::kParen:
      ResolveAt(*As<ParenExpr>(e).expr, start, end);
      break;
    case ExprKind::kAggregate: {
      auto& a = As<AggregateExpr>(e);
      ResolveAt(*a.expr, start, end);
      if (a.param) ResolveAt(*a.param, start, end);
      break;
    }
    default:
      break;
  }
}

struct Prepared {
  ExprPtr expr;
  EvalContext ctx;
};

Result<Prepared> Prepare(const EngineOptions& options, Queryable& storage, std::string_view query, int64_t start,
                         int64_t end, const QueryOptions& qo, TaskPool* pool, size_t threads) {
  Prepared p;
  ASSIGN_OR_RETURN(p.expr, ParseExpr(query));
  ResolveAt(*p.expr, start, end);
  p.ctx.storage = &storage;
  p.ctx.options = &options;
  p.ctx.lookback_ms = qo.lookback_delta_ms > 0 ? qo.lookback_delta_ms : options.lookback_delta_ms;
  p.ctx.query_start = start;
  p.ctx.query_end = end;
  int64_t timeout = options.timeout_ms;
  if (qo.timeout_ms > 0) timeout = std::min(timeout, qo.timeout_ms);
  p.ctx.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  p.ctx.cancel = qo.cancel;
  p.ctx.pool = pool;
  p.ctx.threads = pool != nullptr ? threads : 1;
  return p;
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(options) {
  size_t t = options_.query_threads;
  if (t == 0) t = std::max<size_t>(1, std::thread::hardware_concurrency());
  threads_ = std::min(t, EngineOptions::kMaxQueryThreads);
  if (threads_ > 1) pool_ = std::make_shared<TaskPool>(threads_ - 1);
}

Result<QueryResult> Engine::InstantQuery(Queryable& storage, std::string_view query, int64_t t_ms,
                                         const QueryOptions& qo) const {
  ASSIGN_OR_RETURN(Prepared p, Prepare(options_, storage, query, t_ms, t_ms, qo, pool_.get(), threads_));
  Evaluator ev(&p.ctx, StepGrid{t_ms, t_ms, 1});
  ASSIGN_OR_RETURN(EvalValue v, ev.Eval(*p.expr));
  QueryResult r;
  r.type = v.type;
  r.warnings = std::move(p.ctx.warnings);
  switch (v.type) {
    case ValueType::kScalar:
      r.scalar = Scalar{t_ms, v.scalar[0]};
      break;
    case ValueType::kString:
      r.string = StringValue{t_ms, std::move(v.str)};
      break;
    case ValueType::kMatrix:
      r.matrix = std::move(v.range);
      break;
    case ValueType::kVector:
      r.vector.reserve(v.series.size());
      for (StepSeries& s : v.series) {
        if (s.has[0]) r.vector.push_back(VectorSample{std::move(s.labels), t_ms, s.v[0]});
      }
      break;
    case ValueType::kNone:
      break;
  }
  return r;
}

Result<QueryResult> Engine::RangeQuery(Queryable& storage, std::string_view query, int64_t start_ms, int64_t end_ms,
                                       int64_t step_ms, const QueryOptions& qo) const {
  if (step_ms <= 0) return Status::InvalidArgument("zero or negative query resolution step widths are not accepted");
  if (end_ms < start_ms) return Status::InvalidArgument("end timestamp must not be before start time");
  ASSIGN_OR_RETURN(Prepared p, Prepare(options_, storage, query, start_ms, end_ms, qo, pool_.get(), threads_));
  ValueType t = p.expr->type();
  if (t != ValueType::kScalar && t != ValueType::kVector) {
    return Status::InvalidArgument("invalid expression type \"" +
                                   std::string(TypeNameForErrors(t)) +
                                   "\" for range query, must be Scalar or instant Vector");
  }
  StepGrid grid{start_ms, end_ms, step_ms};
  Evaluator ev(&p.ctx, grid);
  ASSIGN_OR_RETURN(EvalValue v, ev.Eval(*p.expr));
  QueryResult r;
  r.type = ValueType::kMatrix;
  r.warnings = std::move(p.ctx.warnings);
  const size_t n = grid.size();
  if (v.type == ValueType::kScalar) {
    MatrixSeries ms;
    for (size_t i = 0; i < n; ++i) ms.points.push_back({grid.At(i), v.scalar[i]});
    r.matrix.push_back(std::move(ms));
    return r;
  }
  r.matrix.reserve(v.series.size());
  for (StepSeries& s : v.series) {
    MatrixSeries ms;
    ms.labels = std::move(s.labels);
    for (size_t i = 0; i < n; ++i) {
      if (s.has[i]) ms.points.push_back({grid.At(i), s.v[i]});
    }
    if (!ms.points.empty()) r.matrix.push_back(std::move(ms));
  }
  std::sort(r.matrix.begin(), r.matrix.end(),
            [](const MatrixSeries& a, const MatrixSeries& b) { return Compare(a.labels, b.labels) < 0; });
  return r;
}

}  // namespace vigil::query
