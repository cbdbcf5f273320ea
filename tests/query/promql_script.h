// A runner for Prometheus's PromQL test scripts (promql/promqltest/test.go at
// v2.53): ParseScript() reads a `.test` file into commands (load, clear, eval
// instant/range with the _ordered/_fail variants and their expected results);
// RunScript() executes them against a fresh DB and an EvalBackend and reports
// each eval as passed, failed (with file, line, expression, expected vs got)
// or skipped (native histograms, which vigil does not store). The comparison
// follows upstream exactly: values equal within 1e-6 relative (util/almost,
// NaN equals NaN), labels compared as sets, order checked only for
// eval_ordered, and every instant eval re-run with selectors pinned by @ at
// other times and as a range query t-1m..t+1m step 1m (middle step compared).
// Single-owner values; RunScript is not thread-safe for one backend.
// Files: promql_script.cc (parsing), promql_script_run.cc (comparison and
// execution), promql_script_engine.cc (bindings to query::Engine/parser).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/labels.h"
#include "engine/base/status.h"
#include "engine/storage.h"
#include "query/value.h"

namespace vigil::promqltest {

// One `<series> <values>` line: labels and one value per step, nullopt for
// `_` (no sample). `stale` is the stale-marker NaN (vigil::StaleNaN()).
struct SeriesDesc {
  Labels labels;
  std::vector<std::optional<double>> values;
};
// Parses a series description line. The default is query::ParseSeriesDesc.
using SeriesDescParser = std::function<Result<SeriesDesc>(std::string_view line)>;
SeriesDescParser DefaultSeriesDescParser();

struct LoadCmd {
  int line = 0;  // 1-based, of the `load` line
  int64_t step_ms = 0;
  bool with_nhcb = false;  // load_with_nhcb: classic histograms also stored as native ones
  // Series in file order; a repeated label set replaces the earlier line.
  std::vector<SeriesDesc> series;
  // Lines with native-histogram literals `{{...}}` (not loaded).
  int native_histogram_lines = 0;
};

struct ClearCmd {
  int line = 0;
};

struct ExpectedSeries {
  Labels labels;
  std::vector<std::optional<double>> values;
  int pos = 0;  // 1-based position among the expected lines (eval_ordered)
};

struct EvalCmd {
  int line = 0;  // 1-based, of the `eval` line
  std::string expr;
  bool is_range = false;
  int64_t start_ms = 0;  // instant: the evaluation time
  int64_t end_ms = 0;    // range only
  int64_t step_ms = 0;   // range only
  bool ordered = false, fail = false, warn = false, info = false;
  std::string expected_fail_message;  // exact error message, if given
  std::string expected_fail_regexp;   // ECMAScript regex searched in the message, if given
  // A bare number was given: a scalar result is expected.
  bool expect_scalar = false;
  double scalar = 0;
  // Otherwise the expected series (none = empty result), unique label sets.
  std::vector<ExpectedSeries> expected;
  // Expected lines with native-histogram literals `{{...}}`.
  int native_histogram_lines = 0;
};

using Command = std::variant<LoadCmd, ClearCmd, EvalCmd>;

struct Script {
  std::string name;  // file name for messages, e.g. "functions.test"
  std::vector<Command> commands;
};

// Parses a test file as upstream's test.parse does. InvalidArgument naming
// "<name>:<line>" for the first malformed command (upstream rejects the whole
// file). Expressions are not parsed here; RunScript reports those that fail
// to parse as failed cases.
Result<Script> ParseScript(std::string_view name, std::string_view text,
                           const SeriesDescParser& parse_series = DefaultSeriesDescParser());

// Prometheus duration (model.ParseDuration): "0", "1h30m", "5m", "500ms",
// units y w d h m s ms in that order.
Result<int64_t> ParseDurationMs(std::string_view s);
// test.go's parseNumber: a Go integer literal (base prefixes, underscores)
// or a float (incl. Inf, NaN); the whole string must be consumed.
std::optional<double> ParseNumber(std::string_view s);
// util/almost.Equal with epsilon 1e-6: relative comparison, NaN == NaN.
bool AlmostEqual(double a, double b, double epsilon = 1e-6);
// Go's %v for a float64: shortest round-trip form, "NaN", "+Inf", "-Inf".
std::string FormatFloat(double v);

// What runs the queries. Upstream semantics: the engine is configured as
// NewTestEngine (lookback 5m, max samples 10000, timeout 100s, subquery step
// 1m, @ and negative offsets, experimental functions).
class EvalBackend {
 public:
  virtual ~EvalBackend() = default;
  virtual Result<query::QueryResult> Instant(Queryable& storage, std::string_view expr, int64_t t_ms) = 0;
  virtual Result<query::QueryResult> Range(Queryable& storage, std::string_view expr, int64_t start_ms,
                                           int64_t end_ms, int64_t step_ms) = 0;
  // Upstream parses each eval expression up front; a parse error fails the
  // case whatever its expectation. OK or the parse error.
  virtual Status CheckParse(std::string_view expr) = 0;
  // upstream atModifierTestCases: the expression with every selector and
  // outermost subquery lacking `@ <ts>` pinned at `t_ms`, with the times to
  // evaluate it at (-10t, 0, t/5, t, 10t; -1s, 0, 1s when t = 0). Empty
  // when the expression calls a function unsafe under @ (time(),
  // timestamp(), predict_linear(), date functions).
  struct AtVariant {
    std::string expr;
    int64_t t_ms = 0;
  };
  virtual Result<std::vector<AtVariant>> AtModifierVariants(std::string_view expr, int64_t t_ms) = 0;
};

// The real query::Engine with upstream's test options.
std::unique_ptr<EvalBackend> NewEngineBackend();

enum class CaseStatus : unsigned char { kPassed, kFailed, kSkipped };

// One eval command's outcome (or a failed load, reported at its line).
struct CaseResult {
  int line = 0;
  std::string expr;  // "load" for a failed load
  CaseStatus status = CaseStatus::kPassed;
  std::string message;  // why it failed or was skipped
};

struct ScriptReport {
  std::string name;
  std::vector<CaseResult> cases;  // in file order
  int passed = 0, failed = 0, skipped = 0;
};

// Compares a result with an eval's expectation as upstream's compareResult
// (matrix points are expected at start + i*step for range evals). OK when
// equal; otherwise InvalidArgument with upstream's message plus both sides.
Status CompareResult(const EvalCmd& cmd, const query::QueryResult& result);

// Executes a parsed script: opens a DB in a temporary directory (reopened
// empty at each `clear`), loads, evaluates. Never aborts on a failed case.
// Evals are skipped (status kSkipped) when their expectation has native-
// histogram literals, or when a load since the last clear had them (or was
// load_with_nhcb), since vigil stores float samples only.
ScriptReport RunScript(const Script& script, EvalBackend& backend);

}  // namespace vigil::promqltest
