// Aggregations: sum, avg, count, min, max, group, stddev, stdvar, quantile,
// topk, bottomk, count_values, with by/without grouping, per step, with
// Prometheus 2.53's arithmetic (plain sums, incremental means, Welford
// variance, NaN rules).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "query/agg_cell.h"
#include "query/evaluator.h"
#include "query/kernels.h"
#include "query/labels_util.h"

namespace vigil::query {

namespace {

// strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatFloatPlain(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

struct GroupState {
  AggCell cell;                 // the streaming operators' state (agg_cell.h)
  std::vector<double> values;   // quantile
  std::vector<size_t> members;  // topk/bottomk: series indices
};

}  // namespace

Labels GroupLabels(const Labels& l, const AggregateExpr& a) {
  const std::vector<std::string>& g = a.grouping;
  auto listed = [&g](std::string_view n) { return std::find(g.begin(), g.end(), n) != g.end(); };
  if (a.without) return l.Filter([&](std::string_view n) { return n != kMetricName && !listed(n); });
  return l.Filter(listed);
}

Result<EvalValue> Evaluator::EvalAggregate(const AggregateExpr& a) {
  const size_t n = grid_.size();
  if (const Call* c = FusibleRangeCall(a)) {
    bool fused = false;
    Result<EvalValue> r = EvalAggregateOverRange(a, *c, &fused);
    if (fused) return r;
  }
  ASSIGN_OR_RETURN(EvalValue in, Eval(*a.expr));
  EvalValue param;
  if (a.param) {
    ASSIGN_OR_RETURN(param, Eval(*a.param));
  }
  if (a.op == AggregateOp::kCountValues && !IsValidLabelName(param.str)) {
    return Status::Execution("invalid label name \"" + param.str + "\"");
  }

  // Group of every input series, computed once.
  std::vector<Labels> group_labels;
  std::vector<size_t> group_of(in.series.size());
  {
    std::unordered_multimap<uint64_t, size_t> by_hash;
    for (size_t k = 0; k < in.series.size(); ++k) {
      Labels gl = GroupLabels(in.series[k].labels, a);
      uint64_t h = gl.Hash();
      size_t g = SIZE_MAX;
      auto [b, e] = by_hash.equal_range(h);
      for (auto it = b; it != e; ++it) {
        if (group_labels[it->second] == gl) g = it->second;
      }
      if (g == SIZE_MAX) {
        g = group_labels.size();
        group_labels.push_back(std::move(gl));
        by_hash.emplace(h, g);
      }
      group_of[k] = g;
    }
  }

  SeriesAccumulator acc(n);
  std::vector<size_t> out_index(group_labels.size(), SIZE_MAX);
  std::vector<GroupState> st(group_labels.size());
  std::vector<size_t> order;  // groups in order of first appearance at a step
  std::unordered_map<std::string, size_t> cv_index;  // count_values: group ‖ value → output
  for (size_t i = 0; i < n; ++i) {
    order.clear();
    for (auto& g : st) {
      g.cell = AggCell();
      g.values.clear();
      g.members.clear();
    }
    std::unordered_map<std::string, std::pair<size_t, double>> cv_counts;
    std::vector<std::string> cv_order;
    for (size_t k = 0; k < in.series.size(); ++k) {
      const StepSeries& s = in.series[k];
      if (!s.has[i]) continue;
      double v = s.v[i];
      GroupState& g = st[group_of[k]];
      if (g.cell.count == 0) order.push_back(group_of[k]);
      if (IsStreamingAggregate(a.op)) {
        AggAdd(a.op, g.cell, v);
        continue;
      }
      ++g.cell.count;
      switch (a.op) {
        case AggregateOp::kQuantile:
          g.values.push_back(v);
          break;
        case AggregateOp::kTopk:
        case AggregateOp::kBottomk:
          g.members.push_back(k);
          break;
        case AggregateOp::kCountValues: {
          // Keyed by the output label set: the value label may overwrite a
          // grouping label, and then groups merge (as in Prometheus).
          std::string key = std::to_string(group_of[k]) + '\xff' + FormatFloatPlain(v);
          auto [it, inserted] = cv_counts.try_emplace(key, group_of[k], 0.0);
          if (inserted) cv_order.push_back(key);
          it->second.second += 1;
          break;
        }
        default:
          break;
      }
    }

    if (a.op == AggregateOp::kCountValues) {
      std::unordered_map<size_t, double> step_counts;  // output series → count
      std::vector<size_t> step_order;
      for (const std::string& key : cv_order) {
        auto& [g, count] = cv_counts[key];
        auto it = cv_index.find(key);
        if (it == cv_index.end()) {
          LabelsBuilder b(group_labels[g]);
          b.Set(param.str, key.substr(key.find('\xff') + 1));
          it = cv_index.emplace(key, acc.IndexFor(b.Build())).first;
        }
        auto [sit, inserted] = step_counts.try_emplace(it->second, 0.0);
        if (inserted) step_order.push_back(it->second);
        sit->second += count;
      }
      for (size_t idx : step_order) RETURN_IF_ERROR(acc.AddAt(idx, i, step_counts[idx]));
      continue;
    }

    for (size_t g : order) {
      GroupState& gs = st[g];
      if (a.op == AggregateOp::kTopk || a.op == AggregateOp::kBottomk) {
        double kf = param.scalar[i];
        int64_t k = std::isnan(kf) || kf < 1 ? 0 : (kf >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(kf));
        if (k < 1) continue;
        bool top = a.op == AggregateOp::kTopk;
        std::stable_sort(gs.members.begin(), gs.members.end(), [&](size_t x, size_t y) {
          double vx = in.series[x].v[i], vy = in.series[y].v[i];
          if (std::isnan(vx) || std::isnan(vy)) return !std::isnan(vx) && std::isnan(vy);
          return top ? vx > vy : vx < vy;
        });
        size_t take = std::min<uint64_t>(static_cast<uint64_t>(k), gs.members.size());
        for (size_t m = 0; m < take; ++m) {
          const StepSeries& s = in.series[gs.members[m]];
          RETURN_IF_ERROR(acc.Add(s.labels, i, s.v[i]));
        }
        continue;
      }
      double out = a.op == AggregateOp::kQuantile ? Quantile(param.scalar[i], gs.values) : AggResult(a.op, gs.cell);
      if (out_index[g] == SIZE_MAX) out_index[g] = acc.IndexFor(group_labels[g]);
      RETURN_IF_ERROR(acc.AddAt(out_index[g], i, out));
    }
  }
  EvalValue res;
  res.type = ValueType::kVector;
  res.series = acc.Take();
  return res;
}

}  // namespace vigil::query
