// The runner's bindings to vigil's PromQL parser and engine: the series
// description parser for `load` lines and the EvalBackend over query::Engine
// configured as upstream's NewTestEngine, with atModifierTestCases.
#include <set>

#include "query/ast.h"
#include "query/engine.h"
#include "query/function_defs.h"
#include "query/parser.h"
#include "tests/query/promql_script.h"

namespace vigil::promqltest {

SeriesDescParser DefaultSeriesDescParser() {
  return [](std::string_view line) -> Result<SeriesDesc> {
    auto r = query::ParseSeriesDesc(line);
    if (!r.ok()) return r.status();
    SeriesDesc d;
    d.labels = std::move(r->labels);
    d.values = std::move(r->values);
    return d;
  };
}

namespace {

// promql.AtModifierUnsafeFunctions (v2.53).
bool AtModifierUnsafe(std::string_view fn) {
  static const std::set<std::string_view, std::less<>> kUnsafe = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour",      "minute",
      "month",         "year",         "predict_linear", "time",     "timestamp"};
  return kUnsafe.count(fn) > 0;
}

// atModifierTestCases' parser.Inspect: pins every vector selector, matrix
// selector and subquery without `@ <ts>` at `ts`; nodes under a subquery
// that has `@ <ts>` (after pinning) are left alone, calls there included.
// `@ start()`/`@ end()` carry no timestamp in Prometheus's AST, so they are
// overwritten as well.
void Pin(query::Expr& e, int64_t ts, bool* unsafe) {
  using query::As;
  using query::ExprKind;
  auto pin = [ts](query::AtModifier& at, int64_t& at_ms) {
    if (at != query::AtModifier::kTimestamp) {
      at = query::AtModifier::kTimestamp;
      at_ms = ts;
    }
  };
  switch (e.kind) {
    case ExprKind::kNumber:
    case ExprKind::kString:
      return;
    case ExprKind::kVectorSelector: {
      auto& vs = As<query::VectorSelector>(e);
      pin(vs.at, vs.at_ms);
      return;
    }
    case ExprKind::kMatrixSelector: {
      auto& vs = As<query::VectorSelector>(*As<query::MatrixSelector>(e).vector_selector);
      pin(vs.at, vs.at_ms);
      return;
    }
    case ExprKind::kSubquery: {
      auto& sq = As<query::SubqueryExpr>(e);
      pin(sq.at, sq.at_ms);
      return;  // everything below now has a subquery with @ in its path
    }
    case ExprKind::kCall: {
      auto& call = As<query::Call>(e);
      if (call.func != nullptr && AtModifierUnsafe(call.func->name)) *unsafe = true;
      for (auto& a : call.args) {
        if (a) Pin(*a, ts, unsafe);
      }
      return;
    }
    case ExprKind::kBinary: {
      auto& b = As<query::BinaryExpr>(e);
      Pin(*b.lhs, ts, unsafe);
      Pin(*b.rhs, ts, unsafe);
      return;
    }
    case ExprKind::kUnary:
      Pin(*As<query::UnaryExpr>(e).expr, ts, unsafe);
      return;
    case ExprKind::kParen:
      Pin(*As<query::ParenExpr>(e).expr, ts, unsafe);
      return;
    case ExprKind::kAggregate: {
      auto& a = As<query::AggregateExpr>(e);
      Pin(*a.expr, ts, unsafe);
      if (a.param) Pin(*a.param, ts, unsafe);
      return;
    }
  }
}

class EngineBackend final : public EvalBackend {
 public:
  EngineBackend() : engine_(Options()) {}

  Result<query::QueryResult> Instant(Queryable& storage, std::string_view expr, int64_t t_ms) override {
    return engine_.InstantQuery(storage, expr, t_ms);
  }
  Result<query::QueryResult> Range(Queryable& storage, std::string_view expr, int64_t start_ms, int64_t end_ms,
                                   int64_t step_ms) override {
    return engine_.RangeQuery(storage, expr, start_ms, end_ms, step_ms);
  }
  Status CheckParse(std::string_view expr) override {
    auto r = query::ParseExpr(expr);
    return r.ok() ? Status::OK() : r.status();
  }
  Result<std::vector<AtVariant>> AtModifierVariants(std::string_view expr, int64_t t_ms) override {
    auto parsed = query::ParseExpr(expr);
    if (!parsed.ok()) return parsed.status();
    query::ExprPtr root = std::move(parsed).value();
    bool unsafe = false;
    Pin(*root, t_ms, &unsafe);
    std::vector<AtVariant> out;
    if (unsafe) return out;
    const std::string pinned = root->ToString();
    const std::vector<int64_t> times = t_ms == 0 ? std::vector<int64_t>{-1000, 0, 1000}
                                                 : std::vector<int64_t>{-10 * t_ms, 0, t_ms / 5, t_ms, 10 * t_ms};
    for (int64_t t : times) out.push_back({pinned, t});
    return out;
  }

 private:
  // promqltest.NewTestEngine(false, 0, DefaultMaxSamplesPerQuery).
  static query::EngineOptions Options() {
    query::EngineOptions o;
    o.lookback_delta_ms = 5 * 60 * 1000;
    o.max_samples = 10000;
    o.timeout_ms = 100 * 1000;
    o.default_subquery_step_ms = 60 * 1000;
    o.enable_experimental_functions = true;
    return o;
  }

  query::Engine engine_;
};

}  // namespace

std::unique_ptr<EvalBackend> NewEngineBackend() { return std::make_unique<EngineBackend>(); }

}  // namespace vigil::promqltest
