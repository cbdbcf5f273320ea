// RuleGroup construction, evaluation (Prometheus Group.Eval) and read views.
#include "server/rules/rule_group.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "engine/base/clock.h"
#include "engine/base/sample.h"
#include "query/parser.h"
#include "server/rules/recording_rule.h"
#include "server/rules/rule_group_impl.h"

namespace vigil::rules {

namespace {

// Append outcomes Prometheus counts and discards quietly (still a rule error
// for health, but no reason to abort a promtool run).
bool IsExpectedAppendError(const Status& s) {
  return s.code() == StatusCode::kOutOfOrder || s.code() == StatusCode::kDuplicateSample ||
         s.code() == StatusCode::kOutOfBounds;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

RuleGroup::RuleGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleGroup::~RuleGroup() = default;

Result<std::unique_ptr<RuleGroup>> RuleGroup::Create(const RuleGroupNode& node, const std::string& file,
                                                     const GroupDefaults& defaults) {
  auto impl = std::make_unique<Impl>();
  impl->name = node.name;
  impl->file = file;
  impl->interval_ms = node.interval_ms.value_or(defaults.interval_ms);
  impl->query_offset_ms = node.query_offset_ms.value_or(defaults.query_offset_ms);
  impl->limit = node.limit;
  impl->defaults = defaults;
  for (const RuleNode& rule : node.rules) {
    auto expr = query::ParseExpr(rule.expr);
    if (!expr.ok()) return Status::InvalidArgument(expr.status().message());
    LabelPairs labels = MergeRuleLabels(node.labels, rule.labels);
    if (!rule.alert.empty()) {
      impl->rules.push_back(
          std::make_unique<AlertingRule>(rule, std::move(labels), std::move(expr).value(), defaults.restored));
    } else {
      impl->rules.push_back(std::make_unique<RecordingRule>(rule, std::move(labels), std::move(expr).value()));
    }
  }
  impl->series_in_previous_eval.resize(impl->rules.size());
  return std::unique_ptr<RuleGroup>(new RuleGroup(std::move(impl)));
}

const std::string& RuleGroup::name() const { return impl_->name; }
const std::string& RuleGroup::file() const { return impl_->file; }
int64_t RuleGroup::interval_ms() const { return impl_->interval_ms; }
int64_t RuleGroup::query_offset_ms() const { return impl_->query_offset_ms; }
uint64_t RuleGroup::Hash() const { return StableHash64(impl_->file + ";" + impl_->name); }

Status RuleGroup::Eval(int64_t ts_ms, const EvalEnv& env) {
  Impl& g = *impl_;
  const int64_t wall_start = SystemClock::Default()->NowMs();
  const auto group_start = std::chrono::steady_clock::now();
  const int64_t sample_ts = ts_ms - g.query_offset_ms;
  RuleEvalContext ctx{ts_ms, g.query_offset_ms, g.limit, &env, &g.defaults, &g.mu};
  Status first_error;

  auto fail = [&](Rule& rule, const Status& s, bool abort_run) {
    std::lock_guard<std::mutex> lock(g.mu);
    rule.health().health = "err";
    rule.health().last_error = s.message();
    if (abort_run && first_error.ok()) first_error = s;
  };

  for (size_t i = 0; i < g.rules.size(); ++i) {
    Rule& rule = *g.rules[i];
    const auto rule_start = std::chrono::steady_clock::now();
    Result<query::Vector> vector = rule.Eval(ctx);
    {
      std::lock_guard<std::mutex> lock(g.mu);
      rule.health().last_eval_ms = wall_start;
    }
    if (!vector.ok()) {
      fail(rule, vector.status(), true);
      std::lock_guard<std::mutex> lock(g.mu);
      rule.health().eval_seconds = SecondsSince(rule_start);
      continue;
    }
    std::vector<AlertNotice> notices;
    {
      std::lock_guard<std::mutex> lock(g.mu);
      rule.health().health = "ok";
      rule.health().last_error.clear();
      if (rule.alerting()) {
        static_cast<AlertingRule&>(rule).CollectNotices(ts_ms, g.defaults.resend_delay_ms, g.interval_ms,
                                                        g.defaults.external_url, &notices);
      }
    }
    if (env.sink != nullptr && !notices.empty()) env.sink->Send(ts_ms, std::move(notices));

    std::unique_ptr<Appender> app = env.new_appender();
    WrittenSeriesMap& written = g.series_in_previous_eval[i];
    const uint64_t gen = ++g.eval_gen;
    for (auto& s : *vector) {
      auto it = written.find(s.labels);
      Result<SeriesRef> added = app->Append(it != written.end() ? it->second.ref : 0, s.labels, s.t, s.v);
      if (!added.ok()) {
        fail(rule, added.status(), !IsExpectedAppendError(added.status()));
        continue;
      }
      if (it != written.end()) {
        it->second = {*added, gen};
      } else {
        written.emplace(std::move(s.labels), WrittenSeries{*added, gen});
      }
    }
    // Series gone since the previous eval get a stale marker (errors are
    // expected when another rule writes the same series). Unlike
    // Prometheus, a failed commit does not bring back the previous set.
    for (auto it = written.begin(); it != written.end();) {
      if (it->second.gen == gen) {
        ++it;
        continue;
      }
      (void)app->Append(it->second.ref, it->first, sample_ts, StaleNaN());
      it = written.erase(it);
    }
    Status committed = app->Commit();
    if (!committed.ok()) fail(rule, committed, true);
    std::lock_guard<std::mutex> lock(g.mu);
    rule.health().eval_seconds = SecondsSince(rule_start);
  }

  if (!g.stale_series.empty()) {
    std::unique_ptr<Appender> app = env.new_appender();
    for (const Labels& labels : g.stale_series) (void)app->Append(0, labels, sample_ts, StaleNaN());
    if (app->Commit().ok()) g.stale_series.clear();
  }

  std::lock_guard<std::mutex> lock(g.mu);
  g.last_eval_ms = wall_start;
  g.eval_seconds = SecondsSince(group_start);
  return first_error;
}

std::vector<Alert> RuleGroup::FiringAlerts(const std::string& alertname) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<Alert> out;
  for (const auto& rule : impl_->rules) {
    if (!rule->alerting() || rule->name() != alertname) continue;
    std::vector<Alert> firing = static_cast<const AlertingRule&>(*rule).AlertsIn(AlertState::kFiring);
    out.insert(out.end(), std::make_move_iterator(firing.begin()), std::make_move_iterator(firing.end()));
  }
  return out;
}

GroupSnapshot RuleGroup::Snapshot() const {
  const Impl& g = *impl_;
  std::lock_guard<std::mutex> lock(g.mu);
  GroupSnapshot out;
  out.name = g.name;
  out.file = g.file;
  out.interval_ms = g.interval_ms;
  out.limit = g.limit;
  out.last_eval_ms = g.last_eval_ms;
  out.eval_seconds = g.eval_seconds;
  out.rules.reserve(g.rules.size());
  for (const auto& rule : g.rules) {
    RuleSnapshot r;
    r.alerting = rule->alerting();
    r.name = rule->name();
    r.query = rule->query();
    r.labels = rule->labels();
    r.health = rule->health().health;
    r.last_error = rule->health().last_error;
    r.last_eval_ms = rule->health().last_eval_ms;
    r.eval_seconds = rule->health().eval_seconds;
    r.evaluated = rule->health().last_eval_ms != 0;
    rule->FillSnapshot(&r);
    out.rules.push_back(std::move(r));
  }
  return out;
}

}  // namespace vigil::rules
