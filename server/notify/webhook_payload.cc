// Alertmanager webhook format version 4 (notify/webhook/webhook.go Message,
// template/template.go Data), as Alertmanager would send it for a route
// grouping by alertname.
#include <string>

#include "server/notify/alert_format.h"
#include "server/notify/payload_json.h"
#include "server/notify/payloads.h"

namespace vigil::notify {

namespace {

// Go's regexp.QuoteMeta: Alertmanager quotes the receiver name.
std::string QuoteMeta(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string WebhookMessageJson(const ReceiverConfig& receiver, const std::string& alertname,
                               const std::vector<rules::AlertNotice>& alerts_in, const PayloadContext& ctx) {
  std::vector<rules::AlertNotice> alerts = SortedByLabels(alerts_in);
  int64_t truncated = 0;
  if (receiver.max_alerts > 0 && static_cast<int64_t>(alerts.size()) > receiver.max_alerts) {
    truncated = static_cast<int64_t>(alerts.size()) - receiver.max_alerts;
  }
  bool any_firing = false;
  std::vector<const Labels*> labels, annotations;
  for (const rules::AlertNotice& a : alerts) {
    any_firing |= !a.resolved;
    labels.push_back(&a.labels);
    annotations.push_back(&a.annotations);
  }
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < alerts.size() - static_cast<size_t>(truncated); ++i) {
    const rules::AlertNotice& a = alerts[i];
    list.push_back({{"status", a.resolved ? "resolved" : "firing"},
                    {"labels", LabelsJson(a.labels)},
                    {"annotations", LabelsJson(a.annotations)},
                    {"startsAt", a.starts_at_ms != 0 ? FormatRfc3339Nano(a.starts_at_ms) : kZeroTime},
                    // Alertmanager zeroes an end still in the future (a firing alert).
                    {"endsAt", a.resolved && a.ends_at_ms != 0 ? FormatRfc3339Nano(a.ends_at_ms) : kZeroTime},
                    {"generatorURL", a.generator_url},
                    {"fingerprint", FingerprintHex(LabelFingerprint(a.labels))}});
  }
  Result<Labels> group_or = Labels::FromPairs({{"alertname", alertname}});
  Labels group = group_or.ok() ? *group_or : Labels();
  nlohmann::json msg = {
      {"version", "4"},
      {"groupKey", "{}:" + group.ToString()},
      {"truncatedAlerts", truncated},
      {"status", any_firing ? "firing" : "resolved"},
      {"receiver", QuoteMeta(receiver.name)},
      {"groupLabels", LabelsJson(group)},
      {"commonLabels", CommonJson(labels)},
      {"commonAnnotations", CommonJson(annotations)},
      {"externalURL", ctx.external_url},
      {"alerts", std::move(list)},
  };
  return msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vigil::notify
