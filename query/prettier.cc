// Prettify(): Prometheus 2.53's prettier.go. A node whose one-line form is
// longer than 100 characters is split, its children one level deeper.
#include <string>

#include "query/ast.h"
#include "query/function_defs.h"
#include "query/parser.h"

namespace vigil::query {

// printer.cc
std::string AggregateOpPrefix(const AggregateExpr& a);
std::string BinaryOpWithModifiers(const BinaryExpr& b);
std::string SubquerySuffix(const SubqueryExpr& s);

namespace {

constexpr size_t kMaxCharactersPerLine = 100;

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

bool NeedsSplit(const Expr& e) { return e.ToString().size() > kMaxCharactersPerLine; }

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n\r");
  return s.substr(b, e - b + 1);
}

std::string Pretty(const Expr& e, int level) {
  switch (e.kind) {
    case ExprKind::kAggregate: {
      const auto& a = As<AggregateExpr>(e);
      if (!NeedsSplit(e)) return Indent(level) + e.ToString();
      std::string s = Indent(level) + AggregateOpPrefix(a) + "(\n";
      if (a.param) s += Pretty(*a.param, level + 1) + ",\n";
      s += Pretty(*a.expr, level + 1) + "\n" + Indent(level) + ")";
      return s;
    }
    case ExprKind::kBinary: {
      const auto& b = As<BinaryExpr>(e);
      if (!NeedsSplit(e)) return Indent(level) + e.ToString();
      return Pretty(*b.lhs, level + 1) + "\n" + Indent(level) + BinaryOpWithModifiers(b) + "\n" +
             Pretty(*b.rhs, level + 1);
    }
    case ExprKind::kCall: {
      const auto& c = As<Call>(e);
      if (!NeedsSplit(e)) return Indent(level) + e.ToString();
      std::string s = Indent(level) + std::string(c.func->name) + "(\n";
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0) s += ",\n";
        s += Pretty(*c.args[i], level + 1);
      }
      return s + "\n" + Indent(level) + ")";
    }
    case ExprKind::kParen: {
      if (!NeedsSplit(e)) return Indent(level) + e.ToString();
      return Indent(level) + "(\n" + Pretty(*As<ParenExpr>(e).expr, level + 1) + "\n" + Indent(level) + ")";
    }
    case ExprKind::kSubquery: {
      const auto& s = As<SubqueryExpr>(e);
      // As Prometheus: no indent when the subquery fits on one line.
      if (!NeedsSplit(e)) return e.ToString();
      return Pretty(*s.expr, level) + SubquerySuffix(s);
    }
    case ExprKind::kUnary: {
      const auto& u = As<UnaryExpr>(e);
      return Indent(level) + (u.negate ? "-" : "+") + Trim(Pretty(*u.expr, level));
    }
    default:
      return Indent(level) + e.ToString();
  }
}

}  // namespace

std::string Prettify(const Expr& e) { return Pretty(e, 0); }

}  // namespace vigil::query
