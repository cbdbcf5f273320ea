// Numbers, durations and the postfix modifiers of an expression: range and
// subquery brackets, offset and @ (the selector half of generated_parser.y).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "query/duration.h"
#include "query/parser_internal.h"

namespace vigil::query::internal {
namespace {

// Go's %f.
std::string FormatGoF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%f", v);
  return buf;
}

}  // namespace

bool ParseGoNumber(std::string_view s, double* out, std::string* err) {
  std::string str(s);
  auto syntax = [&] {
    *err = "strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax";
    return false;
  };
  // strconv.ParseInt(s, 0, 64).
  {
    std::string_view d = s;
    int base = 10;
    if (d.size() > 1 && d[0] == '0') {
      if (d[1] == 'x' || d[1] == 'X') {
        base = 16;
        d.remove_prefix(2);
      } else {
        base = 8;
        d.remove_prefix(1);
      }
    }
    bool valid = !d.empty();
    for (char c : d) {
      int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
      if (v >= base) valid = false;
    }
    if (valid) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(std::string(d).c_str(), &end, base);
      if (errno != ERANGE) {
        *out = static_cast<double>(v);
        return true;
      }
    }
  }
  // strconv.ParseFloat(s, 64): decimal floats, inf/nan; hex only with a 'p'
  // exponent, which the lexer never produces.
  if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return syntax();
  std::string lower = str;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "+inf" || lower == "infinity") {
    *out = INFINITY;
    return true;
  }
  if (lower == "nan") {
    *out = NAN;
    return true;
  }
  for (char c : lower) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '+' || c == '-')) return syntax();
  }
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size() || str.empty()) return syntax();
  if (errno == ERANGE && std::isinf(v)) {
    *err = "strconv.ParseFloat: parsing " + GoQuote(s) + ": value out of range";
    *out = v;
    return false;
  }
  *out = v;
  return true;
}

bool Parser::ParseDurationTok(const Token& t, int64_t* ms) {
  auto r = ParseDuration(t.val);
  if (!r.ok()) {
    AddError(t.pos, r.status().message());
    *ms = 0;
    return false;
  }
  *ms = *r;
  if (*ms == 0) {
    AddError(t.pos, "duration must be greater than 0");
    return false;
  }
  return true;
}

double Parser::ParseNumberTok(const Token& t) {
  double v = 0;
  std::string err;
  if (!ParseGoNumber(t.val, &v, &err)) AddError(t.pos, "error parsing number: " + err);
  return v;
}

void Parser::AddOffset(Expr* e, int64_t offset_ms) {
  int64_t* target = nullptr;
  switch (e->kind) {
    case ExprKind::kVectorSelector:
      target = &As<VectorSelector>(*e).offset_ms;
      break;
    case ExprKind::kMatrixSelector: {
      Expr* vs = As<MatrixSelector>(*e).vector_selector.get();
      if (vs->kind != ExprKind::kVectorSelector) {
        AddError(e->pos.start, "ranges only allowed for vector selectors");
        return;
      }
      target = &As<VectorSelector>(*vs).offset_ms;
      break;
    }
    case ExprKind::kSubquery:
      target = &As<SubqueryExpr>(*e).offset_ms;
      break;
    default:
      AddError(e->pos.start,
               "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
      return;
  }
  if (*target != 0) {
    AddError(e->pos.start, "offset may not be set multiple times");
  } else {
    *target = offset_ms;
  }
  e->pos.end = toks_[i_ - 1].end();
}

void Parser::SetAt(Expr* e, AtModifier at, double ts) {
  bool bad_ts = false;
  if (at == AtModifier::kTimestamp &&
      (std::isnan(ts) || std::isinf(ts) || ts >= 9.223372036854775807e18 || ts <= -9.223372036854775808e18)) {
    AddError(e->pos.start, "timestamp out of bounds for @ modifier: " + FormatGoF(ts));
    bad_ts = true;
  }
  AtModifier* at_p = nullptr;
  int64_t* ms_p = nullptr;
  switch (e->kind) {
    case ExprKind::kVectorSelector: {
      auto& vs = As<VectorSelector>(*e);
      at_p = &vs.at;
      ms_p = &vs.at_ms;
      break;
    }
    case ExprKind::kMatrixSelector: {
      Expr* inner = As<MatrixSelector>(*e).vector_selector.get();
      if (inner->kind != ExprKind::kVectorSelector) {
        AddError(e->pos.start, "ranges only allowed for vector selectors");
        return;
      }
      auto& vs = As<VectorSelector>(*inner);
      at_p = &vs.at;
      ms_p = &vs.at_ms;
      break;
    }
    case ExprKind::kSubquery: {
      auto& sq = As<SubqueryExpr>(*e);
      at_p = &sq.at;
      ms_p = &sq.at_ms;
      break;
    }
    default:
      AddError(e->pos.start,
               "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
      return;
  }
  if (*at_p != AtModifier::kNone) {
    AddError(e->pos.start, "@ <timestamp> may not be set multiple times");
    return;
  }
  *at_p = at;
  if (at == AtModifier::kTimestamp) {
    double ms = std::round(ts * 1000.0);
    *ms_p = bad_ts || !(std::fabs(ms) < 9.2e18) ? 0 : static_cast<int64_t>(ms);
  }
  e->pos.end = toks_[i_ - 1].end();
}

ExprPtr Parser::ParsePostfix(ExprPtr e) {
  for (;;) {
    const Token t = Peek();
    if (t.type == Tok::kLeftBracket) {
      Next();
      const Token d = Peek();
      if (d.type != Tok::kDuration) {
        Fail(d, "subquery selector", "duration");
        return nullptr;
      }
      Next();
      int64_t range_ms = 0;
      ParseDurationTok(d, &range_ms);
      const Token sep = Peek();
      if (sep.type == Tok::kRightBracket) {
        Next();
        if (e->kind != ExprKind::kVectorSelector) {
          AddError(t.pos, "ranges only allowed for vector selectors");
        } else if (As<VectorSelector>(*e).offset_ms != 0) {
          AddError(t.pos, "no offset modifiers allowed before range");
        } else if (As<VectorSelector>(*e).at == AtModifier::kTimestamp) {
          AddError(t.pos, "no @ modifiers allowed before range");
        }
        auto ms = std::make_unique<MatrixSelector>();
        ms->pos = {e->pos.start, sep.end()};
        ms->range_ms = range_ms;
        int depth = Depth(e.get()) + 1;
        ms->vector_selector = std::move(e);
        e = std::move(ms);
        SetDepth(e.get(), depth);
        if (failed_) return nullptr;
        continue;
      }
      if (sep.type != Tok::kColon) {
        Fail(sep, "subquery or range", "\":\" or \"]\"");
        return nullptr;
      }
      Next();
      int64_t step_ms = 0;
      const Token s = Peek();
      if (s.type == Tok::kDuration) {
        Next();
        ParseDurationTok(s, &step_ms);
        if (Peek().type != Tok::kRightBracket) {
          Fail(Peek(), "subquery selector", "\"]\"");
          return nullptr;
        }
      } else if (s.type != Tok::kRightBracket) {
        Fail(s, "subquery selector", "duration or \"]\"");
        return nullptr;
      }
      const Token close = Next();
      auto sq = std::make_unique<SubqueryExpr>();
      sq->pos = {e->pos.start, close.end()};
      sq->range_ms = range_ms;
      sq->step_ms = step_ms;
      int depth = Depth(e.get()) + 1;
      sq->expr = std::move(e);
      e = std::move(sq);
      SetDepth(e.get(), depth);
      if (failed_) return nullptr;
      continue;
    }
    if (t.type == Tok::kOffset) {
      Next();
      bool neg = false;
      if (Peek().type == Tok::kSub) {
        Next();
        neg = true;
      }
      const Token d = Peek();
      if (d.type != Tok::kDuration) {
        Fail(d, "offset", "duration");
        return nullptr;
      }
      Next();
      int64_t ms = 0;
      ParseDurationTok(d, &ms);
      AddOffset(e.get(), neg ? -ms : ms);
      continue;
    }
    if (t.type == Tok::kAt) {
      Next();
      const Token a = Peek();
      if (a.type == Tok::kNumber) {
        Next();
        SetAt(e.get(), AtModifier::kTimestamp, ParseNumberTok(a));
      } else if ((a.type == Tok::kAdd || a.type == Tok::kSub) && PeekAt(1).type == Tok::kNumber) {
        Next();
        const Token n = Next();
        double v = ParseNumberTok(n);
        SetAt(e.get(), AtModifier::kTimestamp, a.type == Tok::kSub ? -v : v);
      } else if ((a.type == Tok::kStart || a.type == Tok::kEnd) && PeekAt(1).type == Tok::kLeftParen &&
                 PeekAt(2).type == Tok::kRightParen) {
        Next();
        Next();
        Next();
        SetAt(e.get(), a.type == Tok::kStart ? AtModifier::kStart : AtModifier::kEnd, 0);
      } else {
        const Token* bad = &a;
        if (a.type == Tok::kAdd || a.type == Tok::kSub) bad = &PeekAt(1);
        if (a.type == Tok::kStart || a.type == Tok::kEnd) {
          bad = PeekAt(1).type != Tok::kLeftParen ? &PeekAt(1) : &PeekAt(2);
        }
        Fail(*bad, "@", "timestamp");
        return nullptr;
      }
      continue;
    }
    return e;
  }
}

}  // namespace vigil::query::internal
