// Type checking (Prometheus's checkAST), the metric-selector entry point and
// series descriptions.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "engine/base/sample.h"
#include "query/function_defs.h"
#include "query/parser.h"
#include "query/parser_internal.h"

namespace vigil::query {
namespace internal {
namespace {

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

ValueType Parser::Check(Expr* node) {
  if (node == nullptr) return ValueType::kNone;
  const ValueType typ = node->type();
  auto expect_type = [&](Expr* child, ValueType want, std::string_view context) {
    ValueType t = Check(child);
    if (t != want) {
      AddError(child->pos.start, "expected type " + std::string(TypeNameForErrors(want)) + " in " +
                                     std::string(context) + ", got " + std::string(TypeNameForErrors(t)));
    }
  };
  switch (node->kind) {
    case ExprKind::kAggregate: {
      auto& n = As<AggregateExpr>(*node);
      expect_type(n.expr.get(), ValueType::kVector, "aggregation expression");
      if (n.op == AggregateOp::kTopk || n.op == AggregateOp::kBottomk || n.op == AggregateOp::kQuantile) {
        expect_type(n.param.get(), ValueType::kScalar, "aggregation parameter");
      }
      if (n.op == AggregateOp::kCountValues) expect_type(n.param.get(), ValueType::kString, "aggregation parameter");
      break;
    }
    case ExprKind::kBinary: {
      auto& n = As<BinaryExpr>(*node);
      const ValueType lt = Check(n.lhs.get());
      const ValueType rt = Check(n.rhs.get());
      auto op_pos = [&] {
        int p = n.lhs->pos.end;
        while (p < static_cast<int>(input_.size()) && IsSpaceByte(input_[static_cast<size_t>(p)])) ++p;
        return p;
      };
      const std::string op_name(BinaryOpString(n.op));
      if (n.return_bool && !IsComparison(n.op)) {
        AddError(op_pos(), "bool modifier can only be used on comparison operators");
      }
      if (IsComparison(n.op) && !n.return_bool && n.rhs->type() == ValueType::kScalar &&
          n.lhs->type() == ValueType::kScalar) {
        AddError(op_pos(), "comparisons between scalars must use BOOL modifier");
      }
      if (n.matching && IsSetOperator(n.op) && n.matching->card == Cardinality::kOneToOne) {
        n.matching->card = Cardinality::kManyToMany;
      }
      if (n.matching && n.matching->on) {
        for (const auto& l1 : n.matching->matching_labels) {
          for (const auto& l2 : n.matching->include) {
            if (l1 == l2) AddError(op_pos(), "label " + GoQuote(l1) + " must not occur in ON and GROUP clause at once");
          }
        }
      }
      if (lt != ValueType::kScalar && lt != ValueType::kVector) {
        AddError(n.lhs->pos.start, "binary expression must contain only scalar and instant vector types");
      }
      if (rt != ValueType::kScalar && rt != ValueType::kVector) {
        AddError(n.rhs->pos.start, "binary expression must contain only scalar and instant vector types");
      }
      if ((lt != ValueType::kVector || rt != ValueType::kVector) && n.matching) {
        if (!n.matching->matching_labels.empty()) {
          AddError(n.pos.start, "vector matching only allowed between instant vectors");
        }
        n.matching.reset();
      } else if (IsSetOperator(n.op) && n.matching) {
        if (n.matching->card == Cardinality::kOneToMany || n.matching->card == Cardinality::kManyToOne) {
          AddError(n.pos.start, "no grouping allowed for " + GoQuote(op_name) + " operation");
        }
        if (n.matching->card != Cardinality::kManyToMany) {
          AddError(n.pos.start, "set operations must always be many-to-many");
        }
      }
      if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(n.op)) {
        AddError(n.pos.start, "set operator " + GoQuote(op_name) + " not allowed in binary scalar expression");
      }
      break;
    }
    case ExprKind::kCall: {
      auto& n = As<Call>(*node);
      const FunctionDef& f = *n.func;
      const int nargs = static_cast<int>(f.arg_types.size());
      const int got = static_cast<int>(n.args.size());
      const std::string fname = GoQuote(f.name);
      if (f.variadic == 0) {
        if (nargs != got) {
          AddError(n.pos.start, "expected " + std::to_string(nargs) + " argument(s) in call to " + fname +
                                    ", got " + std::to_string(got));
        }
      } else {
        const int na = nargs - 1;
        if (na > got) {
          AddError(n.pos.start, "expected at least " + std::to_string(na) + " argument(s) in call to " + fname +
                                    ", got " + std::to_string(got));
        } else if (f.variadic > 0 && na + f.variadic < got) {
          AddError(n.pos.start, "expected at most " + std::to_string(na + f.variadic) +
                                    " argument(s) in call to " + fname + ", got " + std::to_string(got));
        }
      }
      for (int i = 0; i < got; ++i) {
        int k = i;
        if (k >= nargs) {
          if (f.variadic == 0) break;
          k = nargs - 1;
        }
        ValueType t = Check(n.args[static_cast<size_t>(i)].get());
        if (t != f.arg_types[static_cast<size_t>(k)]) {
          AddError(n.args[static_cast<size_t>(i)]->pos.start,
                   "expected type " + std::string(TypeNameForErrors(f.arg_types[static_cast<size_t>(k)])) +
                       " in call to function " + fname + ", got " + std::string(TypeNameForErrors(t)));
        }
      }
      break;
    }
    case ExprKind::kParen:
      Check(As<ParenExpr>(*node).expr.get());
      break;
    case ExprKind::kUnary: {
      ValueType t = Check(As<UnaryExpr>(*node).expr.get());
      if (t != ValueType::kScalar && t != ValueType::kVector) {
        AddError(node->pos.start, "unary expression only allowed on expressions of type scalar or instant vector, got " +
                                      GoQuote(TypeNameForErrors(t)));
      }
      break;
    }
    case ExprKind::kSubquery: {
      ValueType t = Check(As<SubqueryExpr>(*node).expr.get());
      if (t != ValueType::kVector) {
        AddError(node->pos.start,
                 "subquery is only allowed on instant vector, got " + std::string(ValueTypeName(t)) + " instead");
      }
      break;
    }
    case ExprKind::kMatrixSelector:
      Check(As<MatrixSelector>(*node).vector_selector.get());
      break;
    case ExprKind::kVectorSelector: {
      auto& n = As<VectorSelector>(*node);
      if (!n.name.empty()) {
        for (size_t i = 0; i + 1 < n.matchers.size(); ++i) {
          if (n.matchers[i].name() == "__name__") {
            AddError(n.pos.start, "metric name must not be set twice: " + GoQuote(n.name) + " or " +
                                      GoQuote(n.matchers[i].value()));
          }
        }
        break;
      }
      bool not_empty = std::any_of(n.matchers.begin(), n.matchers.end(),
                                   [](const Matcher& m) { return !m.MatchesEmpty(); });
      if (!not_empty) AddError(n.pos.start, "vector selector must contain at least one non-empty matcher");
      break;
    }
    case ExprKind::kNumber:
    case ExprKind::kString:
      break;
  }
  return typ;
}

ExprPtr Parser::ParseTopSelector() {
  const Token t = Peek();
  if (t.type != Tok::kLeftBrace && !IsMetricIdentifierTok(t.type)) {
    Fail(t, "", "");
    return nullptr;
  }
  ExprPtr e = ParseVectorSelector(t.type != Tok::kLeftBrace);
  if (failed_) return nullptr;
  if (Peek().type != Tok::kEOF) {
    Fail(Peek(), "", "");
    return nullptr;
  }
  return e;
}

bool Parser::ParseLabelSet(std::vector<std::pair<std::string, std::string>>* labels) {
  Next();  // {
  if (Peek().type == Tok::kRightBrace) {
    Next();
    return true;
  }
  for (;;) {
    const Token name = Peek();
    if (name.type != Tok::kIdentifier) {
      Fail(name, "label set", "identifier or \"}\"");
      return false;
    }
    Next();
    if (Peek().type != Tok::kEql) {
      Fail(Peek(), "label set", "identifier or \"}\"");
      return false;
    }
    Next();
    const Token value = Peek();
    if (value.type != Tok::kString) {
      Fail(value, "label set", "string");
      return false;
    }
    Next();
    std::string v;
    if (!GoUnquote(value.val, &v)) {
      AddError(value.pos, "error unquoting string " + GoQuote(value.val) + ": invalid syntax");
    }
    labels->emplace_back(std::string(name.val), std::move(v));
    const Token sep = Peek();
    if (sep.type == Tok::kComma) {
      Next();
      if (Peek().type == Tok::kRightBrace) {
        Next();
        return true;
      }
      continue;
    }
    if (sep.type == Tok::kRightBrace) {
      Next();
      return true;
    }
    Fail(sep, "label set", "\",\" or \"}\"");
    return false;
  }
}

void Parser::ParseSeries(std::vector<std::pair<std::string, std::string>>* labels,
                         std::vector<std::optional<double>>* values) {
  Token t = Peek();
  if (IsMetricIdentifierTok(t.type)) {
    Next();
    labels->emplace_back("__name__", std::string(t.val));
  }
  if (Peek().type == Tok::kLeftBrace && !ParseLabelSet(labels)) return;
  if (Peek().type != Tok::kSpace) {
    Fail(Peek(), "", "");
    return;
  }
  auto parse_uint = [&](const Token& n, uint64_t* out) {
    *out = 0;
    bool ok = n.type == Tok::kNumber && !n.val.empty();
    for (char c : n.val) {
      if (c < '0' || c > '9') ok = false;
    }
    if (ok) {
      errno = 0;
      *out = std::strtoull(std::string(n.val).c_str(), nullptr, 10);
      if (errno == ERANGE) {
        AddError(n.pos, "invalid repetition in series values: strconv.ParseUint: parsing " + GoQuote(n.val) +
                            ": value out of range");
      }
      return;
    }
    AddError(n.pos, "invalid repetition in series values: strconv.ParseUint: parsing " + GoQuote(n.val) +
                        ": invalid syntax");
  };
  // Reads a NUMBER, returning false (after a syntax error) otherwise.
  auto number = [&](double* v) {
    const Token n = Peek();
    if (n.type != Tok::kNumber) {
      Fail(n, "series values", "");
      return false;
    }
    Next();
    *v = ParseNumberTok(n);
    return true;
  };
  constexpr uint64_t kMaxRepeat = 1 << 20;
  while (!failed_) {
    while (Peek().type == Tok::kSpace) Next();
    t = Peek();
    if (t.type == Tok::kEOF) return;
    if (t.type == Tok::kBlank) {
      Next();
      if (Peek().type == Tok::kTimes) {
        Next();
        uint64_t n = 0;
        if (Peek().type != Tok::kNumber) {
          Fail(Peek(), "series values", "");
          return;
        }
        parse_uint(Next(), &n);
        if (n > kMaxRepeat) {
          AddError(t.pos, "invalid repetition in series values: too many values");
          return;
        }
        for (uint64_t i = 0; i < n; ++i) values->push_back(std::nullopt);
      } else {
        values->push_back(std::nullopt);
      }
    } else {
      double v = 0;
      if (t.type == Tok::kIdentifier) {
        Next();
        if (t.val != "stale") {
          Fail(t, "series values", "number or \"stale\"");
          return;
        }
        v = StaleNaN();
      } else if (t.type == Tok::kAdd || t.type == Tok::kSub) {
        Next();
        if (!number(&v)) return;
        if (t.type == Tok::kSub) v = -v;
      } else if (!number(&v)) {
        return;
      }
      const Token n = Peek();
      if (n.type == Tok::kTimes || n.type == Tok::kAdd || n.type == Tok::kSub) {
        double inc = 0;
        if (n.type != Tok::kTimes) {
          Next();
          if (!number(&inc)) return;
          if (n.type == Tok::kSub) inc = -inc;
          if (Peek().type != Tok::kTimes) {
            Fail(Peek(), "series values", "");
            return;
          }
        }
        Next();  // x
        if (Peek().type != Tok::kNumber) {
          Fail(Peek(), "series values", "");
          return;
        }
        uint64_t times = 0;
        parse_uint(Next(), &times);
        if (times > kMaxRepeat) {
          AddError(t.pos, "invalid repetition in series values: too many values");
          return;
        }
        for (uint64_t i = 0; i <= times; ++i) {
          values->push_back(v);
          v += inc;
        }
      } else {
        values->push_back(v);
      }
    }
    const Token sep = Peek();
    if (sep.type != Tok::kSpace && sep.type != Tok::kEOF) {
      Fail(sep, "series values", "");
      return;
    }
  }
}

}  // namespace internal

Result<SeriesDesc> ParseSeriesDesc(std::string_view line) {
  internal::Parser p(line, true, ParseOptions{});
  std::vector<std::pair<std::string, std::string>> labels;
  SeriesDesc desc;
  p.ParseSeries(&labels, &desc.values);
  if (!p.ok()) return p.FirstError();
  std::vector<std::pair<std::string_view, std::string_view>> views;
  views.reserve(labels.size());
  for (const auto& [k, v] : labels) views.emplace_back(k, v);
  auto l = Labels::FromPairs(std::move(views));
  if (!l.ok()) return Status::InvalidArgument("1:1: parse error: " + l.status().message());
  desc.labels = std::move(l).value();
  return desc;
}

}  // namespace vigil::query
