// Expression types and operator names for the AST (ast.h). Printing lives in
// printer.cc.
#include "query/ast.h"

#include "query/function_defs.h"

namespace vigil::query {

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
    case BinaryOp::kPow: return "^";
    case BinaryOp::kAtan2: return "atan2";
    case BinaryOp::kEql: return "==";
    case BinaryOp::kNeq: return "!=";
    case BinaryOp::kGtr: return ">";
    case BinaryOp::kLss: return "<";
    case BinaryOp::kGte: return ">=";
    case BinaryOp::kLte: return "<=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kUnless: return "unless";
  }
  return "?";
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEql: case BinaryOp::kNeq: case BinaryOp::kGtr:
    case BinaryOp::kLss: case BinaryOp::kGte: case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOperator(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view AggregateOpString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum: return "sum";
    case AggregateOp::kAvg: return "avg";
    case AggregateOp::kCount: return "count";
    case AggregateOp::kMin: return "min";
    case AggregateOp::kMax: return "max";
    case AggregateOp::kGroup: return "group";
    case AggregateOp::kStddev: return "stddev";
    case AggregateOp::kStdvar: return "stdvar";
    case AggregateOp::kTopk: return "topk";
    case AggregateOp::kBottomk: return "bottomk";
    case AggregateOp::kCountValues: return "count_values";
    case AggregateOp::kQuantile: return "quantile";
  }
  return "?";
}

ValueType Expr::type() const {
  switch (kind) {
    case ExprKind::kNumber: return ValueType::kScalar;
    case ExprKind::kString: return ValueType::kString;
    case ExprKind::kVectorSelector: return ValueType::kVector;
    case ExprKind::kMatrixSelector: return ValueType::kMatrix;
    case ExprKind::kSubquery: return ValueType::kMatrix;
    case ExprKind::kCall: {
      const auto& c = As<Call>(*this);
      return c.func ? c.func->return_type : ValueType::kNone;
    }
    case ExprKind::kBinary: {
      const auto& b = As<BinaryExpr>(*this);
      if (b.lhs && b.rhs && b.lhs->type() == ValueType::kScalar && b.rhs->type() == ValueType::kScalar) {
        return ValueType::kScalar;
      }
      return ValueType::kVector;
    }
    case ExprKind::kUnary: {
      const auto& u = As<UnaryExpr>(*this);
      return u.expr ? u.expr->type() : ValueType::kNone;
    }
    case ExprKind::kParen: {
      const auto& p = As<ParenExpr>(*this);
      return p.expr ? p.expr->type() : ValueType::kNone;
    }
    case ExprKind::kAggregate: return ValueType::kVector;
  }
  return ValueType::kNone;
}

}  // namespace vigil::query
