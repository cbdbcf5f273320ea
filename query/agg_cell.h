// AggCell: the running state of one aggregation group at one step for the
// streaming operators (sum, avg, count, min, max, group, stddev, stdvar), and
// the one definition of their arithmetic, shared by the generic aggregation
// and the fused aggregation over range functions so both give the same bits.
// Prometheus 2.53's: plain sums, incremental means, Welford variance, NaN
// rules. Values must be added in input-series order. Plain value type.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/base/labels.h"
#include "query/ast.h"

namespace vigil::query {

struct AggCell {
  double value = 0, mean = 0;
  uint64_t count = 0;
};

// True for the operators AggAdd/AggResult implement.
inline bool IsStreamingAggregate(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
    case AggregateOp::kAvg:
    case AggregateOp::kCount:
    case AggregateOp::kMin:
    case AggregateOp::kMax:
    case AggregateOp::kGroup:
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
      return true;
    default:
      return false;
  }
}

inline void AggAdd(AggregateOp op, AggCell& g, double v) {
  ++g.count;
  switch (op) {
    case AggregateOp::kSum:
      g.value += v;  // plain summation, as 2.53 (Kahan came in 2.54)
      break;
    case AggregateOp::kAvg:
      if (g.count == 1) {
        g.mean = v;
      } else {
        if (std::isinf(g.mean)) {
          if (std::isinf(v) && (g.mean > 0) == (v > 0)) break;
          if (!std::isinf(v) && !std::isnan(v)) break;
        }
        double c = static_cast<double>(g.count);
        g.mean += v / c - g.mean / c;
      }
      break;
    case AggregateOp::kMax:
      if (g.count == 1 || g.value < v || std::isnan(g.value)) g.value = v;
      break;
    case AggregateOp::kMin:
      if (g.count == 1 || g.value > v || std::isnan(g.value)) g.value = v;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      double delta = v - g.mean;
      g.mean += delta / static_cast<double>(g.count);
      g.value += delta * (v - g.mean);
      break;
    }
    default:
      break;
  }
}

// The group of an input series: its labels kept by `by`, or without the
// `without` labels and __name__.
Labels GroupLabels(const Labels& l, const AggregateExpr& a);

// REQUIRES: g.count > 0.
inline double AggResult(AggregateOp op, const AggCell& g) {
  switch (op) {
    case AggregateOp::kSum: return g.value;
    case AggregateOp::kAvg: return g.mean;
    case AggregateOp::kCount: return static_cast<double>(g.count);
    case AggregateOp::kGroup: return 1;
    case AggregateOp::kMin:
    case AggregateOp::kMax: return g.value;
    case AggregateOp::kStdvar: return g.value / static_cast<double>(g.count);
    case AggregateOp::kStddev: return std::sqrt(g.value / static_cast<double>(g.count));
    default: return 0;
  }
}

}  // namespace vigil::query
