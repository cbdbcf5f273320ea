// The PromQL parser, after Prometheus 2.53's promql/parser: a hand-written
// recursive-descent / precedence-climbing parser over query/lexer.h that
// builds the AST of query/ast.h and type-checks it as Prometheus's checkAST
// does. Errors are InvalidArgument whose message is exactly Prometheus's
// ParseErr text: "<line>:<col>: parse error: <what>" (the position of the
// first error; line and column are 1-based, the column counts bytes).
// Stateless free functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/matcher.h"
#include "engine/base/status.h"
#include "query/ast.h"

namespace vigil::query {

struct ParseOptions {
  // Prometheus's --enable-feature=promql-experimental-functions
  // (mad_over_time, sort_by_label, sort_by_label_desc). On by default.
  bool enable_experimental_functions = true;
};

// Parses and type-checks a PromQL expression. Nesting deeper than
// kMaxParseDepth is rejected with a parse error, so the tree can be walked
// recursively.
Result<ExprPtr> ParseExpr(std::string_view query, const ParseOptions& options = {});
inline constexpr int kMaxParseDepth = 1000;

// For match[] parameters: a lone vector selector (no type check, so `{}` is
// accepted as in Prometheus). Matchers in brace order, then __name__ when the
// name is written outside the braces.
Result<Matchers> ParseMetricSelector(std::string_view selector);

// A series description of the promqltest `load` command:
//   metric{a="b"} 1+2x3 _ stale Inf -Inf NaN 5x2 1-1x4 _x3
// `_` is nullopt, `stale` the stale NaN of engine/base/sample.h, `a+bxN`
// expands to N+1 values a, a+b, ..., `_xN` to N blanks.
struct SeriesDesc {
  Labels labels;
  std::vector<std::optional<double>> values;
};
Result<SeriesDesc> ParseSeriesDesc(std::string_view line);

// Prometheus's prettier (promtool / format_query): splits nodes whose
// one-line form is longer than 100 characters, indenting by two spaces.
std::string Prettify(const Expr& e);

// Prometheus's ParseErr position "line:col" for byte offset pos in query
// ("unknown position" for an empty query).
std::string ErrorPosition(std::string_view query, int pos);

}  // namespace vigil::query
