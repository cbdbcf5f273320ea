// Internal to the parser (parser.cc, parser_check.cc, parser_series.cc): the
// Parser state machine over the token stream. Not part of query's API.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "query/ast.h"
#include "query/lexer.h"
#include "query/parser.h"

namespace vigil::query::internal {

struct ParseError {
  int pos;
  std::string msg;
};

class Parser {
 public:
  Parser(std::string_view input, bool series_desc, const ParseOptions& options);

  ExprPtr ParseTopExpr();        // START_EXPRESSION
  ExprPtr ParseTopSelector();    // START_METRIC_SELECTOR
  // START_SERIES_DESCRIPTION; fills *desc.
  void ParseSeries(std::vector<std::pair<std::string, std::string>>* labels,
                   std::vector<std::optional<double>>* values);
  // Prometheus's checkAST; returns the node's type.
  ValueType Check(Expr* e);

  bool ok() const { return errors_.empty(); }
  // The first error as InvalidArgument with Prometheus's text.
  Status FirstError() const;

 private:
  const Token& Peek() const { return toks_[i_]; }
  const Token& PeekAt(size_t k) const { return toks_[std::min(i_ + k, toks_.size() - 1)]; }
  Token Next();
  void AddError(int pos, std::string msg);
  // A syntax error at t ("unexpected <t> in <context>, expected <expected>");
  // a lexer error token reports its own message instead. Stops the parse.
  void Fail(const Token& t, std::string_view context, std::string_view expected);
  void FailGeneric(const Token& t) { Fail(t, agg_depth_ > 0 ? "aggregation" : "", ""); }
  bool failed() const { return failed_; }

  ExprPtr ParseBinary(int min_prec);
  ExprPtr ParseUnary();
  ExprPtr ParsePrimary();
  ExprPtr ParsePostfix(ExprPtr e);
  ExprPtr ParseVectorSelector(bool with_name);
  bool ParseLabelMatchers(VectorSelector* vs);
  ExprPtr ParseCall();
  ExprPtr ParseAggregate();
  bool ParseCallArgs(std::vector<ExprPtr>* args);
  bool ParseGroupingLabels(std::vector<std::string>* labels);
  bool ParseDurationTok(const Token& t, int64_t* ms);
  double ParseNumberTok(const Token& t);
  void AddOffset(Expr* e, int64_t offset_ms);
  void SetAt(Expr* e, AtModifier at, double ts);
  bool ParseLabelSet(std::vector<std::pair<std::string, std::string>>* labels);
  int Depth(const Expr* e) const;
  void SetDepth(const Expr* e, int d);

  std::string_view input_;
  ParseOptions options_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  std::vector<ParseError> errors_;
  bool failed_ = false;
  int agg_depth_ = 0;
  int recursion_ = 0;
  std::unordered_map<const Expr*, int> depth_;
};

// Go's strconv.ParseInt(s, 0, 64) then ParseFloat(s, 64), as Prometheus's
// number(): false with Go's error text in *err.
bool ParseGoNumber(std::string_view s, double* out, std::string* err);
// Whether t can start a metric name (Prometheus's metric_identifier).
bool IsMetricIdentifierTok(Tok t);

}  // namespace vigil::query::internal
