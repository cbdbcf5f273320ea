// PagerDuty Events API v2 events (PagerDuty developer docs events-API-v2;
// Alertmanager notify/pagerduty/pagerduty.go): one per alert, keyed by the
// alert's label fingerprint so that trigger and resolve pair up.
#include <string>

#include "server/notify/alert_format.h"
#include "server/notify/payload_json.h"
#include "server/notify/payloads.h"

namespace vigil::notify {

namespace {

constexpr size_t kMaxSummaryBytes = 1024;
constexpr size_t kMaxEventBytes = 512 * 1024;

std::string Summary(const rules::AlertNotice& a) {
  std::string_view summary = a.annotations.Get("summary");
  if (!summary.empty()) return TruncateUtf8(std::string(summary), kMaxSummaryBytes);
  return TruncateUtf8(std::string(a.labels.Get("alertname")) + " " + a.labels.ToString(), kMaxSummaryBytes);
}

std::string Source(const rules::AlertNotice& a) {
  for (std::string_view name : {"instance", "job", "service"}) {
    std::string_view v = a.labels.Get(name);
    if (!v.empty()) return std::string(v);
  }
  return "vigil";
}

}  // namespace

std::string PagerDutySeverity(std::string_view v) {
  std::string s;
  for (char c : v) s += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (s == "critical" || s == "crit" || s == "page" || s == "emergency" || s == "fatal") return "critical";
  if (s == "warning" || s == "warn") return "warning";
  if (s == "info" || s == "informational" || s == "notice" || s == "none") return "info";
  return "error";  // "error", "err", empty, unknown: Alertmanager's default
}

std::string PagerDutyEventJson(const ReceiverConfig& receiver, const rules::AlertNotice& a,
                               const PayloadContext& ctx) {
  nlohmann::json event = {
      {"routing_key", receiver.routing_key},
      {"event_action", a.resolved ? "resolve" : "trigger"},
      {"dedup_key", FingerprintHex(LabelFingerprint(a.labels))},
  };
  if (!a.resolved) {
    std::string severity = receiver.severity.empty() ? PagerDutySeverity(a.labels.Get("severity")) : receiver.severity;
    nlohmann::json payload = {
        {"summary", Summary(a)},
        {"source", Source(a)},
        {"severity", severity},
        {"custom_details", {{"labels", LabelsJson(a.labels)}, {"annotations", LabelsJson(a.annotations)}}},
    };
    if (a.starts_at_ms != 0) payload["timestamp"] = FormatRfc3339Millis(a.starts_at_ms);
    std::string_view alertname = a.labels.Get("alertname");
    if (!alertname.empty()) payload["class"] = std::string(alertname);
    event["payload"] = std::move(payload);
    event["client"] = "vigil";
    if (!ctx.external_url.empty()) event["client_url"] = ctx.external_url;
    if (!a.generator_url.empty()) event["links"] = {{{"href", a.generator_url}, {"text", "Source expression"}}};
  }
  std::string body = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (body.size() > kMaxEventBytes && event.contains("payload")) {
    // As Alertmanager does: drop the details rather than the event.
    event["payload"].erase("custom_details");
    body = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return body;
}

}  // namespace vigil::notify
