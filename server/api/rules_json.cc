#include "server/api/rules_json.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "query/parser.h"
#include "server/api/json_writer.h"
#include "server/http/json_escape.h"
#include "server/notify/alert_format.h"
#include "server/rules/template/go_format.h"

namespace vigil::server::api {

namespace {

// LabelPairs as a JSON object sorted by name (Prometheus holds them as
// labels.Labels).
void AppendPairs(std::string* out, const rules::LabelPairs& pairs) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(pairs.size());
  for (const auto& p : pairs) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  out->push_back('{');
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, sorted[i]->first);
    out->push_back(':');
    AppendJsonString(out, sorted[i]->second);
  }
  out->push_back('}');
}

// Prometheus shows a rule's expression as its parsed tree printed back
// (rule.Query().String()): `vector(1)*1000000` → `vector(1) * 1e+06`.
std::string QueryString(const std::string& expr) {
  Result<query::ExprPtr> parsed = query::ParseExpr(expr);
  return parsed.ok() ? (*parsed)->ToString() : expr;
}

void AppendKey(std::string* out, const char* key) {
  out->push_back('"');
  out->append(key);
  out->append("\":");
}

void AppendTime(std::string* out, int64_t t_ms) {
  out->push_back('"');
  out->append(FormatRfc3339NanoMs(t_ms));
  out->push_back('"');
}

}  // namespace

std::string FormatRfc3339NanoMs(int64_t t_ms) {
  if (t_ms == 0) return notify::kZeroTime;
  return notify::FormatRfc3339Nano(t_ms);
}

void AppendJsonFloat(std::string* out, double v) {
  std::string s;
  AppendGoFloat(&s, v);
  // encoding/json: "e-07" → "e-7", "e+21" stays.
  size_t e = s.find("e-0");
  if (e != std::string::npos && e + 3 < s.size()) s.erase(e + 2, 1);
  out->append(s);
}

void AppendAlertJson(std::string* out, const rules::Alert& a) {
  out->append("{\"labels\":");
  AppendLabels(out, a.labels);
  out->append(",\"annotations\":");
  AppendLabels(out, a.annotations);
  out->append(",\"state\":\"");
  out->append(rules::AlertStateName(a.state));
  out->append("\",\"activeAt\":");
  AppendTime(out, a.active_at_ms);
  if (a.keep_firing_since_ms != 0) {
    out->append(",\"keepFiringSince\":");
    AppendTime(out, a.keep_firing_since_ms);
  }
  out->append(",\"value\":");
  AppendJsonString(out, rules::FormatGoFloat(a.value, 'e', -1));
  out->push_back('}');
}

void AppendRuleJson(std::string* out, const rules::RuleSnapshot& r, bool with_alerts) {
  out->push_back('{');
  if (r.alerting) {
    AppendKey(out, "state");
    AppendJsonString(out, r.evaluated ? rules::AlertStateName(r.state) : "unknown");
    out->push_back(',');
  }
  AppendKey(out, "name");
  AppendJsonString(out, r.name);
  out->append(",\"query\":");
  AppendJsonString(out, QueryString(r.query));
  if (r.alerting) {
    out->append(",\"duration\":");
    AppendJsonFloat(out, static_cast<double>(r.for_ms) / 1000.0);
    out->append(",\"keepFiringFor\":");
    AppendJsonFloat(out, static_cast<double>(r.keep_firing_for_ms) / 1000.0);
  }
  // RecordingRule.Labels is `json:"labels,omitempty"` (Prometheus 2.x).
  if (r.alerting || !r.labels.empty()) {
    out->append(",\"labels\":");
    AppendPairs(out, r.labels);
  }
  if (r.alerting) {
    out->append(",\"annotations\":");
    AppendPairs(out, r.annotations);
    out->append(",\"alerts\":");
    if (!with_alerts) {
      out->append("null");
    } else {
      out->push_back('[');
      for (size_t i = 0; i < r.alerts.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendAlertJson(out, r.alerts[i]);
      }
      out->push_back(']');
    }
  }
  out->append(",\"health\":");
  AppendJsonString(out, r.health);
  if (!r.last_error.empty()) {
    out->append(",\"lastError\":");
    AppendJsonString(out, r.last_error);
  }
  out->append(",\"evaluationTime\":");
  AppendJsonFloat(out, r.eval_seconds);
  out->append(",\"lastEvaluation\":");
  AppendTime(out, r.last_eval_ms);
  out->append(",\"type\":");
  AppendJsonString(out, r.alerting ? "alerting" : "recording");
  out->push_back('}');
}

void AppendGroupJson(std::string* out, const rules::GroupSnapshot& g, const std::vector<const rules::RuleSnapshot*>& rules,
                     bool with_alerts) {
  out->append("{\"name\":");
  AppendJsonString(out, g.name);
  out->append(",\"file\":");
  AppendJsonString(out, g.file);
  out->append(",\"rules\":[");
  for (size_t i = 0; i < rules.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendRuleJson(out, *rules[i], with_alerts);
  }
  out->append("],\"interval\":");
  AppendJsonFloat(out, static_cast<double>(g.interval_ms) / 1000.0);
  out->append(",\"limit\":");
  out->append(std::to_string(g.limit));
  out->append(",\"evaluationTime\":");
  AppendJsonFloat(out, g.eval_seconds);
  out->append(",\"lastEvaluation\":");
  AppendTime(out, g.last_eval_ms);
  out->push_back('}');
}

}  // namespace vigil::server::api
