// Expression grammar: precedence climbing over binary operators, recursive
// descent for everything else. Mirrors the shape of Prometheus 2.53's
// generated_parser.y, including which error message each position yields.
#include "query/parser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "query/duration.h"
#include "query/function_defs.h"
#include "query/parser_internal.h"

namespace vigil::query {
namespace internal {
namespace {

int BinaryPrecedence(Tok t) {
  switch (t) {
    case Tok::kLor: return 1;
    case Tok::kLand: case Tok::kLunless: return 2;
    case Tok::kEqlc: case Tok::kNeq: case Tok::kLss: case Tok::kLte: case Tok::kGtr: case Tok::kGte:
      return 3;
    case Tok::kAdd: case Tok::kSub: return 4;
    case Tok::kMul: case Tok::kDiv: case Tok::kMod: case Tok::kAtan2: return 5;
    case Tok::kPow: return 6;
    default: return 0;
  }
}
constexpr int kPowPrecedence = 6;

BinaryOp ToBinaryOp(Tok t) {
  switch (t) {
    case Tok::kAdd: return BinaryOp::kAdd;
    case Tok::kSub: return BinaryOp::kSub;
    case Tok::kMul: return BinaryOp::kMul;
    case Tok::kDiv: return BinaryOp::kDiv;
    case Tok::kMod: return BinaryOp::kMod;
    case Tok::kPow: return BinaryOp::kPow;
    case Tok::kAtan2: return BinaryOp::kAtan2;
    case Tok::kEqlc: return BinaryOp::kEql;
    case Tok::kNeq: return BinaryOp::kNeq;
    case Tok::kGtr: return BinaryOp::kGtr;
    case Tok::kLss: return BinaryOp::kLss;
    case Tok::kGte: return BinaryOp::kGte;
    case Tok::kLte: return BinaryOp::kLte;
    case Tok::kLand: return BinaryOp::kAnd;
    case Tok::kLor: return BinaryOp::kOr;
    default: return BinaryOp::kUnless;
  }
}

AggregateOp ToAggregateOp(Tok t) {
  switch (t) {
    case Tok::kSum: return AggregateOp::kSum;
    case Tok::kAvg: return AggregateOp::kAvg;
    case Tok::kCount: return AggregateOp::kCount;
    case Tok::kMin: return AggregateOp::kMin;
    case Tok::kMax: return AggregateOp::kMax;
    case Tok::kGroup: return AggregateOp::kGroup;
    case Tok::kStddev: return AggregateOp::kStddev;
    case Tok::kStdvar: return AggregateOp::kStdvar;
    case Tok::kTopk: return AggregateOp::kTopk;
    case Tok::kBottomk: return AggregateOp::kBottomk;
    case Tok::kCountValues: return AggregateOp::kCountValues;
    default: return AggregateOp::kQuantile;
  }
}

bool HasParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kCountValues ||
         op == AggregateOp::kQuantile;
}

// Prometheus's maybe_label: tokens usable as label names in grouping lists.
bool IsMaybeLabelTok(Tok t) {
  if (IsAggregatorTok(t) || IsKeywordTok(t)) return true;
  switch (t) {
    case Tok::kIdentifier: case Tok::kMetricIdentifier: case Tok::kLand: case Tok::kLor:
    case Tok::kLunless: case Tok::kStart: case Tok::kEnd: case Tok::kAtan2:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsMetricIdentifierTok(Tok t) {
  if (IsAggregatorTok(t)) return true;
  switch (t) {
    case Tok::kIdentifier: case Tok::kMetricIdentifier: case Tok::kBy: case Tok::kWithout:
    case Tok::kLand: case Tok::kLor: case Tok::kLunless: case Tok::kOffset: case Tok::kStart:
    case Tok::kEnd:
      return true;
    default:
      return false;
  }
}

Parser::Parser(std::string_view input, bool series_desc, const ParseOptions& options)
    : input_(input), options_(options), toks_(Lexer::LexAll(input, series_desc)) {}

Token Parser::Next() {
  Token t = toks_[i_];
  if (i_ + 1 < toks_.size()) ++i_;
  return t;
}

void Parser::AddError(int pos, std::string msg) { errors_.push_back({pos, std::move(msg)}); }

void Parser::Fail(const Token& t, std::string_view context, std::string_view expected) {
  if (failed_) return;
  failed_ = true;
  if (t.type == Tok::kError) {
    AddError(t.pos, t.message);
    return;
  }
  std::string msg = "unexpected " + TokenDesc(t);
  if (!context.empty()) msg += " in " + std::string(context);
  if (!expected.empty()) msg += ", expected " + std::string(expected);
  AddError(t.pos, std::move(msg));
}

Status Parser::FirstError() const {
  const ParseError& e = errors_.front();
  return Status::InvalidArgument(ErrorPosition(input_, e.pos) + ": parse error: " + e.msg);
}

int Parser::Depth(const Expr* e) const {
  if (e == nullptr) return 0;
  auto it = depth_.find(e);
  return it == depth_.end() ? 1 : it->second;
}

void Parser::SetDepth(const Expr* e, int d) {
  depth_[e] = d;
  if (d > kMaxParseDepth && !failed_) {
    failed_ = true;
    AddError(Peek().pos, "expression nesting too deep (more than " + std::to_string(kMaxParseDepth) + " levels)");
  }
}

ExprPtr Parser::ParseTopExpr() {
  if (Peek().type == Tok::kEOF) {
    AddError(0, "no expression found in input");
    return nullptr;
  }
  ExprPtr e = ParseBinary(0);
  if (failed_) return nullptr;
  if (Peek().type != Tok::kEOF) {
    FailGeneric(Peek());
    return nullptr;
  }
  return e;
}

ExprPtr Parser::ParseBinary(int min_prec) {
  ExprPtr lhs = ParseUnary();
  if (failed_) return nullptr;
  for (;;) {
    const Token op = Peek();
    int prec = BinaryPrecedence(op.type);
    if (prec == 0 || prec < min_prec) break;
    Next();
    auto bin = std::make_unique<BinaryExpr>();
    bin->op = ToBinaryOp(op.type);
    VectorMatching vm;
    if (Peek().type == Tok::kBool) {
      Next();
      bin->return_bool = true;
    }
    if (Peek().type == Tok::kOn || Peek().type == Tok::kIgnoring) {
      vm.on = Next().type == Tok::kOn;
      if (!ParseGroupingLabels(&vm.matching_labels)) return nullptr;
      if (Peek().type == Tok::kGroupLeft || Peek().type == Tok::kGroupRight) {
        vm.card = Next().type == Tok::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
        if (Peek().type == Tok::kLeftParen && !ParseGroupingLabels(&vm.include)) return nullptr;
      }
    }
    bin->matching = std::move(vm);
    ExprPtr rhs = ParseBinary(prec == kPowPrecedence ? prec : prec + 1);
    if (failed_) return nullptr;
    bin->pos = {lhs->pos.start, rhs->pos.end};
    int d = 1 + std::max(Depth(lhs.get()), Depth(rhs.get()));
    bin->lhs = std::move(lhs);
    bin->rhs = std::move(rhs);
    lhs = std::move(bin);
    SetDepth(lhs.get(), d);
    if (failed_) return nullptr;
  }
  return lhs;
}

ExprPtr Parser::ParseUnary() {
  if (++recursion_ > kMaxParseDepth) {
    if (!failed_) {
      failed_ = true;
      AddError(Peek().pos, "expression nesting too deep (more than " + std::to_string(kMaxParseDepth) + " levels)");
    }
    --recursion_;
    return nullptr;
  }
  struct Guard {
    int* r;
    ~Guard() { --*r; }
  } guard{&recursion_};
  const Token t = Peek();
  if (t.type == Tok::kAdd || t.type == Tok::kSub) {
    Next();
    ExprPtr operand = ParseBinary(kPowPrecedence);
    if (failed_) return nullptr;
    if (operand->kind == ExprKind::kNumber) {
      auto& nl = As<NumberLiteral>(*operand);
      if (t.type == Tok::kSub) nl.value *= -1;
      nl.pos.start = t.pos;
      return operand;
    }
    auto u = std::make_unique<UnaryExpr>();
    u->negate = t.type == Tok::kSub;
    u->pos = {t.pos, operand->pos.end};
    int d = 1 + Depth(operand.get());
    u->expr = std::move(operand);
    SetDepth(u.get(), d);
    return u;
  }
  ExprPtr e = ParsePrimary();
  if (failed_) return nullptr;
  return ParsePostfix(std::move(e));
}

ExprPtr Parser::ParsePrimary() {
  const Token t = Peek();
  switch (t.type) {
    case Tok::kNumber: {
      Next();
      auto n = std::make_unique<NumberLiteral>();
      n->value = ParseNumberTok(t);
      n->pos = {t.pos, t.end()};
      return n;
    }
    case Tok::kString: {
      Next();
      auto s = std::make_unique<StringLiteral>();
      if (!GoUnquote(t.val, &s->value)) {
        AddError(t.pos, "error unquoting string " + GoQuote(t.val) + ": invalid syntax");
      }
      s->pos = {t.pos, t.end()};
      return s;
    }
    case Tok::kLeftParen: {
      Next();
      ExprPtr inner = ParseBinary(0);
      if (failed_) return nullptr;
      if (Peek().type != Tok::kRightParen) {
        FailGeneric(Peek());
        return nullptr;
      }
      const Token r = Next();
      auto p = std::make_unique<ParenExpr>();
      p->pos = {t.pos, r.end()};
      int d = 1 + Depth(inner.get());
      p->expr = std::move(inner);
      SetDepth(p.get(), d);
      return p;
    }
    case Tok::kLeftBrace:
      return ParseVectorSelector(false);
    case Tok::kIdentifier:
      if (PeekAt(1).type == Tok::kLeftParen) return ParseCall();
      return ParseVectorSelector(true);
    default:
      break;
  }
  if (IsAggregatorTok(t.type)) {
    Tok n = PeekAt(1).type;
    if (n == Tok::kLeftParen || n == Tok::kBy || n == Tok::kWithout) return ParseAggregate();
  }
  if (IsMetricIdentifierTok(t.type)) return ParseVectorSelector(true);
  FailGeneric(t);
  return nullptr;
}

ExprPtr Parser::ParseVectorSelector(bool with_name) {
  auto vs = std::make_unique<VectorSelector>();
  vs->pos.start = Peek().pos;
  if (with_name) {
    const Token name = Next();
    vs->name = std::string(name.val);
    vs->pos.end = name.end();
  }
  if (Peek().type == Tok::kLeftBrace) {
    if (!ParseLabelMatchers(vs.get())) return nullptr;
  }
  if (!vs->name.empty()) {
    auto m = Matcher::Make(MatchType::kEqual, "__name__", vs->name);
    if (m.ok()) vs->matchers.push_back(std::move(m).value());
  }
  return vs;
}

bool Parser::ParseLabelMatchers(VectorSelector* vs) {
  Next();  // {
  if (Peek().type == Tok::kRightBrace) {
    vs->pos.end = Next().end();
    return true;
  }
  for (;;) {
    const Token name = Peek();
    if (name.type != Tok::kIdentifier) {
      Fail(name, "label matching", "identifier or \"}\"");
      return false;
    }
    Next();
    const Token op = Peek();
    MatchType type;
    switch (op.type) {
      case Tok::kEql: type = MatchType::kEqual; break;
      case Tok::kNeq: type = MatchType::kNotEqual; break;
      case Tok::kEqlRegex: type = MatchType::kRegexMatch; break;
      case Tok::kNeqRegex: type = MatchType::kRegexNoMatch; break;
      default:
        Fail(op, "label matching", "label matching operator");
        return false;
    }
    Next();
    const Token value = Peek();
    if (value.type != Tok::kString) {
      Fail(value, "label matching", "string");
      return false;
    }
    Next();
    std::string v;
    if (!GoUnquote(value.val, &v)) {
      AddError(value.pos, "error unquoting string " + GoQuote(value.val) + ": invalid syntax");
    }
    auto m = Matcher::Make(type, std::string(name.val), std::move(v));
    if (m.ok()) {
      vs->matchers.push_back(std::move(m).value());
    } else {
      AddError(name.pos, m.status().message());
    }
    const Token sep = Peek();
    if (sep.type == Tok::kComma) {
      Next();
      if (Peek().type == Tok::kRightBrace) {
        vs->pos.end = Next().end();
        return true;
      }
      continue;
    }
    if (sep.type == Tok::kRightBrace) {
      vs->pos.end = Next().end();
      return true;
    }
    Fail(sep, "label matching", "\",\" or \"}\"");
    return false;
  }
}

bool Parser::ParseCallArgs(std::vector<ExprPtr>* args) {
  Next();  // (
  if (Peek().type == Tok::kRightParen) {
    Next();
    return true;
  }
  for (;;) {
    ExprPtr e = ParseBinary(0);
    if (failed_) return false;
    args->push_back(std::move(e));
    const Token t = Peek();
    if (t.type == Tok::kComma) {
      Next();
      if (Peek().type == Tok::kRightParen) {
        AddError(t.pos, "trailing commas not allowed in function call args");
        Next();
        return true;
      }
      continue;
    }
    if (t.type == Tok::kRightParen) {
      Next();
      return true;
    }
    FailGeneric(t);
    return false;
  }
}

ExprPtr Parser::ParseCall() {
  const Token name = Next();
  auto call = std::make_unique<Call>();
  if (!ParseCallArgs(&call->args)) return nullptr;
  call->pos = {name.pos, toks_[i_ - 1].end()};
  call->func = LookupFunction(name.val);
  if (call->func == nullptr) {
    AddError(name.pos, "unknown function with name " + GoQuote(name.val));
  } else if (call->func->experimental && !options_.enable_experimental_functions) {
    AddError(name.pos, "function " + GoQuote(name.val) + " is not enabled");
  }
  int d = 0;
  for (const auto& a : call->args) d = std::max(d, Depth(a.get()));
  SetDepth(call.get(), d + 1);
  return call;
}

bool Parser::ParseGroupingLabels(std::vector<std::string>* labels) {
  labels->clear();
  if (Peek().type != Tok::kLeftParen) {
    Fail(Peek(), "grouping opts", "\"(\"");
    return false;
  }
  Next();
  if (Peek().type == Tok::kRightParen) {
    Next();
    return true;
  }
  for (;;) {
    const Token t = Peek();
    if (!IsMaybeLabelTok(t.type)) {
      Fail(t, "grouping opts", "label");
      return false;
    }
    Next();
    if (!IsValidLabelName(t.val)) {
      Fail(Peek(), "grouping opts", "label");
      return false;
    }
    labels->emplace_back(t.val);
    const Token sep = Peek();
    if (sep.type == Tok::kComma) {
      Next();
      if (Peek().type == Tok::kRightParen) {
        Next();
        return true;
      }
      continue;
    }
    if (sep.type == Tok::kRightParen) {
      Next();
      return true;
    }
    Fail(sep, "grouping opts", "\",\" or \")\"");
    return false;
  }
}

ExprPtr Parser::ParseAggregate() {
  const Token op = Next();
  auto agg = std::make_unique<AggregateExpr>();
  agg->op = ToAggregateOp(op.type);
  std::vector<ExprPtr> args;
  ++agg_depth_;
  auto modifier = [&]() {
    agg->without = Next().type == Tok::kWithout;
    agg->has_grouping_clause = true;
    return ParseGroupingLabels(&agg->grouping);
  };
  bool ok;
  if (Peek().type == Tok::kBy || Peek().type == Tok::kWithout) {
    ok = modifier();
    if (ok && Peek().type != Tok::kLeftParen) {
      FailGeneric(Peek());
      ok = false;
    }
    ok = ok && ParseCallArgs(&args);
  } else {
    ok = ParseCallArgs(&args);
    if (ok && (Peek().type == Tok::kBy || Peek().type == Tok::kWithout)) ok = modifier();
  }
  --agg_depth_;
  if (!ok) return nullptr;
  agg->pos = {op.pos, toks_[i_ - 1].end()};
  if (args.empty()) {
    if (Peek().type == Tok::kError) Fail(Peek(), "", "");
    AddError(op.pos, "no arguments for aggregate expression provided");
    return agg;
  }
  size_t desired = 1;
  if (HasParam(agg->op)) {
    desired = 2;
    agg->param = std::move(args[0]);
  }
  if (args.size() != desired) {
    if (Peek().type == Tok::kError) Fail(Peek(), "", "");
    AddError(op.pos, "wrong number of arguments for aggregate expression provided, expected " +
                         std::to_string(desired) + ", got " + std::to_string(args.size()));
    return agg;
  }
  agg->expr = std::move(args[desired - 1]);
  SetDepth(agg.get(), 1 + std::max(Depth(agg->expr.get()), Depth(agg->param.get())));
  return agg;
}

}  // namespace internal

std::string ErrorPosition(std::string_view query, int pos) {
  if (query.empty()) return "unknown position";
  if (pos < 0 || pos > static_cast<int>(query.size())) return "invalid position";
  std::string_view before = query.substr(0, static_cast<size_t>(pos));
  int line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  size_t last = before.rfind('\n');
  int col = last == std::string_view::npos ? pos + 1 : pos - static_cast<int>(last);
  return std::to_string(line + 1) + ":" + std::to_string(col);
}

Result<ExprPtr> ParseExpr(std::string_view query, const ParseOptions& options) {
  internal::Parser p(query, false, options);
  ExprPtr e = p.ParseTopExpr();
  if (p.ok()) p.Check(e.get());
  if (!p.ok()) return p.FirstError();
  return e;
}

Result<Matchers> ParseMetricSelector(std::string_view selector) {
  internal::Parser p(selector, false, ParseOptions{});
  ExprPtr e = p.ParseTopSelector();
  if (!p.ok()) return p.FirstError();
  return std::move(As<VectorSelector>(*e).matchers);
}

}  // namespace vigil::query
