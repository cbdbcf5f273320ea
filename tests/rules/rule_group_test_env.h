// Test harness for RuleGroup: a temporary DB, an engine, an EvalEnv, a
// recording AlertSink, and helpers to build rule nodes, append input
// samples and read back series. Single-threaded test use only.
#pragma once

#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/db.h"
#include "query/engine.h"
#include "server/rules/rule_group.h"
#include "tests/testutil/testutil.h"

namespace vigil::rules::testing {

class RecordingSink final : public AlertSink {
 public:
  void Send(int64_t eval_time_ms, std::vector<AlertNotice> alerts) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& a : alerts) sent.push_back({eval_time_ms, std::move(a)});
  }
  std::vector<std::pair<int64_t, AlertNotice>> sent;

 private:
  std::mutex mu_;
};

inline RuleNode Recording(std::string record, std::string expr, LabelPairs labels = {}) {
  RuleNode n;
  n.record = std::move(record);
  n.expr = std::move(expr);
  n.labels = std::move(labels);
  return n;
}

inline RuleNode Alerting(std::string alert, std::string expr, int64_t for_ms = 0, int64_t keep_firing_for_ms = 0,
                         LabelPairs labels = {}, LabelPairs annotations = {}) {
  RuleNode n;
  n.alert = std::move(alert);
  n.expr = std::move(expr);
  n.for_ms = for_ms;
  n.keep_firing_for_ms = keep_firing_for_ms;
  n.labels = std::move(labels);
  n.annotations = std::move(annotations);
  return n;
}

inline RuleGroupNode Group(std::vector<RuleNode> rules, int64_t limit = 0) {
  RuleGroupNode g;
  g.name = "g";
  g.rules = std::move(rules);
  g.limit = limit;
  return g;
}

class RuleGroupEnv {
 public:
  RuleGroupEnv() {
    DbOptions options;
    options.retention_ms = 0;
    options.background_maintenance = false;
    options.sync_commits = false;
    auto db = DB::Open(dir_.path(), options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    query::EngineOptions eo;
    eo.query_threads = 1;
    engine_ = std::make_unique<query::Engine>(eo);
    env_.engine = engine_.get();
    env_.storage = db_.get();
    env_.new_appender = [this] { return db_->NewAppender(); };
    env_.sink = &sink_;
  }

  // Appends one sample (labels as {{"__name__","x"},...}).
  void Add(const Labels& labels, int64_t t_ms, double v) {
    auto app = db_->NewAppender();
    EXPECT_TRUE(app->Append(0, labels, t_ms, v).ok());
    EXPECT_TRUE(app->Commit().ok());
  }

  // The raw samples of the series with exactly `labels` in [mint, maxt].
  std::vector<Sample> Samples(const Labels& labels, int64_t mint = 0, int64_t maxt = INT64_MAX / 2) {
    std::vector<Sample> out;
    auto q = db_->NewQuerier(mint, maxt);
    EXPECT_TRUE(q.ok());
    Matchers matchers;
    for (const auto& l : labels) {
      matchers.push_back(Matcher::MustMake(MatchType::kEqual, std::string(l.name), std::string(l.value)));
    }
    auto set = (*q)->Select(matchers);
    while (set->Next()) {
      if (!(set->At().labels() == labels)) continue;
      auto it = set->At().NewIterator();
      while (it->Next()) {
        if (it->At().t >= mint && it->At().t <= maxt) out.push_back(it->At());
      }
    }
    return out;
  }

  // The value at exactly `t_ms`, if any.
  std::optional<double> ValueAt(const Labels& labels, int64_t t_ms) {
    for (const Sample& s : Samples(labels, t_ms, t_ms)) return s.v;
    return std::nullopt;
  }

  std::unique_ptr<RuleGroup> Make(const RuleGroupNode& node, GroupDefaults defaults = Restored()) {
    auto g = RuleGroup::Create(node, "rules.yml", defaults);
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? std::move(g).value() : nullptr;
  }

  static GroupDefaults Restored() {
    GroupDefaults d;
    d.restored = true;
    return d;
  }

  const EvalEnv& env() const { return env_; }
  EvalEnv& mutable_env() { return env_; }
  RecordingSink& sink() { return sink_; }
  DB& db() { return *db_; }

 private:
  testutil::TempDir dir_;
  std::unique_ptr<DB> db_;
  std::unique_ptr<query::Engine> engine_;
  RecordingSink sink_;
  EvalEnv env_;
};

inline Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return Labels::FromStrings(pairs);
}

}  // namespace vigil::rules::testing
