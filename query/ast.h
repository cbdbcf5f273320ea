// The PromQL abstract syntax tree, after Prometheus's promql/parser/ast.go.
// A tree is built by the parser (parser.h), owned through ExprPtr, and
// immutable once parsed except for the evaluator's preprocessing of @
// start()/end(). ToString() prints PromQL that parses back to an equal tree.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/matcher.h"
#include "query/value.h"

namespace vigil::query {

struct FunctionDef;  // function_defs.h

// Byte offsets [start, end) into the query text.
struct PosRange {
  int start = 0;
  int end = 0;
};

enum class ExprKind : unsigned char {
  kNumber,
  kString,
  kVectorSelector,
  kMatrixSelector,
  kSubquery,
  kCall,
  kBinary,
  kUnary,
  kParen,
  kAggregate,
};

enum class BinaryOp : unsigned char {
  kAdd, kSub, kMul, kDiv, kMod, kPow, kAtan2,           // arithmetic
  kEql, kNeq, kGtr, kLss, kGte, kLte,                    // comparison
  kAnd, kOr, kUnless,                                    // set
};
std::string_view BinaryOpString(BinaryOp op);  // "+", "atan2", "and", ...
bool IsComparison(BinaryOp op);
bool IsSetOperator(BinaryOp op);

enum class AggregateOp : unsigned char {
  kSum, kAvg, kCount, kMin, kMax, kGroup, kStddev, kStdvar,
  kTopk, kBottomk, kCountValues, kQuantile,
};
std::string_view AggregateOpString(AggregateOp op);  // "sum", "count_values", ...

// How an @ modifier pins a selector or subquery.
enum class AtModifier : unsigned char { kNone, kTimestamp, kStart, kEnd };

struct Expr {
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  // The PromQL text of this node (Prometheus's String()).
  std::string ToString() const;
  ValueType type() const;

  const ExprKind kind;
  PosRange pos;
};
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral final : Expr {
  NumberLiteral() : Expr(ExprKind::kNumber) {}
  double value = 0;
};

struct StringLiteral final : Expr {
  StringLiteral() : Expr(ExprKind::kString) {}
  std::string value;  // unescaped
};

struct VectorSelector final : Expr {
  VectorSelector() : Expr(ExprKind::kVectorSelector) {}
  std::string name;         // metric name if given outside braces, else ""
  Matchers matchers;        // all matchers, __name__="name" included
  int64_t offset_ms = 0;    // as written (negative allowed)
  AtModifier at = AtModifier::kNone;
  int64_t at_ms = 0;        // for kTimestamp; set for kStart/kEnd by the evaluator
};

struct MatrixSelector final : Expr {
  MatrixSelector() : Expr(ExprKind::kMatrixSelector) {}
  ExprPtr vector_selector;  // a VectorSelector (holds offset and @)
  int64_t range_ms = 0;
};

struct SubqueryExpr final : Expr {
  SubqueryExpr() : Expr(ExprKind::kSubquery) {}
  ExprPtr expr;
  int64_t range_ms = 0;
  int64_t step_ms = 0;  // 0 = the default evaluation interval
  int64_t offset_ms = 0;
  AtModifier at = AtModifier::kNone;
  int64_t at_ms = 0;
};

struct Call final : Expr {
  Call() : Expr(ExprKind::kCall) {}
  const FunctionDef* func = nullptr;
  std::vector<ExprPtr> args;
};

// on(...)/ignoring(...) and group_left/group_right of a binary expression.
enum class Cardinality : unsigned char { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  // the on/ignoring list
  bool on = false;                           // on(...) rather than ignoring(...)
  std::vector<std::string> include;          // group_left/right(...) labels
};

struct BinaryExpr final : Expr {
  BinaryExpr() : Expr(ExprKind::kBinary) {}
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs, rhs;
  bool return_bool = false;
  // Set when both sides are vectors (set operators get kManyToMany).
  std::optional<VectorMatching> matching;
};

struct UnaryExpr final : Expr {
  UnaryExpr() : Expr(ExprKind::kUnary) {}
  bool negate = true;  // '-' (false for a unary '+', which the parser keeps)
  ExprPtr expr;
};

struct ParenExpr final : Expr {
  ParenExpr() : Expr(ExprKind::kParen) {}
  ExprPtr expr;
};

struct AggregateExpr final : Expr {
  AggregateExpr() : Expr(ExprKind::kAggregate) {}
  AggregateOp op = AggregateOp::kSum;
  ExprPtr expr;
  ExprPtr param;  // topk/bottomk/quantile/count_values; else null
  std::vector<std::string> grouping;
  bool without = false;
  // A by/without clause was written. As in Prometheus, ToString() prints
  // `without ()` but drops an empty `by ()`.
  bool has_grouping_clause = false;
};

// Downcasts by kind. REQUIRES: e->kind matches.
template <typename T>
const T& As(const Expr& e) { return static_cast<const T&>(e); }
template <typename T>
T& As(Expr& e) { return static_cast<T&>(e); }

}  // namespace vigil::query
