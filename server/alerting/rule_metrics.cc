// RuleManager::AppendMetrics: the vigil_rule_* families in the Prometheus
// text format, one series per loaded group (label rule_group="file;name",
// as Prometheus's prometheus_rule_* metrics), plus the alert queue.
#include <charconv>
#include <cmath>
#include <functional>

#include "server/alerting/rule_manager.h"

namespace vigil::server::alerting {

namespace {

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void RuleManager::AppendMetrics(std::string* out) const {
  std::vector<std::pair<std::string, std::shared_ptr<const GroupStats>>> groups;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Entry& e : entries_) groups.emplace_back(e.key, e.loop->stats());
  }
  struct Family {
    const char* name;
    const char* type;
    const char* help;
    std::function<double(const GroupStats&)> value;
  };
  const Family families[] = {
      {"vigil_rule_group_interval_seconds", "gauge", "The interval of a rule group.",
       [](const GroupStats& s) { return static_cast<double>(s.interval_ms.load()) / 1000.0; }},
      {"vigil_rule_group_rules", "gauge", "The number of rules in a rule group.",
       [](const GroupStats& s) { return static_cast<double>(s.rules.load()); }},
      {"vigil_rule_group_last_duration_seconds", "gauge", "The duration of the last rule group evaluation.",
       [](const GroupStats& s) { return s.last_duration_seconds.load(); }},
      {"vigil_rule_group_last_evaluation_timestamp_seconds", "gauge",
       "The timestamp of the last rule group evaluation in seconds (0 before the first).",
       [](const GroupStats& s) { return static_cast<double>(s.last_eval_ts_ms.load()) / 1000.0; }},
      {"vigil_rule_group_last_delay_seconds", "gauge",
       "Time from the scheduled slot of the last rule group evaluation to its end.",
       [](const GroupStats& s) { return s.last_delay_seconds.load(); }},
      {"vigil_rule_group_iterations_total", "counter", "Rule group evaluations run.",
       [](const GroupStats& s) { return static_cast<double>(s.iterations.load()); }},
      {"vigil_rule_group_iterations_missed_total", "counter",
       "Rule group evaluations skipped because an evaluation overran its slot.",
       [](const GroupStats& s) { return static_cast<double>(s.missed.load()); }},
      {"vigil_rule_evaluations_total", "counter", "Rules evaluated.",
       [](const GroupStats& s) { return static_cast<double>(s.rule_evaluations.load()); }},
      {"vigil_rule_evaluation_failures_total", "counter", "Rule evaluations that failed.",
       [](const GroupStats& s) { return static_cast<double>(s.rule_failures.load()); }},
  };
  for (const Family& f : families) {
    Header(out, f.name, f.type, f.help);
    for (const auto& [key, stats] : groups) {
      *out += std::string(f.name) + "{rule_group=\"" + EscapeLabelValue(key) + "\"} " + FormatNumber(f.value(*stats)) + "\n";
    }
  }
  Header(out, "vigil_rule_alert_queue_length", "gauge", "Alerts waiting to be handed to the notifier.");
  *out += "vigil_rule_alert_queue_length " + FormatNumber(static_cast<double>(async_sink_.queued_alerts())) + "\n";
  Header(out, "vigil_rule_alerts_dropped_total", "counter",
         "Alerts dropped because the queue to the notifier was full.");
  *out += "vigil_rule_alerts_dropped_total " + FormatNumber(static_cast<double>(async_sink_.dropped_alerts())) + "\n";
}

}  // namespace vigil::server::alerting
