// Expr::ToString(): Prometheus 2.53's printer.go String() forms.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "query/ast.h"
#include "query/duration.h"
#include "query/function_defs.h"
#include "query/lexer.h"

namespace vigil::query {
namespace {

// strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[1100];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::string JoinLabels(const std::vector<std::string>& ls) {
  std::string out;
  for (size_t i = 0; i < ls.size(); ++i) {
    if (i > 0) out += ", ";
    out += ls[i];
  }
  return out;
}

std::string AtString(AtModifier at, int64_t at_ms) {
  switch (at) {
    case AtModifier::kTimestamp: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), " @ %.3f", static_cast<double>(at_ms) / 1000.0);
      return buf;
    }
    case AtModifier::kStart: return " @ start()";
    case AtModifier::kEnd: return " @ end()";
    case AtModifier::kNone: break;
  }
  return "";
}

std::string OffsetString(int64_t offset_ms) {
  if (offset_ms > 0) return " offset " + FormatDuration(offset_ms);
  if (offset_ms < 0) return " offset -" + FormatDuration(-offset_ms);
  return "";
}

std::string MatcherString(const Matcher& m) {
  static constexpr std::string_view kOps[] = {"=", "!=", "=~", "!~"};
  return m.name() + std::string(kOps[static_cast<int>(m.type())]) + GoQuote(m.value());
}

// The selector without its @ and offset.
std::string SelectorBody(const VectorSelector& vs) {
  std::string out = vs.name;
  std::string inner;
  for (const Matcher& m : vs.matchers) {
    if (m.name() == "__name__" && m.type() == MatchType::kEqual && m.value() == vs.name) continue;
    if (!inner.empty()) inner += ",";
    inner += MatcherString(m);
  }
  if (!inner.empty()) out += "{" + inner + "}";
  return out;
}

std::string MatchingString(const BinaryExpr& b) {
  if (!b.matching) return "";
  const VectorMatching& vm = *b.matching;
  const bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  std::string out;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out += vm.on ? " on (" : " ignoring (";
    out += JoinLabels(vm.matching_labels) + ")";
  }
  if (grouped) {
    out += vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    out += JoinLabels(vm.include) + ")";
  }
  return out;
}

}  // namespace

// Shared with prettier.cc.
std::string AggregateOpPrefix(const AggregateExpr& a) {
  std::string out(AggregateOpString(a.op));
  if (a.without) {
    out += " without (" + JoinLabels(a.grouping) + ") ";
  } else if (!a.grouping.empty()) {
    out += " by (" + JoinLabels(a.grouping) + ") ";
  }
  return out;
}

std::string BinaryOpWithModifiers(const BinaryExpr& b) {
  std::string out(BinaryOpString(b.op));
  if (b.return_bool) out += " bool";
  out += MatchingString(b);
  return out;
}

std::string SubquerySuffix(const SubqueryExpr& s) {
  std::string out = "[" + FormatDuration(s.range_ms) + ":";
  if (s.step_ms != 0) out += FormatDuration(s.step_ms);
  out += "]" + AtString(s.at, s.at_ms) + OffsetString(s.offset_ms);
  return out;
}

std::string Expr::ToString() const {
  switch (kind) {
    case ExprKind::kNumber:
      return FormatNumber(As<NumberLiteral>(*this).value);
    case ExprKind::kString:
      return GoQuote(As<StringLiteral>(*this).value);
    case ExprKind::kVectorSelector: {
      const auto& vs = As<VectorSelector>(*this);
      return SelectorBody(vs) + AtString(vs.at, vs.at_ms) + OffsetString(vs.offset_ms);
    }
    case ExprKind::kMatrixSelector: {
      const auto& ms = As<MatrixSelector>(*this);
      if (ms.vector_selector->kind != ExprKind::kVectorSelector) {
        return ms.vector_selector->ToString() + "[" + FormatDuration(ms.range_ms) + "]";
      }
      const auto& vs = As<VectorSelector>(*ms.vector_selector);
      return SelectorBody(vs) + "[" + FormatDuration(ms.range_ms) + "]" + AtString(vs.at, vs.at_ms) +
             OffsetString(vs.offset_ms);
    }
    case ExprKind::kSubquery: {
      const auto& s = As<SubqueryExpr>(*this);
      return s.expr->ToString() + SubquerySuffix(s);
    }
    case ExprKind::kCall: {
      const auto& c = As<Call>(*this);
      std::string out(c.func ? c.func->name : "<unknown>");
      out += "(";
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0) out += ", ";
        out += c.args[i]->ToString();
      }
      return out + ")";
    }
    case ExprKind::kBinary: {
      const auto& b = As<BinaryExpr>(*this);
      return b.lhs->ToString() + " " + BinaryOpWithModifiers(b) + " " + b.rhs->ToString();
    }
    case ExprKind::kUnary: {
      const auto& u = As<UnaryExpr>(*this);
      std::string out = u.negate ? "-" : "+";
      out += u.expr->ToString();
      return out;
    }
    case ExprKind::kParen: {
      std::string out = "(";
      out += As<ParenExpr>(*this).expr->ToString();
      out += ")";
      return out;
    }
    case ExprKind::kAggregate: {
      const auto& a = As<AggregateExpr>(*this);
      std::string out = AggregateOpPrefix(a) + "(";
      if (a.param) out += a.param->ToString() + ", ";
      if (a.expr) out += a.expr->ToString();
      return out + ")";
    }
  }
  return "";
}

}  // namespace vigil::query
