// Binary operators: scalar/scalar, vector/scalar, and vector/vector with
// on/ignoring matching, group_left/group_right and the set operators, with
// Prometheus 2.53's result labels and errors.
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "query/evaluator.h"
#include "query/labels_util.h"

namespace vigil::query {

namespace {

bool DropsMetricName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: case BinaryOp::kSub: case BinaryOp::kMul: case BinaryOp::kDiv:
    case BinaryOp::kMod: case BinaryOp::kPow: case BinaryOp::kAtan2:
      return true;
    default:
      return false;
  }
}

// Prometheus's vectorElemBinop: the value and whether a comparison keeps it.
inline std::pair<double, bool> ElemBinop(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kAdd: return {l + r, true};
    case BinaryOp::kSub: return {l - r, true};
    case BinaryOp::kMul: return {l * r, true};
    case BinaryOp::kDiv: return {l / r, true};
    case BinaryOp::kPow: return {std::pow(l, r), true};
    case BinaryOp::kMod: return {std::fmod(l, r), true};
    case BinaryOp::kAtan2: return {std::atan2(l, r), true};
    case BinaryOp::kEql: return {l, l == r};
    case BinaryOp::kNeq: return {l, l != r};
    case BinaryOp::kGtr: return {l, l > r};
    case BinaryOp::kLss: return {l, l < r};
    case BinaryOp::kGte: return {l, l >= r};
    case BinaryOp::kLte: return {l, l <= r};
    default: return {0, false};
  }
}

}  // namespace

class BinaryEvaluator {
 public:
  BinaryEvaluator(const BinaryExpr& b, size_t steps) : b_(b), n_(steps) {}

  Result<EvalValue> ScalarScalar(EvalValue l, const EvalValue& r) {
    for (size_t i = 0; i < n_; ++i) {
      auto [v, keep] = ElemBinop(b_.op, l.scalar[i], r.scalar[i]);
      l.scalar[i] = b_.return_bool ? (keep ? 1.0 : 0.0) : v;
    }
    return l;
  }

  Result<EvalValue> VectorScalar(EvalValue vec, const EvalValue& sc, bool scalar_on_left) {
    SeriesAccumulator acc(n_);
    bool comparison = IsComparison(b_.op);
    for (StepSeries& s : vec.series) {
      size_t idx = SIZE_MAX;
      for (size_t i = 0; i < n_; ++i) {
        if (!s.has[i]) continue;
        double lf = s.v[i], rf = sc.scalar[i];
        if (scalar_on_left) std::swap(lf, rf);
        auto [v, keep] = ElemBinop(b_.op, lf, rf);
        if (comparison && scalar_on_left) v = rf;
        if (b_.return_bool) {
          v = keep ? 1.0 : 0.0;
          keep = true;
        }
        if (!keep) continue;
        if (idx == SIZE_MAX) {
          idx = acc.IndexFor(DropsMetricName(b_.op) || b_.return_bool ? DropMetricName(s.labels) : s.labels);
        }
        RETURN_IF_ERROR(acc.AddAt(idx, i, v));
      }
    }
    EvalValue out;
    out.type = ValueType::kVector;
    out.series = acc.Take();
    return out;
  }

  Result<EvalValue> VectorVector(EvalValue lhs, EvalValue rhs) {
    const VectorMatching& m = *b_.matching;
    std::vector<uint64_t> lsig(lhs.series.size()), rsig(rhs.series.size());
    for (size_t k = 0; k < lhs.series.size(); ++k) lsig[k] = MatchSignature(lhs.series[k].labels, m.matching_labels, m.on);
    for (size_t k = 0; k < rhs.series.size(); ++k) rsig[k] = MatchSignature(rhs.series[k].labels, m.matching_labels, m.on);
    switch (b_.op) {
      case BinaryOp::kAnd: return SetOp(lhs, rhs, lsig, rsig, /*keep_if_in_rhs=*/true);
      case BinaryOp::kUnless: return SetOp(lhs, rhs, lsig, rsig, /*keep_if_in_rhs=*/false);
      case BinaryOp::kOr: return Or(lhs, rhs, lsig, rsig);
      default: return Arithmetic(lhs, rhs, lsig, rsig);
    }
  }

 private:
  Result<EvalValue> SetOp(EvalValue& lhs, const EvalValue& rhs, const std::vector<uint64_t>& lsig,
                          const std::vector<uint64_t>& rsig, bool keep_if_in_rhs) {
    std::unordered_set<uint64_t> present;
    for (StepSeries& s : lhs.series) s.has.resize(n_);
    for (size_t i = 0; i < n_; ++i) {
      present.clear();
      for (size_t k = 0; k < rhs.series.size(); ++k) {
        if (rhs.series[k].has[i]) present.insert(rsig[k]);
      }
      for (size_t k = 0; k < lhs.series.size(); ++k) {
        StepSeries& s = lhs.series[k];
        if (s.has[i] && (present.count(lsig[k]) > 0) != keep_if_in_rhs) s.has[i] = 0;
      }
    }
    std::erase_if(lhs.series, [](const StepSeries& s) { return s.Count() == 0; });
    return std::move(lhs);
  }

  Result<EvalValue> Or(EvalValue& lhs, EvalValue& rhs, const std::vector<uint64_t>& lsig,
                       const std::vector<uint64_t>& rsig) {
    std::unordered_set<uint64_t> present;
    for (size_t i = 0; i < n_; ++i) {
      present.clear();
      for (size_t k = 0; k < lhs.series.size(); ++k) {
        if (lhs.series[k].has[i]) present.insert(lsig[k]);
      }
      for (size_t k = 0; k < rhs.series.size(); ++k) {
        if (rhs.series[k].has[i] && present.count(rsig[k])) rhs.series[k].has[i] = 0;
      }
    }
    for (StepSeries& s : rhs.series) {
      if (s.Count() > 0) lhs.series.push_back(std::move(s));
    }
    return std::move(lhs);
  }

  Labels ResultLabels(const Labels& l, const Labels& r) const {
    const VectorMatching& m = *b_.matching;
    LabelsBuilder lb(l);
    if (DropsMetricName(b_.op)) lb.Del(kMetricName);
    if (m.card == Cardinality::kOneToOne) {
      if (m.on) {
        lb.Keep(m.matching_labels);
      } else {
        for (const auto& name : m.matching_labels) lb.Del(name);
      }
    }
    for (const auto& name : m.include) {
      std::string_view v = r.Get(name);
      if (!v.empty()) lb.Set(name, v); else lb.Del(name);
    }
    if (b_.return_bool) lb.Del(kMetricName);
    return lb.Build();
  }

  Result<EvalValue> Arithmetic(EvalValue& lhs_in, EvalValue& rhs_in, const std::vector<uint64_t>& lsig_in,
                               const std::vector<uint64_t>& rsig_in) {
    const VectorMatching& m = *b_.matching;
    bool swapped = m.card == Cardinality::kOneToMany;
    EvalValue& lhs = swapped ? rhs_in : lhs_in;  // the "many" side
    EvalValue& rhs = swapped ? lhs_in : rhs_in;  // the "one" side
    const std::vector<uint64_t>& lsig = swapped ? rsig_in : lsig_in;
    const std::vector<uint64_t>& rsig = swapped ? lsig_in : rsig_in;

    SeriesAccumulator acc(n_);
    std::unordered_map<uint64_t, size_t> right;                  // sig → rhs series at this step
    std::unordered_map<uint64_t, size_t> out_index;              // (l, r) pair → output series
    std::unordered_map<uint64_t, std::unordered_set<uint64_t>> matched;  // sig → output label hashes
    for (size_t i = 0; i < n_; ++i) {
      right.clear();
      matched.clear();
      for (size_t k = 0; k < rhs.series.size(); ++k) {
        if (!rhs.series[k].has[i]) continue;
        auto [it, inserted] = right.emplace(rsig[k], k);
        if (!inserted) {
          const char* one_side = swapped ? "left" : "right";
          const Labels& a = rhs.series[k].labels;
          const Labels& b = rhs.series[it->second].labels;
          return Status::Execution("found duplicate series for the match group " +
                                   MatchLabels(a, m.matching_labels, m.on).ToString() + " on the " + one_side +
                                   " hand-side of the operation: [" + a.ToString() + ", " + b.ToString() +
                                   "];many-to-many matching not allowed: matching labels must be unique on one side");
        }
      }
      for (size_t k = 0; k < lhs.series.size(); ++k) {
        if (!lhs.series[k].has[i]) continue;
        auto it = right.find(lsig[k]);
        if (it == right.end()) continue;
        size_t r = it->second;
        double fl = lhs.series[k].v[i], fr = rhs.series[r].v[i];
        if (swapped) std::swap(fl, fr);
        auto [v, keep] = ElemBinop(b_.op, fl, fr);
        if (b_.return_bool) {
          v = keep ? 1.0 : 0.0;
        } else if (!keep) {
          continue;
        }
        uint64_t pair_key = (static_cast<uint64_t>(k) << 32) ^ r;
        auto oit = out_index.find(pair_key);
        if (oit == out_index.end()) {
          oit = out_index.emplace(pair_key, acc.IndexFor(ResultLabels(lhs.series[k].labels, rhs.series[r].labels))).first;
        }
        size_t out = oit->second;
        auto [mit, first_match] = matched.try_emplace(lsig[k]);
        if (m.card == Cardinality::kOneToOne) {
          if (!first_match) {
            return Status::Execution(
                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
          }
        } else {
          if (!mit->second.insert(out).second) {
            return Status::Execution("multiple matches for labels: grouping labels must ensure unique matches");
          }
        }
        RETURN_IF_ERROR(acc.AddAt(out, i, v));
      }
    }
    EvalValue res;
    res.type = ValueType::kVector;
    res.series = acc.Take();
    std::erase_if(res.series, [](const StepSeries& s) { return s.Count() == 0; });
    return res;
  }

  const BinaryExpr& b_;
  size_t n_;
};

Result<EvalValue> Evaluator::EvalBinary(const BinaryExpr& b) {
  ASSIGN_OR_RETURN(EvalValue l, Eval(*b.lhs));
  ASSIGN_OR_RETURN(EvalValue r, Eval(*b.rhs));
  BinaryEvaluator be(b, grid_.size());
  bool ls = l.type == ValueType::kScalar, rs = r.type == ValueType::kScalar;
  if (ls && rs) return be.ScalarScalar(std::move(l), r);
  if (rs) return be.VectorScalar(std::move(l), r, false);
  if (ls) return be.VectorScalar(std::move(r), l, true);
  return be.VectorVector(std::move(l), std::move(r));
}

}  // namespace vigil::query
