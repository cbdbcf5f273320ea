#include "server/rules/alerting_rule.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "engine/base/matcher.h"
#include "engine/base/sample.h"
#include "server/rules/alert_notice_url.h"
#include "server/rules/rule_group_query.h"
#include "server/rules/template/template_expander.h"

namespace vigil::rules {

namespace {

constexpr std::string_view kMetricName = "__name__";
constexpr std::string_view kAlertMetric = "ALERTS";
constexpr std::string_view kForStateMetric = "ALERTS_FOR_STATE";
constexpr std::string_view kAlertNameLabel = "alertname";
constexpr std::string_view kAlertStateLabel = "alertstate";

// Go's time.Unix() seconds of a millisecond timestamp (floor).
int64_t FloorSeconds(int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

Labels WithoutMetricName(const Labels& l) {
  LabelOverrides scratch;
  return ApplyLabelOverrides(l, {{kMetricName, ""}}, &scratch);
}

bool NeedsSending(const Alert& a, int64_t ts_ms, int64_t resend_delay_ms) {
  if (a.state == AlertState::kPending) return false;
  if (a.last_sent_at_ms == 0) return true;  // never sent (Go's zero time)
  if (a.resolved_at_ms != 0 && a.resolved_at_ms > a.last_sent_at_ms) return true;
  return a.last_sent_at_ms + resend_delay_ms < ts_ms;
}

}  // namespace

AlertingRule::AlertingRule(const RuleNode& node, LabelPairs labels, query::ExprPtr expr, bool restored)
    : Rule(node, std::move(labels), std::move(expr)), restored_(restored), printed_expr_(PrintedExpr()) {}

Status AlertingRule::BuildFreshAlerts(const RuleEvalContext& ctx, const query::Vector& result) {
  const EvalEnv& env = *ctx.env;
  const int64_t ts = ctx.ts_ms;
  fresh_.clear();
  fresh_.reserve(result.size());
  TemplateData data;
  const std::string template_name = "__alert_" + name_;
  bool has_templates = false;
  for (const auto& [k, v] : labels_) has_templates |= v.find("{{") != std::string::npos;
  for (const auto& [k, v] : node_.annotations) has_templates |= v.find("{{") != std::string::npos;
  if (has_templates) {
    data.external_labels = ctx.defaults->external_labels;
    data.external_url = ctx.defaults->external_url;
    data.eval_time_ms = ts;
    data.query = MakeTemplateQuery(*env.engine, *env.storage, ts);
  }
  auto expand = [&](const std::string& text) {
    return text.find("{{") == std::string::npos ? text : ExpandAlertText(template_name, text, data);
  };
  // Expanded texts live here while the overrides point at them.
  std::vector<std::string> label_values(labels_.size());
  std::vector<std::string> annotation_values(node_.annotations.size());
  LabelOverrides overrides, scratch;
  for (const auto& sample : result) {
    if (has_templates) {
      data.labels = sample.labels;
      data.value = sample.v;
    }
    // Prometheus: Del(__name__), Set each rule label, Set(alertname).
    overrides.clear();
    overrides.emplace_back(kMetricName, "");
    for (size_t i = 0; i < labels_.size(); ++i) {
      label_values[i] = expand(labels_[i].second);
      overrides.emplace_back(labels_[i].first, label_values[i]);
    }
    overrides.emplace_back(kAlertNameLabel, name_);
    SortLabelOverrides(&overrides);
    Alert& alert = fresh_.emplace_back();
    alert.labels = ApplyLabelOverrides(sample.labels, overrides, &scratch);
    if (!node_.annotations.empty()) {
      overrides.clear();
      for (size_t i = 0; i < node_.annotations.size(); ++i) {
        annotation_values[i] = expand(node_.annotations[i].second);
        overrides.emplace_back(node_.annotations[i].first, annotation_values[i]);
      }
      // Annotations keep empty expansions, as Prometheus does (names are unique: validated).
      auto annotations = Labels::FromPairsKeepEmpty(overrides);
      if (annotations.ok()) alert.annotations = std::move(annotations).value();
    }
    alert.state = AlertState::kPending;
    alert.value = sample.v;
    alert.active_at_ms = ts;
  }
  if (fresh_.size() > 1) {
    fresh_sorted_.clear();
    for (const Alert& a : fresh_) fresh_sorted_.push_back(&a.labels);
    std::sort(fresh_sorted_.begin(), fresh_sorted_.end(),
              [](const Labels* a, const Labels* b) { return a->data() < b->data(); });
    for (size_t i = 1; i < fresh_sorted_.size(); ++i) {
      if (*fresh_sorted_[i] == *fresh_sorted_[i - 1]) {
        return Status::Execution("vector contains metrics with the same labelset after applying alert labels");
      }
    }
  }
  return Status::OK();
}

void AlertingRule::AppendSeriesSamples(ActiveAlert& entry, int64_t sample_ts, query::Vector* out) {
  const Alert& a = entry.alert;
  LabelOverrides scratch;
  if (entry.alerts_series_state != a.state) {
    const LabelOverrides overrides = {{kMetricName, kAlertMetric}, {kAlertStateLabel, AlertStateName(a.state)}};
    entry.alerts_series = ApplyLabelOverrides(a.labels, overrides, &scratch);
    entry.alerts_series_state = a.state;
  }
  if (entry.for_state_series.empty()) {
    const LabelOverrides overrides = {{kMetricName, kForStateMetric}};
    entry.for_state_series = ApplyLabelOverrides(a.labels, overrides, &scratch);
  }
  out->push_back({entry.alerts_series, sample_ts, 1.0});
  out->push_back({entry.for_state_series, sample_ts, static_cast<double>(FloorSeconds(a.active_at_ms))});
}

Result<query::Vector> AlertingRule::Eval(const RuleEvalContext& ctx) {
  const int64_t ts = ctx.ts_ms;
  const int64_t sample_ts = ts - ctx.query_offset_ms;
  const EvalEnv& env = *ctx.env;
  ASSIGN_OR_RETURN(query::Vector result, QueryVector(*env.engine, *env.storage, query_, sample_ts));
  RETURN_IF_ERROR(BuildFreshAlerts(ctx, result));

  std::lock_guard<std::mutex> lock(*ctx.state_mu);
  const uint64_t gen = ++gen_;
  for (Alert& alert : fresh_) {
    auto it = active_.find(alert.labels);
    if (it != active_.end() && it->second.alert.state != AlertState::kInactive) {
      it->second.alert.value = alert.value;
      it->second.alert.annotations = std::move(alert.annotations);
      it->second.seen_gen = gen;
      continue;
    }
    ActiveAlert entry;
    entry.alert = std::move(alert);
    entry.seen_gen = gen;
    if (it != active_.end()) {
      it->second = std::move(entry);  // a resolved alert comes back as new
    } else {
      Labels key = entry.alert.labels;
      active_.emplace(std::move(key), std::move(entry));
    }
  }

  query::Vector out;
  const bool restored = restored_.load();
  int64_t num_active = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second.alert;
    if (it->second.seen_gen != gen) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && node_.keep_firing_for_ms > 0) {
        if (a.keep_firing_since_ms == 0) a.keep_firing_since_ms = ts;
        keep_firing = ts - a.keep_firing_since_ms < node_.keep_firing_for_ms;
      }
      const bool drop = a.state == AlertState::kPending ||
                        (a.resolved_at_ms != 0 && ts - a.resolved_at_ms > kResolvedRetentionMs);
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at_ms = ts;
      }
      if (drop) {
        it = active_.erase(it);
        continue;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since_ms = 0;
    }
    ++num_active;
    if (a.state == AlertState::kPending && ts - a.active_at_ms >= node_.for_ms) {
      a.state = AlertState::kFiring;
      a.fired_at_ms = ts;
    }
    if (restored) AppendSeriesSamples(it->second, sample_ts, &out);
    ++it;
  }
  if (ctx.limit > 0 && num_active > ctx.limit) {
    active_.clear();
    return Status::Execution("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                             std::to_string(num_active) + " alerts");
  }
  return out;
}

void AlertingRule::CollectNotices(int64_t ts_ms, int64_t resend_delay_ms, int64_t interval_ms,
                                  const std::string& external_url, std::vector<AlertNotice>* out) {
  const int64_t delta = std::max(interval_ms, resend_delay_ms);
  for (auto& [labels, entry] : active_) {
    Alert& a = entry.alert;
    if (!NeedsSending(a, ts_ms, resend_delay_ms)) continue;
    a.last_sent_at_ms = ts_ms;
    a.valid_until_ms = ts_ms + 4 * delta;
    AlertNotice notice;
    notice.labels = a.labels;
    notice.annotations = a.annotations;
    notice.starts_at_ms = a.fired_at_ms;
    notice.resolved = a.resolved_at_ms != 0;
    notice.ends_at_ms = notice.resolved ? a.resolved_at_ms : a.valid_until_ms;
    notice.generator_url = GeneratorUrl(external_url, printed_expr_);
    notice.value = a.value;
    out->push_back(std::move(notice));
  }
}

std::vector<Alert> AlertingRule::AlertsIn(AlertState state) const {
  std::vector<Alert> out;
  for (const auto& [labels, entry] : active_) {
    if (entry.alert.state == state) out.push_back(entry.alert);
  }
  std::sort(out.begin(), out.end(), [](const Alert& x, const Alert& y) { return x.labels < y.labels; });
  return out;
}

std::vector<Alert> AlertingRule::PendingAndFiring() const {
  std::vector<Alert> out;
  for (const auto& [labels, entry] : active_) {
    if (entry.alert.state != AlertState::kInactive) out.push_back(entry.alert);
  }
  std::sort(out.begin(), out.end(), [](const Alert& x, const Alert& y) { return x.labels < y.labels; });
  return out;
}

AlertState AlertingRule::State() const {
  AlertState max = AlertState::kInactive;
  for (const auto& [labels, entry] : active_) max = std::max(max, entry.alert.state);
  return max;
}

void AlertingRule::FillSnapshot(RuleSnapshot* out) const {
  out->for_ms = node_.for_ms;
  out->keep_firing_for_ms = node_.keep_firing_for_ms;
  out->annotations = node_.annotations;
  out->alerts = PendingAndFiring();
  out->state = State();
}

void AlertingRule::TakeAlertsFrom(const AlertingRule& old) {
  for (const auto& [labels, entry] : old.active_) {
    ActiveAlert copy = entry;
    copy.seen_gen = 0;  // generations are per rule
    active_.insert_or_assign(labels, std::move(copy));
  }
}

void AlertingRule::RestoreForState(int64_t ts_ms, Querier& querier, int64_t grace_period_ms) {
  const int64_t hold = node_.for_ms;
  if (hold < grace_period_ms) {
    restored_.store(true);
    return;
  }
  Matchers matchers;
  matchers.push_back(Matcher::MustMake(MatchType::kEqual, std::string(kMetricName), std::string(kForStateMetric)));
  matchers.push_back(Matcher::MustMake(MatchType::kEqual, std::string(kAlertNameLabel), name_));
  for (const auto& [name, value] : labels_) matchers.push_back(Matcher::MustMake(MatchType::kEqual, name, value));

  struct Last {
    int64_t t = 0;
    double v = 0;
  };
  std::unordered_map<Labels, Last, LabelsHash> last_by_labels;
  std::unique_ptr<SeriesSet> set = querier.Select(matchers, false);
  while (set->Next()) {
    const Series& series = set->At();
    auto it = series.NewIterator();
    Last last;
    bool any = false;
    while (it->Next()) {
      const Sample s = it->At();
      if (s.t > ts_ms) break;
      last = {s.t, s.v};
      any = true;
    }
    if (any) last_by_labels[WithoutMetricName(series.labels())] = last;
  }
  if (!set->status().ok() || last_by_labels.empty()) {
    restored_.store(true);
    return;
  }
  for (auto& [labels, entry] : active_) {
    Alert& a = entry.alert;
    auto found = last_by_labels.find(a.labels);
    if (found == last_by_labels.end() || IsStaleNaN(found->second.v)) continue;
    const int64_t down_at = FloorSeconds(found->second.t) * 1000;
    int64_t restored_active_at = static_cast<int64_t>(found->second.v) * 1000;
    const int64_t remaining_pending = hold - (down_at - restored_active_at);
    if (remaining_pending <= 0) {
      // Was firing when the server went down; the next Eval decides.
    } else if (remaining_pending < grace_period_ms) {
      restored_active_at = ts_ms + grace_period_ms - hold;
    } else {
      restored_active_at += ts_ms - down_at;
    }
    a.active_at_ms = restored_active_at;
  }
  restored_.store(true);
}

}  // namespace vigil::rules
