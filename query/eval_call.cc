// Function calls: range-vector functions (via kernels.h), element-wise math
// and date functions, and the functions with their own shape: absent,
// absent_over_time, scalar, vector, time, timestamp, sort*, label_replace,
// label_join, histogram_quantile.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "query/eval_call_util.h"
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

// absent()'s output labels: the selector's equality matchers, minus names
// matched more than once, minus __name__.
Labels AbsentLabels(const Expr& arg) {
  const Expr& e = Unparen(arg);
  const VectorSelector* vs = nullptr;
  if (e.kind == ExprKind::kVectorSelector) vs = &As<VectorSelector>(e);
  if (e.kind == ExprKind::kMatrixSelector) vs = &As<VectorSelector>(*As<MatrixSelector>(e).vector_selector);
  if (vs == nullptr) return Labels();
  LabelsBuilder b;
  std::vector<std::string> seen;
  for (const Matcher& m : vs->matchers) {
    if (m.name() == kMetricName) continue;
    bool has = std::find(seen.begin(), seen.end(), m.name()) != seen.end();
    if (m.type() == MatchType::kEqual && !has) {
      b.Set(m.name(), m.value());
      seen.push_back(m.name());
    } else {
      b.Del(m.name());
    }
  }
  return b.Build();
}

bool IsDateFunction(std::string_view n) {
  return n == "minute" || n == "hour" || n == "day_of_week" || n == "day_of_month" || n == "day_of_year" ||
         n == "days_in_month" || n == "month" || n == "year";
}

}  // namespace

Result<EvalValue> Evaluator::EvalAbsentOverTime(const Call& c, size_t matrix_arg) {
  const size_t n = grid_.size();
  EvalValue out;
  out.type = ValueType::kVector;
  RangeArg arg;
  std::vector<uint8_t> found(n, 0);
  RETURN_IF_ERROR(ForEachRangeSeries(*c.args[matrix_arg], &arg, [&](RangeSeries& rs) {
    for (size_t i = 0; i < n; ++i) {
      if (found[i]) continue;
      int64_t start, end;
      WindowBounds(arg, i, &start, &end);
      auto it = std::lower_bound(rs.points.begin(), rs.points.end(), start,
                                 [](const Point& p, int64_t t) { return p.t < t; });
      if (it != rs.points.end() && it->t <= end) found[i] = 1;
    }
    return Status::OK();
  }));
  StepSeries s;
  s.v.assign(n, 1);
  s.has.resize(n);
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    s.has[i] = !found[i];
    any = any || s.has[i];
  }
  if (any) {
    s.labels = AbsentLabels(*c.args[matrix_arg]);
    out.series.push_back(std::move(s));
  }
  return out;
}

Result<EvalValue> Evaluator::EvalCall(const Call& c) {
  const size_t n = grid_.size();
  std::string_view name = c.func->name;
  for (size_t a = 0; a < c.args.size(); ++a) {
    if (c.func->arg_types[std::min(a, c.func->arg_types.size() - 1)] == ValueType::kMatrix) {
      if (name == "absent_over_time") return EvalAbsentOverTime(c, a);
      return EvalRangeFunction(c, a);
    }
  }

  EvalValue out;
  out.type = c.func->return_type;
  if (name == "time") {
    out.scalar.resize(n);
    for (size_t i = 0; i < n; ++i) out.scalar[i] = static_cast<double>(grid_.At(i)) / 1000.0;
    return out;
  }
  if (name == "pi") {
    out.scalar.assign(n, M_PI);
    return out;
  }
  if (name == "timestamp") {
    const Expr& arg = Unparen(*c.args[0]);
    EvalValue in;
    if (arg.kind == ExprKind::kVectorSelector) {
      ASSIGN_OR_RETURN(in, EvalVectorSelector(As<VectorSelector>(arg), /*sample_timestamps=*/true));
    } else {
      ASSIGN_OR_RETURN(in, Eval(arg));
      for (StepSeries& s : in.series) {
        for (size_t i = 0; i < n; ++i) s.v[i] = static_cast<double>(grid_.At(i)) / 1000.0;
      }
    }
    return MapSeries(std::move(in), n, /*drop_name=*/true, [](double v, size_t) { return v; });
  }
  if (IsDateFunction(name) && c.args.empty()) {
    ElementKernel k = LookupElementKernel(name);
    StepSeries s;
    s.v.resize(n);
    s.has.assign(n, 1);
    for (size_t i = 0; i < n; ++i) s.v[i] = k(static_cast<double>(grid_.At(i)) / 1000.0, {});
    out.series.push_back(std::move(s));
    return out;
  }

  std::vector<EvalValue> args(c.args.size());
  for (size_t a = 0; a < c.args.size(); ++a) {
    ASSIGN_OR_RETURN(args[a], Eval(*c.args[a]));
  }

  if (name == "vector") {
    StepSeries s;
    s.v = args[0].scalar;
    s.has.assign(n, 1);
    out.series.push_back(std::move(s));
    return out;
  }
  if (name == "scalar") {
    out.scalar.assign(n, std::nan(""));
    for (size_t i = 0; i < n; ++i) {
      int count = 0;
      double v = 0;
      for (const StepSeries& s : args[0].series) {
        if (s.has[i]) {
          ++count;
          v = s.v[i];
        }
      }
      if (count == 1) out.scalar[i] = v;
    }
    return out;
  }
  if (name == "absent") {
    StepSeries s;
    s.v.assign(n, 1);
    s.has.assign(n, 1);
    for (const StepSeries& in : args[0].series) {
      for (size_t i = 0; i < n; ++i) {
        if (in.has[i]) s.has[i] = 0;
      }
    }
    if (s.Count() > 0) {
      s.labels = AbsentLabels(*c.args[0]);
      out.series.push_back(std::move(s));
    }
    return out;
  }
  if (name == "sort" || name == "sort_desc" || name == "sort_by_label" || name == "sort_by_label_desc") {
    out.series = std::move(args[0].series);
    if (n == 1) SortSeries(name, args, &out.series);
    return out;
  }
  if (name == "label_replace") return LabelReplace(std::move(args), n);
  if (name == "label_join") return LabelJoin(std::move(args), n);
  if (name == "histogram_quantile") return HistogramQuantile(args[0], std::move(args[1]), n, &ctx_->warnings);
  if (name.starts_with("histogram_")) {
    // Native-histogram functions: float series carry no histograms.
    return out;
  }

  ElementKernel kernel = LookupElementKernel(name);
  if (kernel == nullptr) return Status::Internal("function " + std::string(name) + " is not implemented");
  std::vector<double> step_scalars;
  EvalValue& in = args[0];
  bool clamp = name == "clamp";
  return MapSeriesFiltered(std::move(in), n, /*drop_name=*/true, [&](double v, size_t i, bool* keep) {
    step_scalars.clear();
    for (size_t a = 1; a < args.size(); ++a) step_scalars.push_back(args[a].scalar[i]);
    if (clamp && ClampYieldsEmpty(step_scalars[0], step_scalars[1])) {
      *keep = false;  // clamp with max < min: no output
      return 0.0;
    }
    return kernel(v, step_scalars);
  });
}

}  // namespace vigil::query
