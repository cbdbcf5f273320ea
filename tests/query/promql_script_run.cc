// Result comparison and execution for the PromQL test-script runner; see
// promql_script.h. Mirrors Prometheus v2.53 promql/promqltest/test.go
// (compareResult, exec, execEval, runInstantQuery).
#include <algorithm>
#include <map>
#include <memory>
#include <regex>

#include "engine/base/sample.h"
#include "engine/db.h"
#include "tests/query/promql_script.h"
#include "tests/testutil/testutil.h"

namespace vigil::promqltest {

using query::QueryResult;
using query::ValueType;

namespace {

constexpr size_t kMaxListed = 12;  // series listed per side in a failure message

std::string FormatValues(const std::vector<std::optional<double>>& vals) {
  std::string out;
  for (size_t i = 0; i < vals.size(); ++i) {
    if (i > 0) out += ' ';
    if (i >= 16) {
      out += "... (" + std::to_string(vals.size()) + " values)";
      break;
    }
    if (!vals[i]) {
      out += '_';
    } else if (IsStaleNaN(*vals[i])) {
      out += "stale";
    } else {
      out += FormatFloat(*vals[i]);
    }
  }
  return out;
}

std::string FormatPoints(const std::vector<query::Point>& pts) {
  std::string out = "[";
  for (size_t i = 0; i < pts.size(); ++i) {
    if (i > 0) out += ' ';
    if (i >= 16) {
      out += "... (" + std::to_string(pts.size()) + " points)";
      break;
    }
    out += FormatFloat(pts[i].v) + " @[" + std::to_string(pts[i].t) + "]";
  }
  return out + "]";
}

std::string FormatSeriesResult(const query::MatrixSeries& s) {
  return std::to_string(s.points.size()) + " float point" + (s.points.size() == 1 ? "" : "s") + " " +
         FormatPoints(s.points) + " and 0 histogram points []";
}

std::string FormatExpectation(const EvalCmd& cmd) {
  if (cmd.expect_scalar) return "scalar " + FormatFloat(cmd.scalar);
  if (cmd.expected.empty()) return "(empty result)";
  std::string out;
  size_t n = 0;
  for (const ExpectedSeries& e : cmd.expected) {
    if (n++ == kMaxListed) {
      out += "\n      ... (" + std::to_string(cmd.expected.size()) + " series)";
      break;
    }
    out += "\n      " + e.labels.ToString() + " " + FormatValues(e.values);
  }
  return out;
}

std::string FormatResult(const QueryResult& r) {
  switch (r.type) {
    case ValueType::kScalar:
      return "scalar " + FormatFloat(r.scalar.v);
    case ValueType::kString:
      return "string \"" + r.string.v + "\"";
    case ValueType::kVector: {
      if (r.vector.empty()) return "(empty vector)";
      std::string out;
      for (size_t i = 0; i < r.vector.size(); ++i) {
        if (i == kMaxListed) {
          out += "\n      ... (" + std::to_string(r.vector.size()) + " series)";
          break;
        }
        out += "\n      " + r.vector[i].labels.ToString() + " " + FormatFloat(r.vector[i].v);
      }
      return out;
    }
    case ValueType::kMatrix: {
      if (r.matrix.empty()) return "(empty matrix)";
      std::string out;
      for (size_t i = 0; i < r.matrix.size(); ++i) {
        if (i == kMaxListed) {
          out += "\n      ... (" + std::to_string(r.matrix.size()) + " series)";
          break;
        }
        out += "\n      " + r.matrix[i].labels.ToString() + " " + FormatPoints(r.matrix[i].points);
      }
      return out;
    }
    case ValueType::kNone:
      break;
  }
  return "(no value)";
}

std::string VectorString(const query::Vector& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s.labels.ToString() + " => " + FormatFloat(s.v);
  return "[" + out + "]";
}

const ExpectedSeries* FindExpected(const EvalCmd& cmd, const Labels& labels) {
  for (const ExpectedSeries& e : cmd.expected) {
    if (e.labels == labels) return &e;
  }
  return nullptr;
}

// compareResult without the listing of both sides.
std::string CompareBare(const EvalCmd& cmd, const QueryResult& result) {
  switch (result.type) {
    case ValueType::kMatrix: {
      if (cmd.ordered) return "expected ordered result, but query returned a matrix";
      if (cmd.expect_scalar) return "expected scalar result, but got matrix";
      const query::Matrix& m = result.matrix;
      for (size_t i = 0; i + 1 < m.size(); ++i) {
        if (Compare(m[i].labels, m[i + 1].labels) > 0) {
          return "matrix results should always be sorted by labels, but matrix is not sorted: series at index " +
                 std::to_string(i + 1) + " with labels " + m[i + 1].labels.ToString() +
                 " sorts before series at index " + std::to_string(i) + " with labels " + m[i].labels.ToString();
        }
      }
      std::vector<const ExpectedSeries*> seen;
      for (const query::MatrixSeries& s : m) {
        const ExpectedSeries* exp = FindExpected(cmd, s.labels);
        if (exp == nullptr) return "unexpected metric " + s.labels.ToString() + " in result, has " + FormatSeriesResult(s);
        seen.push_back(exp);
        std::vector<query::Point> want;
        for (size_t i = 0; i < exp->values.size(); ++i) {
          const int64_t t = cmd.start_ms + static_cast<int64_t>(i) * cmd.step_ms;
          // An instant eval's end is Go's zero time: any point is too many.
          if (!cmd.is_range || t > cmd.end_ms) {
            return "expected " + std::to_string(exp->values.size()) + " points for " + exp->labels.ToString() +
                   ", but query time range cannot return this many points";
          }
          if (exp->values[i]) want.push_back({t, *exp->values[i]});
        }
        if (want.size() != s.points.size()) {
          return "expected " + std::to_string(want.size()) + " float points and 0 histogram points for " +
                 exp->labels.ToString() + ", but got " + FormatSeriesResult(s);
        }
        for (size_t i = 0; i < want.size(); ++i) {
          const query::Point& got = s.points[i];
          if (want[i].t != got.t) {
            return "expected float value at index " + std::to_string(i) + " for " + exp->labels.ToString() +
                   " to have timestamp " + std::to_string(want[i].t) + ", but it had timestamp " +
                   std::to_string(got.t) + " (result has " + FormatSeriesResult(s) + ")";
          }
          if (!AlmostEqual(got.v, want[i].v)) {
            return "expected float value at index " + std::to_string(i) + " (t=" + std::to_string(got.t) + ") for " +
                   exp->labels.ToString() + " to be " + FormatFloat(want[i].v) + ", but got " + FormatFloat(got.v) +
                   " (result has " + FormatSeriesResult(s) + ")";
          }
        }
      }
      for (const ExpectedSeries& e : cmd.expected) {
        if (std::find(seen.begin(), seen.end(), &e) == seen.end()) {
          return "expected metric " + e.labels.ToString() + " not found";
        }
      }
      return "";
    }
    case ValueType::kVector: {
      if (cmd.expect_scalar) return "expected scalar result, but got vector " + VectorString(result.vector);
      std::vector<const ExpectedSeries*> seen;
      for (size_t pos = 0; pos < result.vector.size(); ++pos) {
        const query::VectorSample& v = result.vector[pos];
        const ExpectedSeries* exp = FindExpected(cmd, v.labels);
        if (exp == nullptr) {
          return "unexpected metric " + v.labels.ToString() + " in result, has value " + FormatFloat(v.v);
        }
        if (cmd.ordered && exp->pos != static_cast<int>(pos) + 1) {
          return "expected metric " + v.labels.ToString() + " with [" + FormatValues(exp->values) +
                 "] at position " + std::to_string(exp->pos) + " but was at " + std::to_string(pos + 1);
        }
        if (exp->values.empty()) return "no expected value given for " + exp->labels.ToString();
        const double want = exp->values[0].value_or(0.0);  // Go: an omitted value is 0
        if (!AlmostEqual(want, v.v)) {
          return "expected " + FormatFloat(want) + " for " + v.labels.ToString() + " but got " + FormatFloat(v.v);
        }
        seen.push_back(exp);
      }
      for (const ExpectedSeries& e : cmd.expected) {
        if (std::find(seen.begin(), seen.end(), &e) == seen.end()) {
          return "expected metric " + e.labels.ToString() + " with [" + FormatValues(e.values) + "] not found";
        }
      }
      return "";
    }
    case ValueType::kScalar:
      if (!cmd.expect_scalar) return "expected vector or matrix result, but got scalar: " + FormatFloat(result.scalar.v);
      if (!AlmostEqual(cmd.scalar, result.scalar.v)) {
        return "expected scalar " + FormatFloat(cmd.scalar) + " but got " + FormatFloat(result.scalar.v);
      }
      return "";
    case ValueType::kString:
      return "unexpected string result \"" + result.string.v + "\"";
    case ValueType::kNone:
      break;
  }
  return "query returned no value";
}

}  // namespace

Status CompareResult(const EvalCmd& cmd, const QueryResult& result) {
  std::string msg = CompareBare(cmd, result);
  if (msg.empty()) return Status::OK();
  msg += "\n    expected: " + FormatExpectation(cmd) + "\n    got:      " + FormatResult(result);
  return Status::InvalidArgument(std::move(msg));
}

namespace {

// test.exec / execEval over one script, with the storage it owns.
class Runner {
 public:
  Runner(const Script& script, EvalBackend& backend) : script_(script), backend_(backend) {}

  ScriptReport Run() {
    report_.name = script_.name;
    Status st = Reset();
    for (const Command& c : script_.commands) {
      if (const auto* clear = std::get_if<ClearCmd>(&c)) {
        st = Reset();
        if (!st.ok()) Add(clear->line, "clear", CaseStatus::kFailed, "reopening storage: " + st.ToString());
      } else if (const auto* load = std::get_if<LoadCmd>(&c)) {
        if (load->native_histogram_lines > 0 || load->with_nhcb) native_loaded_ = true;
        st = Load(*load);
        if (!st.ok()) Add(load->line, "load", CaseStatus::kFailed, st.message());
      } else {
        RunEval(std::get<EvalCmd>(c));
      }
    }
    if (db_) (void)db_->Close();
    return std::move(report_);
  }

 private:
  void Add(int line, std::string expr, CaseStatus status, std::string message) {
    (status == CaseStatus::kPassed ? report_.passed : status == CaseStatus::kFailed ? report_.failed : report_.skipped)++;
    report_.cases.push_back({line, std::move(expr), status, std::move(message)});
  }

  Status Reset() {
    if (db_) (void)db_->Close();
    db_.reset();
    dir_ = std::make_unique<testutil::TempDir>();
    DbOptions opts;
    opts.retention_ms = 0;
    opts.background_maintenance = false;
    opts.sync_commits = false;
    ASSIGN_OR_RETURN(db_, DB::Open(dir_->path(), opts));
    return Status::OK();
  }

  Status Load(const LoadCmd& load) {
    if (!db_) return Status::Internal("no storage (open failed)");
    std::unique_ptr<Appender> app = db_->NewAppender();
    for (const SeriesDesc& s : load.series) {
      for (size_t i = 0; i < s.values.size(); ++i) {
        if (!s.values[i]) continue;
        const int64_t t = static_cast<int64_t>(i) * load.step_ms;
        auto r = app->Append(0, s.labels, t, *s.values[i]);
        if (!r.ok()) {
          app->Rollback();
          return Status(r.status().code(), "appending " + s.labels.ToString() + " t=" + std::to_string(t) + ": " +
                                               r.status().ToString());
        }
      }
    }
    RETURN_IF_ERROR(app->Commit());
    const AppendStats& stats = app->stats();
    if (stats.rejected() > 0) {
      return Status::Internal("commit rejected samples: out_of_order=" + std::to_string(stats.out_of_order) +
                              " duplicate=" + std::to_string(stats.duplicate) +
                              " out_of_bounds=" + std::to_string(stats.out_of_bounds) +
                              " invalid_labels=" + std::to_string(stats.invalid_labels));
    }
    return Status::OK();
  }

  void RunEval(const EvalCmd& cmd) {
    if (cmd.native_histogram_lines > 0 || native_loaded_) {
      Add(cmd.line, cmd.expr, CaseStatus::kSkipped,
          cmd.native_histogram_lines > 0 ? "expects native histograms" : "storage holds native histograms");
      return;
    }
    if (!db_) {
      Add(cmd.line, cmd.expr, CaseStatus::kFailed, "no storage (open failed)");
      return;
    }
    Status st = backend_.CheckParse(cmd.expr);
    if (!st.ok()) {
      st = Status(st.code(), "parse error (upstream rejects the file): " + st.message());
    } else {
      st = cmd.is_range ? ExecRange(cmd) : ExecInstant(cmd);
    }
    if (st.ok()) {
      Add(cmd.line, cmd.expr, CaseStatus::kPassed, "");
    } else {
      Add(cmd.line, cmd.expr, CaseStatus::kFailed, st.message());
    }
  }

  static Status CheckExpectedFailure(const EvalCmd& cmd, const Status& actual) {
    if (!cmd.expected_fail_message.empty() && cmd.expected_fail_message != actual.message()) {
      return Status::InvalidArgument("expected error \"" + cmd.expected_fail_message + "\", but got: " +
                                     actual.message());
    }
    if (!cmd.expected_fail_regexp.empty() &&
        !std::regex_search(actual.message(), std::regex(cmd.expected_fail_regexp))) {
      return Status::InvalidArgument("expected error matching pattern \"" + cmd.expected_fail_regexp +
                                     "\", but got: " + actual.message());
    }
    return Status::OK();
  }

  static Status CheckAnnotations(const EvalCmd& cmd, const QueryResult& r) {
    // vigil reports warnings only; info annotations are checked as warnings.
    if ((cmd.warn || cmd.info) && r.warnings.empty()) {
      return Status::InvalidArgument(std::string("expected ") + (cmd.warn ? "warnings" : "info annotations") +
                                     " but got none");
    }
    return Status::OK();
  }

  Status ExecRange(const EvalCmd& cmd) {
    auto res = backend_.Range(*db_, cmd.expr, cmd.start_ms, cmd.end_ms, cmd.step_ms);
    if (!res.ok()) {
      if (cmd.fail) return CheckExpectedFailure(cmd, res.status());
      return Status::InvalidArgument("error evaluating query: " + res.status().ToString());
    }
    if (cmd.fail) return Status::InvalidArgument("expected error evaluating query but got none");
    RETURN_IF_ERROR(CheckAnnotations(cmd, *res));
    return CompareResult(cmd, *res);
  }

  Status ExecInstant(const EvalCmd& cmd) {
    auto variants = backend_.AtModifierVariants(cmd.expr, cmd.start_ms);
    if (!variants.ok()) return Status::InvalidArgument("building @ variants: " + variants.status().message());
    RETURN_IF_ERROR(RunInstantQuery(cmd, cmd.expr, cmd.start_ms, false));
    for (const EvalBackend::AtVariant& v : *variants) RETURN_IF_ERROR(RunInstantQuery(cmd, v.expr, v.t_ms, true));
    return Status::OK();
  }

  Status RunInstantQuery(const EvalCmd& cmd, const std::string& expr, int64_t t, bool at_variant) {
    const std::string what = at_variant ? "[@ variant] " + expr + " at t=" + std::to_string(t) + "ms: " : "";
    auto res = backend_.Instant(*db_, expr, t);
    if (!res.ok()) {
      if (cmd.fail) {
        Status st = CheckExpectedFailure(cmd, res.status());
        return st.ok() ? st : Status::InvalidArgument(what + st.message());
      }
      return Status::InvalidArgument(what + "error evaluating query: " + res.status().ToString());
    }
    if (cmd.fail) return Status::InvalidArgument(what + "expected error evaluating query but got none");
    if (Status st = CheckAnnotations(cmd, *res); !st.ok()) return Status::InvalidArgument(what + st.message());
    if (Status st = CompareResult(cmd, *res); !st.ok()) return Status::InvalidArgument(what + st.message());

    // The same query in range mode must give the same result at the middle step.
    auto range = backend_.Range(*db_, expr, t - 60'000, t + 60'000, 60'000);
    if (!range.ok()) {
      return Status::InvalidArgument(what + "error evaluating query in range mode (t-1m..t+1m step 1m): " +
                                     range.status().ToString());
    }
    if (cmd.ordered) return Status::OK();  // range results are sorted by labels
    if (range->type != ValueType::kMatrix) {
      return Status::InvalidArgument(what + "range mode returned a non-matrix: " + FormatResult(*range));
    }
    const query::Matrix& m = range->matrix;
    for (size_t i = 0; i + 1 < m.size(); ++i) {
      if (Compare(m[i].labels, m[i + 1].labels) > 0) {
        return Status::InvalidArgument(what + "range mode: matrix results should always be sorted by labels, but " +
                                       m[i + 1].labels.ToString() + " sorts before " + m[i].labels.ToString());
      }
    }
    QueryResult mid;
    mid.type = ValueType::kVector;
    for (const query::MatrixSeries& s : m) {
      for (const query::Point& p : s.points) {
        if (p.t == t) {
          mid.vector.push_back({s.labels, p.t, p.v});
          break;
        }
      }
    }
    if (res->type == ValueType::kScalar) {
      if (mid.vector.empty()) {
        return Status::InvalidArgument(what + "range mode: no point at the middle step for a scalar expression; got " +
                                       FormatResult(*range));
      }
      mid.type = ValueType::kScalar;
      mid.scalar = {t, mid.vector[0].v};
    }
    if (Status st = CompareResult(cmd, mid); !st.ok()) {
      return Status::InvalidArgument(what + "range mode (t-1m..t+1m step 1m, middle step): " + st.message());
    }
    return Status::OK();
  }

  const Script& script_;
  EvalBackend& backend_;
  ScriptReport report_;
  std::unique_ptr<testutil::TempDir> dir_;
  std::unique_ptr<DB> db_;
  bool native_loaded_ = false;  // a load since the last clear had native histograms
};

}  // namespace

ScriptReport RunScript(const Script& script, EvalBackend& backend) { return Runner(script, backend).Run(); }

}  // namespace vigil::promqltest
