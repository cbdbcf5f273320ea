// One test group of a promtool unit-test file: temporary storage, input
// replay, the tick loop over all rule groups, alert and PromQL checks
// (cmd/promtool/unittest.go testGroup.test).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "engine/db.h"
#include "query/engine.h"
#include "query/lexer.h"
#include "query/parser.h"
#include "server/rules/rule_file.h"
#include "server/rules/rule_group.h"
#include "server/rules/rule_group_query.h"
#include "server/rules/unittest/go_text.h"
#include "server/rules/unittest/test_runner.h"

namespace vigil::rules::unittest {

namespace {

constexpr int64_t kDefaultEvalIntervalMs = 60'000;
constexpr int64_t kLookbackMs = 5 * 60'000;

// A DB in a fresh temporary directory, removed on destruction.
class TempStorage {
 public:
  ~TempStorage() {
    if (db_) (void)db_->Close();
    db_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  Status Open() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vigil-rules-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return Status::IOError("mkdtemp " + tmpl + " failed");
    dir_ = tmpl;
    DbOptions options;
    options.retention_ms = 0;
    options.background_maintenance = false;
    options.sync_commits = false;
    options.block_cache_bytes = 8ULL << 20;
    ASSIGN_OR_RETURN(db_, DB::Open(dir_, options));
    return Status::OK();
  }
  DB& db() { return *db_; }

 private:
  std::string dir_;
  std::unique_ptr<DB> db_;
};

// Input series replayed tick by tick (promql LazyLoader.appendTill).
struct InputReplay {
  struct Series {
    Labels labels;
    std::vector<std::optional<double>> values;
    size_t next = 0;
  };
  std::vector<Series> series;
  int64_t start_ms = 0;
  int64_t interval_ms = 0;

  void AppendTill(DB& db, int64_t ts_ms) {
    std::unique_ptr<Appender> app = db.NewAppender();
    for (Series& s : series) {
      for (; s.next < s.values.size(); ++s.next) {
        const int64_t t = start_ms + static_cast<int64_t>(s.next) * interval_ms;
        if (t > ts_ms) break;
        // Duplicates (interval 0) and the like are dropped, as upstream.
        if (s.values[s.next]) (void)app->Append(0, s.labels, t, *s.values[s.next]);
      }
    }
    (void)app->Commit();
  }
};

Result<InputReplay> ParseInputs(const TestGroup& group, int64_t interval_ms) {
  InputReplay replay;
  replay.start_ms = group.start_ms;
  replay.interval_ms = interval_ms;
  std::map<Labels, size_t> index;  // the last definition of a series wins
  for (const InputSeries& in : group.input_series) {
    ASSIGN_OR_RETURN(query::SeriesDesc desc, query::ParseSeriesDesc(in.series + " " + in.values));
    auto [it, inserted] = index.emplace(desc.labels, replay.series.size());
    if (inserted) {
      replay.series.push_back({std::move(desc.labels), std::move(desc.values), 0});
    } else {
      replay.series[it->second].values = std::move(desc.values);
    }
  }
  return replay;
}

Labels LabelsFrom(const StringPairs& pairs) {
  std::vector<std::pair<std::string_view, std::string_view>> views(pairs.begin(), pairs.end());
  auto labels = Labels::FromPairs(std::move(views));
  return labels.ok() ? *labels : Labels();
}

bool AlertLess(const LabelsAndAnnotations& a, const LabelsAndAnnotations& b) {
  const int c = Compare(a.labels, b.labels);
  return c != 0 ? c < 0 : Compare(a.annotations, b.annotations) < 0;
}

bool AlertListsEqual(const std::vector<LabelsAndAnnotations>& a, const std::vector<LabelsAndAnnotations>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].labels == b[i].labels) || !(a[i].annotations == b[i].annotations)) return false;
  }
  return true;
}

struct ParsedSample {
  Labels labels;
  double value = 0;
};

bool WithinOneUlp(double a, double b) {
  if (a == b) return true;
  return std::nextafter(a, b) == b;
}

std::string SamplesString(const std::vector<ParsedSample>& samples) {
  if (samples.empty()) return "nil";
  std::string out;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) out += ", ";
    out += samples[i].labels.ToString() + " " + GoFloatE(samples[i].value);
  }
  return out;
}

Result<Labels> ParseExpectedLabels(const std::string& text) {
  if (text.empty()) return Labels();
  // parser.ParseMetric: a selector of equality matchers only.
  ASSIGN_OR_RETURN(Matchers matchers, query::ParseMetricSelector(text));
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const Matcher& m : matchers) {
    if (m.type() != MatchType::kEqual) {
      return Status::InvalidArgument("1:1: parse error: only equality matchers are allowed in a series description");
    }
    pairs.emplace_back(m.name(), m.value());
  }
  auto labels = Labels::FromPairs(std::move(pairs));
  if (!labels.ok()) return Status::InvalidArgument("1:1: parse error: " + labels.status().message());
  return std::move(labels).value();
}

// Orders groups as group_eval_order says; the others follow in load order.
std::vector<RuleGroup*> OrderGroups(const std::vector<std::unique_ptr<RuleGroup>>& groups,
                                    const std::vector<std::string>& order) {
  std::vector<RuleGroup*> out;
  std::set<const RuleGroup*> placed;
  for (const auto& name : order) {
    for (const auto& g : groups) {
      if (g->name() == name && placed.insert(g.get()).second) out.push_back(g.get());
    }
  }
  for (const auto& g : groups) {
    if (!placed.contains(g.get())) out.push_back(g.get());
  }
  return out;
}

class GroupRun {
 public:
  GroupRun(const TestFile& file, const TestGroup& group) : file_(file), group_(group) {
    eval_interval_ms_ = file.evaluation_interval_ms > 0 ? file.evaluation_interval_ms : kDefaultEvalIntervalMs;
    interval_ms_ = group.interval_ms > 0 ? group.interval_ms : eval_interval_ms_;
    query::EngineOptions options;
    options.lookback_delta_ms = kLookbackMs;
    options.default_subquery_step_ms = eval_interval_ms_;
    options.query_threads = 1;
    engine_ = std::make_unique<query::Engine>(options);
  }

  std::vector<std::string> Run(const std::vector<std::string>& rule_files);

 private:
  std::string GroupSuffix() const { return group_.name.empty() ? "" : " (in TestGroup " + group_.name + ")"; }
  Status LoadGroups(const std::vector<std::string>& rule_files, std::vector<std::string>* errors);
  void CheckAlerts(int64_t eval_time_ms, std::vector<std::string>* errors);
  void CheckExpressions(std::vector<std::string>* errors);

  const TestFile& file_;
  const TestGroup& group_;
  int64_t eval_interval_ms_ = 0;
  int64_t interval_ms_ = 0;
  std::unique_ptr<query::Engine> engine_;
  TempStorage storage_;
  std::vector<std::unique_ptr<RuleGroup>> groups_;
  std::vector<RuleGroup*> ordered_;
};

Status GroupRun::LoadGroups(const std::vector<std::string>& rule_files, std::vector<std::string>* errors) {
  GroupDefaults defaults;
  defaults.interval_ms = interval_ms_;
  defaults.external_labels = LabelsFrom(group_.external_labels);
  defaults.external_url = group_.external_url;
  defaults.restored = true;
  for (const auto& path : rule_files) {
    RuleFileResult loaded = LoadRuleFile(path);
    if (!loaded.ok()) {
      errors->insert(errors->end(), loaded.errors.begin(), loaded.errors.end());
      continue;
    }
    for (const RuleGroupNode& node : loaded.file.groups) {
      auto group = RuleGroup::Create(node, path, defaults);
      if (!group.ok()) {
        errors->push_back(path + ": " + group.status().message());
        continue;
      }
      groups_.push_back(std::move(group).value());
    }
  }
  return Status::OK();
}

std::vector<std::string> GroupRun::Run(const std::vector<std::string>& rule_files) {
  auto inputs = ParseInputs(group_, interval_ms_);
  if (!inputs.ok()) return {inputs.status().message()};
  if (Status s = storage_.Open(); !s.ok()) return {s.message()};
  std::vector<std::string> errors;
  (void)LoadGroups(rule_files, &errors);
  if (!errors.empty()) return errors;
  ordered_ = OrderGroups(groups_, file_.group_eval_order);

  std::vector<int64_t> alert_times;
  for (const AlertTestCase& tc : group_.alert_tests) {
    if (tc.alertname.empty()) {
      return {"an item under alert_rule_test misses required attribute alertname at eval_time " +
              tc.eval_time_text + GroupSuffix()};
    }
    alert_times.push_back(tc.eval_time_ms);
  }
  std::sort(alert_times.begin(), alert_times.end());
  alert_times.erase(std::unique(alert_times.begin(), alert_times.end()), alert_times.end());

  int64_t max_eval = 0;
  for (const auto& tc : group_.alert_tests) max_eval = std::max(max_eval, tc.eval_time_ms);
  for (const auto& tc : group_.promql_tests) max_eval = std::max(max_eval, tc.eval_time_ms);

  DB& db = storage_.db();
  EvalEnv env;
  env.engine = engine_.get();
  env.storage = &db;
  env.new_appender = [&db] { return db.NewAppender(); };

  const int64_t start = group_.start_ms;
  size_t curr = 0;
  for (int64_t ts = start; ts <= start + max_eval; ts += eval_interval_ms_) {
    inputs->AppendTill(db, ts);
    std::vector<std::string> eval_errors;
    for (RuleGroup* g : ordered_) {
      (void)g->Eval(ts, env);
      for (const RuleSnapshot& rule : g->Snapshot().rules) {
        if (rule.health == "err") {
          eval_errors.push_back("    rule: " + rule.name + ", time: " + GoDurationString(ts - start) +
                                ", err: " + rule.last_error);
        }
      }
    }
    if (!eval_errors.empty()) {
      errors.insert(errors.end(), eval_errors.begin(), eval_errors.end());
      return errors;
    }
    const int64_t rel = ts - start;
    while (curr < alert_times.size() && rel <= alert_times[curr] && alert_times[curr] < rel + eval_interval_ms_) {
      CheckAlerts(alert_times[curr], &errors);
      ++curr;
    }
    if (eval_interval_ms_ <= 0) break;
  }
  CheckExpressions(&errors);
  return errors;
}

void GroupRun::CheckAlerts(int64_t eval_time_ms, std::vector<std::string>* errors) {
  for (const AlertTestCase& tc : group_.alert_tests) {
    if (tc.eval_time_ms != eval_time_ms) continue;
    std::vector<LabelsAndAnnotations> got;
    for (RuleGroup* g : ordered_) {
      for (Alert& a : g->FiringAlerts(tc.alertname)) got.push_back({std::move(a.labels), std::move(a.annotations)});
    }
    std::vector<LabelsAndAnnotations> expected;
    for (const ExpectedAlert& exp : tc.exp_alerts) {
      StringPairs labels;
      for (const auto& kv : exp.labels) {
        if (kv.first != "alertname") labels.push_back(kv);
      }
      labels.emplace_back("alertname", tc.alertname);
      std::vector<std::pair<std::string_view, std::string_view>> ann(exp.annotations.begin(), exp.annotations.end());
      auto exp_annotations = Labels::FromPairsKeepEmpty(std::move(ann));
      expected.push_back({LabelsFrom(labels), exp_annotations.ok() ? *exp_annotations : Labels()});
    }
    std::sort(got.begin(), got.end(), AlertLess);
    std::sort(expected.begin(), expected.end(), AlertLess);
    if (AlertListsEqual(expected, got)) continue;
    std::string msg = group_.name.empty() ? "" : "    name: " + group_.name + ",\n";
    msg += "    alertname: " + tc.alertname + ", time: " + tc.eval_time_text + ", \n        exp:" +
           IndentLines(AlertListString(expected), "            ") + ", \n        got:" +
           IndentLines(AlertListString(got), "            ");
    errors->push_back(std::move(msg));
  }
}

void GroupRun::CheckExpressions(std::vector<std::string>* errors) {
  for (const PromqlTestCase& tc : group_.promql_tests) {
    const std::string where = "    expr: " + query::GoQuote(tc.expr) + ", time: " + tc.eval_time_text;
    auto result = QueryVector(*engine_, storage_.db(), tc.expr, group_.start_ms + tc.eval_time_ms);
    if (!result.ok()) {
      errors->push_back(where + ", err: " + result.status().message());
      continue;
    }
    std::vector<ParsedSample> got;
    for (auto& s : *result) got.push_back({std::move(s.labels), s.v});
    std::vector<ParsedSample> expected;
    std::string parse_error;
    for (const ExpectedSample& s : tc.exp_samples) {
      if (!s.histogram.empty()) {
        parse_error = "native histogram samples are not supported";
        break;
      }
      auto labels = ParseExpectedLabels(s.labels);
      if (!labels.ok()) {
        parse_error = "labels " + query::GoQuote(s.labels) + ": " + labels.status().message();
        break;
      }
      expected.push_back({std::move(labels).value(), s.value});
    }
    if (!parse_error.empty()) {
      errors->push_back(where + ", err: " + parse_error);
      continue;
    }
    auto by_labels = [](const ParsedSample& a, const ParsedSample& b) { return Compare(a.labels, b.labels) < 0; };
    std::stable_sort(expected.begin(), expected.end(), by_labels);
    std::stable_sort(got.begin(), got.end(), by_labels);
    bool equal = expected.size() == got.size();
    for (size_t i = 0; equal && i < got.size(); ++i) {
      equal = expected[i].labels == got[i].labels &&
              (file_.fuzzy_compare ? WithinOneUlp(expected[i].value, got[i].value)
                                   : expected[i].value == got[i].value);
    }
    if (!equal) {
      errors->push_back(where + ",\n        exp: " + SamplesString(expected) + "\n        got: " + SamplesString(got));
    }
  }
}

}  // namespace

std::vector<std::string> TestGroupFailures(const TestFile& file, const TestGroup& group,
                                           const std::vector<std::string>& rule_files) {
  GroupRun run(file, group);
  return run.Run(rule_files);
}

}  // namespace vigil::rules::unittest
